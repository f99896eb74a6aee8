"""Sending, receiving, storages and reports through a simulated modem, on a real pty."""
import time

import pytest

from modem import pdu
from tests.modem.sim.conftest import wait_for

# gammu 1.42 `sendsms TEXT +819012345678 -unicode -text 'こんにちは世界'` (peer-clients/sendsms.txt)
GAMMU_PDU = "079118092143658711000C911809214365870008FF0E30533093306B3061306F4E16754C"
CUSTOMER = "+819012345678"


def send_pdu(client, encoded_hex: str, length: int) -> list[str]:
    return client.send_pdu(encoded_hex, length)


def test_send_gammu_pdu_reaches_the_handset(client, simulator):
    lines = send_pdu(client, GAMMU_PDU, 28)
    assert lines[0].startswith("+CMGS: ") and lines[-1] == "OK"
    phone = simulator.network.handset(CUSTOMER)
    wait_for(lambda: phone.received, what="delivery")
    assert [m.text for m in phone.received] == ["こんにちは世界"]
    assert phone.received[0].sender == simulator.modems[0].sim.number


def test_message_references_count_up_per_modem(client):
    first = int(send_pdu(client, GAMMU_PDU, 28)[0].split(": ")[1])
    second = int(send_pdu(client, GAMMU_PDU, 28)[0].split(": ")[1])
    assert second == (first + 1) % 256


def test_multipart_japanese_arrives_whole(client, simulator):
    text = "お支払いのお願い。" * 22 + "よろしく"      # 202 characters: 4 UCS-2 parts
    parts = pdu.encode_submit(CUSTOMER, text, concat_ref=77)
    assert len(parts) == 4
    for part in parts:
        assert send_pdu(client, part.hex, part.tpdu_length)[-1] == "OK"
    phone = simulator.network.handset(CUSTOMER)
    wait_for(lambda: phone.received)
    assert [(m.text, m.parts) for m in phone.received] == [(text, 4)]


def test_wrong_length_is_refused(client, simulator):
    client.ok("AT+CMEE=1")
    assert send_pdu(client, GAMMU_PDU, 27) == ["+CMS ERROR: 304"]
    assert send_pdu(client, "ZZ", 1) == ["+CMS ERROR: 304"]
    assert not simulator.network.handset(CUSTOMER).received


def test_escape_cancels_the_send(client, simulator):
    client.write("AT+CMGS=28\r")
    client.read_until(lambda b: b.endswith(b"> "))
    client.write(GAMMU_PDU[:20] + "\x1b")
    assert client.read_until(lambda b: b.endswith(b"OK\r\n")) == b"\r\nOK\r\n"
    assert client.read_for(0.2) == b""
    assert not simulator.network.handset(CUSTOMER).received


def test_text_mode_send_in_ucs2(client, simulator):
    client.ok('AT+CMGF=1;+CSCS="UCS2";+CSMP=17,167,0,8')
    client.write('AT+CMGS="' + CUSTOMER.encode("utf-16-be").hex().upper() + '"\r')
    client.read_until(lambda b: b.endswith(b"> "))
    client.write("請求書のご案内🙇".encode("utf-16-be").hex().upper() + "\x1a")
    assert client.read_until(lambda b: b.endswith(b"OK\r\n")).startswith(b"\r\n+CMGS: ")
    phone = simulator.network.handset(CUSTOMER)
    wait_for(lambda: phone.received)
    assert phone.received[0].text == "請求書のご案内🙇"


def test_unknown_number_fails_permanently(client, simulator):
    simulator.add_handset("+819000000000", unknown=True)
    client.ok("AT+CMEE=1")
    (part,) = pdu.encode_submit("+819000000000", "test")
    assert send_pdu(client, part.hex, part.tpdu_length) == ["+CMS ERROR: 1"]


def test_daily_cap_counts_parts_then_blocks(simulator):
    from tests.modem.sim.atclient import AtClient
    modem = simulator.add_modem(daily_cap=3)
    client = AtClient(modem.path)
    client.ok("ATE0;+CMEE=1")
    parts = pdu.encode_submit(CUSTOMER, "あ" * 140)                      # 3 parts
    for part in parts:
        assert send_pdu(client, part.hex, part.tpdu_length)[-1] == "OK"
    (one,) = pdu.encode_submit(CUSTOMER, "もう一通")
    assert send_pdu(client, one.hex, one.tpdu_length) == ["+CMS ERROR: 21"]
    assert modem.sim.parts_sent(simulator.network.now().date()) == 3
    client.close()


def test_received_sms_is_announced_stored_listed_read_deleted(client, simulator, modem):
    client.ok("AT+CNMI=2,1,0,2,0")
    simulator.send_sms(CUSTOMER, modem.sim.number, "振り込みました")
    assert client.read_until(lambda b: b"+CMTI" in b) == b'\r\n+CMTI: "SM",1\r\n'
    assert client.ok("AT+CPMS?") == ['+CPMS: "SM",1,50,"SM",1,50,"SM",1,50']
    header, body = client.ok("AT+CMGL=4")
    assert header.startswith("+CMGL: 1,0,,")
    message = pdu.decode(body)
    assert (message.sender, message.text) == (CUSTOMER, "振り込みました")
    assert client.ok("AT+CMGL=0") == []                                  # listed: now read
    assert client.ok("AT+CMGR=1")[0] == f"+CMGR: 1,,{header.split(',')[-1]}"
    client.ok("AT+CMGD=1")
    assert client.ok("AT+CMGL=4") == []


def test_text_mode_listing(client, simulator, modem):
    client.ok("AT+CNMI=2,1,0,2,0;+CMGF=1")
    simulator.send_sms(CUSTOMER, modem.sim.number, "Paid today")
    client.read_until(lambda b: b"+CMTI" in b)
    header, body = client.ok('AT+CMGL="ALL"')
    assert header.startswith(f'+CMGL: 1,"REC UNREAD","{CUSTOMER}",,"') and body == "Paid today"
    client.ok('AT+CSCS="UCS2"')
    header, body = client.ok("AT+CMGR=1")
    assert header.startswith('+CMGR: "REC READ","002B0038') and body == "Paid today".encode("utf-16-be").hex().upper()


@pytest.mark.parametrize("mode, stats", [
    ("0", {"0": [2], "1": [1], "2": [], "3": [], "4": [1, 2]}),
    ("1", {'"REC UNREAD"': [2], '"REC READ"': [1], '"STO UNSENT"': [], '"STO SENT"': [], '"ALL"': [1, 2]})])
def test_every_listing_filter(client, simulator, modem, mode, stats):
    """TS 27.005 §3.4.2 / §4.1: each <stat> lists only its messages; listing marks unread ones read,
    so each filter is asked of a fresh pair (one read, one unread)."""
    client.ok(f"AT+CNMI=2,1,0,2,0;+CMGF={mode}")
    for stat, indexes in stats.items():
        client.ok("AT+CMGD=1,4")
        for text in ("一通目", "二通目"):
            simulator.send_sms(CUSTOMER, modem.sim.number, text)
            client.read_until(lambda b: b"+CMTI" in b)
        client.ok("AT+CMGR=1")                                          # the first one is read
        listed = [int(line.split(":")[1].split(",")[0]) for line in client.ok(f"AT+CMGL={stat}")
                  if line.startswith("+CMGL:")]
        assert listed == indexes, stat
    assert client.lines("AT+CMGL=5") == ["ERROR"] and client.lines('AT+CMGL="NEW"' if mode == "1" else "AT+CMGL=x") == ["ERROR"]


def test_direct_delivery_with_cmt(client, simulator, modem):
    client.ok("AT+CNMI=2,2,0,0,0")
    simulator.send_sms(CUSTOMER, modem.sim.number, "直接")
    data = client.read_until(lambda b: b.count(b"\r\n") >= 3)
    _, head, body, _ = data.split(b"\r\n")
    assert head.startswith(b"+CMT: ,")
    assert pdu.decode(body.decode()).text == "直接"
    assert client.ok("AT+CPMS?")[0].startswith('+CPMS: "SM",0,')


def test_delete_flags(client, simulator, modem):
    client.ok("AT+CNMI=2,1,0,0,0")
    for i in range(3):
        simulator.send_sms(CUSTOMER, modem.sim.number, f"m{i}")
    client.read_until(lambda b: b.count(b"+CMTI") == 3)
    client.ok("AT+CMGR=2")
    client.ok("AT+CMGD=1,1")                                           # all read ones
    assert [l.split(",")[0] for l in client.ok("AT+CMGL=4")[::2]] == ["+CMGL: 1", "+CMGL: 3"]
    client.ok("AT+CMGD=0,4")
    assert client.ok("AT+CMGL=4") == []


def test_storage_selection(client):
    assert client.ok("AT+CPMS=?") == ['+CPMS: ("SM","ME","SR"),("SM","ME"),("SM","ME")']
    assert client.ok('AT+CPMS="ME","ME","ME"') == ["+CPMS: 0,100,0,100,0,100"]
    assert client.ok('AT+CPMS="SR"') == ["+CPMS: 0,50,0,100,0,100"]
    assert client.ok("AT+CPMS?") == ['+CPMS: "SR",0,50,"ME",0,100,"ME",0,100']
    assert client.lines('AT+CPMS="XX"') == ["ERROR"]


def test_status_report_stored_in_sr_and_announced(client, simulator):
    client.ok("AT+CNMI=2,1,0,2,0")
    (part,) = pdu.encode_submit(CUSTOMER, "報告ください", status_report=True)
    reference = int(send_pdu(client, part.hex, part.tpdu_length)[0].split(": ")[1])
    assert client.read_until(lambda b: b"+CDSI" in b) == b'\r\n+CDSI: "SR",1\r\n'
    client.ok('AT+CPMS="SR"')
    _, body = client.ok("AT+CMGR=1")
    report = pdu.decode(body)
    assert isinstance(report, pdu.StatusReport)
    assert (report.reference, report.recipient, report.status) == (reference, CUSTOMER, 0)


def test_status_report_routed_directly(client):
    client.ok("AT+CNMI=2,1,0,1,0")
    (part,) = pdu.encode_submit(CUSTOMER, "report", status_report=True)
    send_pdu(client, part.hex, part.tpdu_length)
    data = client.read_until(lambda b: b"+CDS:" in b and b.count(b"\r\n") >= 3)
    _, head, body, _ = data.split(b"\r\n")
    octets = bytes.fromhex(body.decode())
    assert int(head.split(b": ")[1]) == len(octets) - 1 - octets[0]           # TPDU, without SMSC
    assert pdu.decode(body.decode()).status == 0


def test_phone_off_delays_the_report_until_on(client, simulator):
    phone = simulator.add_handset(CUSTOMER, off_for=0.5)
    client.ok("AT+CNMI=2,1,0,2,0")
    (part,) = pdu.encode_submit(CUSTOMER, "待ってます", status_report=True)
    send_pdu(client, part.hex, part.tpdu_length)
    assert client.read_for(0.2) == b""
    assert not phone.received
    client.read_until(lambda b: b"+CDSI" in b, timeout=3)
    assert phone.received[0].text == "待ってます"


def test_phone_off_past_validity_expires(simulator):
    from tests.modem.sim.atclient import AtClient
    simulator.network.settings.max_validity = 0.3
    simulator.add_handset(CUSTOMER, off_for=60)
    modem = simulator.add_modem()
    client = AtClient(modem.path)
    client.ok("ATE0;+CNMI=2,1,0,1,0")
    (part,) = pdu.encode_submit(CUSTOMER, "expire me", status_report=True)
    send_pdu(client, part.hex, part.tpdu_length)
    data = client.read_until(lambda b: b"+CDS:" in b and b.count(b"\r\n") >= 3, timeout=3)
    report = pdu.decode(data.split(b"\r\n")[2].decode())
    assert report.status == 0x46 and pdu.status_group(report.status) == "failed"
    client.close()


def test_full_storage_keeps_messages_at_the_smsc(client, simulator, modem):
    client.ok("AT+CNMI=2,1,0,0,0")
    modem.set_storage_full(True)
    simulator.send_sms(CUSTOMER, modem.sim.number, "満杯")
    wait_for(lambda: simulator.network.waiting_for(modem.sim.number) == 1)
    assert client.read_for(0.1) == b""
    modem.set_storage_full(False)
    assert b'+CMTI: "SM",1' in client.read_until(lambda b: b"+CMTI" in b)


def test_handset_replies_after_its_delay(client, simulator, modem):
    simulator.add_handset(CUSTOMER, reply="来週払います🙏", reply_after=0.05)
    client.ok("AT+CNMI=2,1,0,0,0")
    (part,) = pdu.encode_submit(CUSTOMER, "お支払いのお願い")
    send_pdu(client, part.hex, part.tpdu_length)
    client.read_until(lambda b: b"+CMTI" in b)
    _, body = client.ok("AT+CMGR=1")
    assert pdu.decode(body).text == "来週払います🙏"


def test_long_reply_arrives_in_parts(client, simulator, modem):
    text = "分割でお願いします。" * 20                                # 200 characters
    client.ok("AT+CNMI=2,1,0,0,0")
    assert simulator.send_sms(CUSTOMER, modem.sim.number, text) == 3
    client.read_until(lambda b: b.count(b"+CMTI") == 3)
    listing = client.ok("AT+CMGL=4")
    parts = sorted((pdu.decode(b) for b in listing[1::2]), key=lambda m: m.concat.seq)
    assert "".join(p.text for p in parts) == text and {p.concat.total for p in parts} == {3}


def test_sim_to_sim_arrives_as_a_real_deliver(simulator):
    from tests.modem.sim.atclient import AtClient
    a, b = simulator.add_modem(), simulator.add_modem()
    ca, cb = AtClient(a.path), AtClient(b.path)
    ca.ok("ATE0")
    cb.ok("ATE0;+CNMI=2,1,0,0,0")
    parts = pdu.encode_submit(b.sim.number, "社内テスト " * 20, concat_ref=5)
    for part in parts:
        assert send_pdu(ca, part.hex, part.tpdu_length)[-1] == "OK"
    cb.read_until(lambda data: data.count(b"+CMTI") == len(parts) == 2)
    received = [pdu.decode(x) for x in cb.ok("AT+CMGL=4")[1::2]]
    assert {type(m) for m in received} == {pdu.Deliver}
    assert {m.sender for m in received} == {a.sim.number}
    assert "".join(m.text for m in sorted(received, key=lambda m: m.concat.seq)) == "社内テスト " * 20
    ca.close()
    cb.close()


def test_slow_network_delays_delivery(client, simulator):
    phone = simulator.add_handset(CUSTOMER, slow=0.3)
    (part,) = pdu.encode_submit(CUSTOMER, "ゆっくり")
    send_pdu(client, part.hex, part.tpdu_length)
    client.read_for(0.1)
    assert not phone.received
    wait_for(lambda: phone.received, what="slow delivery")


def test_text_mode_detail_headers(client, simulator, modem):
    # TM-07 at-sms-txt-detail: with AT+CSDH=1 the header carries tooa, fo, pid, dcs, sca, tosca, length.
    client.ok("AT+CNMI=2,1,0,0,0;+CMGF=1;+CSDH=1")
    simulator.send_sms(CUSTOMER, modem.sim.number, "It is easy")
    client.read_until(lambda b: b"+CMTI" in b)
    header, body = client.ok("AT+CMGR=1")
    smsc = simulator.network.settings.smsc
    assert header.startswith(f'+CMGR: "REC UNREAD","{CUSTOMER}",,"')
    assert header.endswith(f',145,4,0,0,"{smsc}",145,10')    # characters
    assert body == "It is easy"


def test_status_report_never_overtakes_the_cmgs_answer(client, modem, monkeypatch):
    # Seen once with smstools at zero network delays: +CDS arrived before "+CMGS: n / OK".
    # The answer is made slow to write, so a report that is not held back would overtake it.
    respond = modem._respond

    def slow_respond(lines, final):
        if any(line.startswith("+CMGS") for line in lines):
            time.sleep(0.05)
        respond(lines, final)
    monkeypatch.setattr(modem, "_respond", slow_respond)
    client.ok("AT+CNMI=2,1,0,1,0")
    (part,) = pdu.encode_submit(CUSTOMER, "順番", status_report=True)
    for _ in range(5):
        client.write(f"AT+CMGS={part.tpdu_length}\r")
        client.read_until(lambda b: b.endswith(b"> "))
        client.write(part.hex + "\x1a")
        data = client.read_until(lambda b: b"+CDS:" in b and b.count(b"\r\n") >= 7)
        assert data.index(b"+CMGS:") < data.index(b"OK") < data.index(b"+CDS:")


def _stored(modem, *stats: int) -> None:
    """Fill SM with one message per stat, at indexes 1, 2, ... (the simulator has no AT+CMGW)."""
    from modem.sim.storage import StoredMessage
    (part,) = pdu.encode_submit(CUSTOMER, "x")
    for stat in stats:
        modem.storages.by_name["SM"].store(StoredMessage("00" + part.hex, stat, part.tpdu_length))


@pytest.mark.parametrize("delflag, left", [
    (1, ["REC UNREAD", "STO UNSENT", "STO SENT"]),
    (2, ["REC UNREAD", "STO UNSENT"]),     # TS 27.005 §3.5.4: 2 = read and sent
    (3, ["REC UNREAD"]),                   # 3 = read, sent and unsent
    (4, [])])
def test_delete_flags_by_stat(client, modem, delflag, left):
    from modem.sim.storage import REC_READ, REC_UNREAD, STO_SENT, STO_UNSENT
    _stored(modem, REC_UNREAD, REC_READ, STO_UNSENT, STO_SENT)
    client.ok("AT+CMGF=1")
    client.ok(f"AT+CMGD=1,{delflag}")                # <index> is ignored when <delflag> > 0
    listed = [line.split(",")[1].strip('"') for line in client.ok('AT+CMGL="ALL"') if line.startswith("+CMGL:")]
    assert listed == left
