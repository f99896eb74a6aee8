"""One modem through the engine, against every simulator profile, over real pseudo-terminals."""
import threading
import time

import pytest

from modem import events, pdu
from modem.device import Modem, SimLocked, SimNotReady
from modem.errors import AtTimeout, CmeError, CmsError, PortBusy, PortGone, SendFailed
from modem.sim.commandline import READ, TEST
from modem.sim.network import NetworkSettings
from modem.sim.profiles import PROFILES
from modem.sim.simulator import Simulator
from modem.sim.storage import REC_UNREAD, StoredMessage
from tests.modem.sim.conftest import FAST, wait_for

CUSTOMER = "+819012345678"


@pytest.fixture
def simulator():
    sim = Simulator(NetworkSettings(**FAST))
    yield sim
    sim.stop()


@pytest.fixture(params=sorted(PROFILES))
def pair(request, simulator, tmp_path):
    """(simulated modem, our Modem opened on it) for each profile."""
    sim_modem = simulator.add_modem(request.param, link=str(tmp_path / "ttyUSB0"))
    device = Modem(sim_modem.path, timeout=2).open()
    yield sim_modem, device
    device.close()


def next_event(device, kind, timeout=5.0):
    """The next event of type `kind` (others are skipped); fails after `timeout` seconds."""
    import time
    deadline = time.monotonic() + timeout
    while True:
        event = device.events.get(timeout=max(0.0, deadline - time.monotonic()))
        if isinstance(event, kind):
            return event


def received_texts(simulator, number=CUSTOMER):
    return [m.text for m in simulator.network.handset(number).received]


@pytest.mark.parametrize("text, parts", [("お支払いのお願い", 1), ("督" * 670, 10)])
def test_send_one_and_ten_parts(pair, simulator, text, parts):
    _, device = pair
    sent = device.send(CUSTOMER, text)
    assert len(sent.references) == parts and len(set(sent.references)) == parts
    wait_for(lambda: received_texts(simulator))
    assert received_texts(simulator) == [text]


def test_status_reports_match_the_parts_sent(pair):
    _, device = pair
    sent = device.send(CUSTOMER, "確認" * 40)                      # 2 parts
    reports = []
    for _ in sent.references:
        event = next_event(device, events.StatusReportStored)
        reports.append(device.read_status_report(event.storage, event.index).message)
    assert sorted((r.reference, r.recipient) for r in reports) == sorted((ref, CUSTOMER) for ref in sent.references)
    assert {pdu.status_group(r.status) for r in reports} == {"delivered"}


def test_receive_commit_then_delete(pair, simulator):
    sim_modem, device = pair
    simulator.send_sms(CUSTOMER, sim_modem.sim.number, "振り込みました🙏")
    event = next_event(device, events.SmsStored)
    stored = device.read(event.storage, event.index)
    assert stored.message.text == "振り込みました🙏" and stored.message.sender == CUSTOMER
    assert [m.index for m in device.list_stored()] == [event.index]   # still there until deleted
    device.delete(event.storage, event.index)
    assert device.list_stored() == []


def test_cmti_between_prompt_and_cmgs_is_not_lost(pair, simulator):
    sim_modem, device = pair
    sim_modem.storages.receive_storage.store(StoredMessage(
        pdu.encode_deliver(CUSTOMER, "割り込み", simulator.network.now())[0].hex, REC_UNREAD, 20))
    sim_modem.faults.after_prompt.append('+CMTI: "SM",1')
    device.send(CUSTOMER, "送信中")
    event = next_event(device, events.SmsStored)
    assert device.read(event.storage, event.index).message.text == "割り込み"


def test_two_cmti_in_one_burst(pair, simulator):
    sim_modem, device = pair
    for text in ("一通目", "二通目"):
        sim_modem.storages.receive_storage.store(StoredMessage(
            pdu.encode_deliver(CUSTOMER, text, simulator.network.now())[0].hex, REC_UNREAD, 20))
    sim_modem.port.write(b'\r\n+CMTI: "SM",1\r\n\r\n+CMTI: "SM",2\r\n')
    indexes = [next_event(device, events.SmsStored).index for _ in range(2)]
    assert [device.read("SM", i).message.text for i in indexes] == ["一通目", "二通目"]


@pytest.mark.parametrize("listing", ["list_stored", "read"])
def test_cmti_inside_a_listing_is_not_lost(pair, simulator, listing):
    """A +CMTI the modem puts between a +CMGL/+CMGR header and its PDU: the stored message still
    reads whole, and the notification still arrives."""
    sim_modem, device = pair
    index = sim_modem.storages.receive_storage.store(StoredMessage(
        pdu.encode_deliver(CUSTOMER, "保存済み", simulator.network.now())[0].hex, REC_UNREAD, 20))
    sim_modem.faults.in_response.append('+CMTI: "SM",7')
    found = device.list_stored("SM") if listing == "list_stored" else [device.read("SM", index)]
    assert [(m.index, m.message.text if m.message else m.error) for m in found] == [(index, "保存済み")]
    assert next_event(device, events.SmsStored).index == 7


def test_cds_header_and_pdu_50_ms_apart(pair):
    sim_modem, device = pair
    device.at("AT+CNMI=2,1,0,1,0")
    sim_modem.faults.split_delay = 0.05
    sent = device.send(CUSTOMER, "report")
    event = next_event(device, events.StatusReportReceived)
    assert event.report.reference == sent.references[0]


def test_reboot_mid_session(pair, simulator):
    sim_modem, device = pair
    sim_modem.reboot()
    assert device.signal() == -77                        # echo is back on: tolerated
    next_event(device, events.Rebooted)                  # from the boot lines or the echo
    device.initialise()
    assert device.send(CUSTOMER, "再起動後").references
    wait_for(lambda: received_texts(simulator) == ["再起動後"])


def test_unplug_and_replug_loses_and_duplicates_nothing(pair, simulator):
    sim_modem, device = pair
    sim_modem.unplug()
    next_event(device, events.Unplugged)
    with pytest.raises(SendFailed) as failed:
        device.send(CUSTOMER, "届かない")
    assert isinstance(failed.value.cause, PortGone) and failed.value.sent == []
    for text in ("抜けている間 1", "抜けている間 2"):
        simulator.send_sms(CUSTOMER, sim_modem.sim.number, text)
    wait_for(lambda: simulator.network.waiting_for(sim_modem.sim.number) == 2)
    simulator.network.scheduler.call_later(0.3, sim_modem.replug)
    device.reconnect(backoff=(0.05,))
    wait_for(lambda: len(device.list_stored()) == 2)
    assert sorted(m.message.text for m in device.list_stored()) == ["抜けている間 1", "抜けている間 2"]
    for message in device.list_stored():
        device.delete(message.storage, message.index)
    assert device.list_stored() == [] and simulator.network.waiting_for(sim_modem.sim.number) == 0


def test_garbage_bytes_do_no_harm(pair):
    sim_modem, device = pair
    sim_modem.send_garbage()
    assert device.identify()["registered"] is True


def test_late_answer_after_a_timeout_never_reaches_the_next_command(pair):
    sim_modem, device = pair
    sim_modem.faults.answer_delay = 0.5
    with pytest.raises(AtTimeout):
        device.at("AT+COPS?", timeout=0.2)
    assert device.identity().manufacturer == sim_modem.profile.manufacturer.strip()
    assert device.signal() == -77


@pytest.mark.parametrize("cmee", [1, 2])
def test_errors_in_every_form_are_typed(pair, simulator, cmee):
    sim_modem, device = pair
    device.at(f"AT+CMEE={cmee}")
    with pytest.raises(CmeError) as cme:
        device.at("AT+CFUN=9")
    assert (cme.value.code, cme.value.text) == ((50, None) if cmee == 1 else (50, "incorrect parameters"))
    simulator.add_handset("+819000000000", unknown=True)
    with pytest.raises(SendFailed) as failed:
        device.send("+819000000000", "x")
    assert isinstance(failed.value.cause, CmsError) and failed.value.cause.code == 1
    assert failed.value.permanent                       # "Unassigned (unallocated) number" too
    sim_modem.set_coverage(False)
    with pytest.raises(SendFailed) as failed:
        device.send(CUSTOMER, "x")
    assert failed.value.permanent is False


def test_failed_part_says_which_parts_went_out(simulator):
    sim_modem = simulator.add_modem(daily_cap=2)
    with Modem(sim_modem.path, timeout=2) as device:
        with pytest.raises(SendFailed) as failed:
            device.send(CUSTOMER, "あ" * 200)                    # 3 parts, the cap is 2
    assert (failed.value.failed_part, failed.value.total, len(failed.value.sent)) == (3, 3, 2)
    assert failed.value.cause.code == 21


def test_pin_entered_when_configured_and_refused_pin_not_retried(simulator):
    sim_modem = simulator.add_modem(pin="1234")
    with pytest.raises(SimLocked, match="no PIN is configured"):
        Modem(sim_modem.path, timeout=2).open()
    with pytest.raises(SimLocked, match="refused the PIN"):
        Modem(sim_modem.path, pin="0000", timeout=2).open()
    assert sim_modem.sim.pin_tries == 2
    with Modem(sim_modem.path, pin="1234", timeout=2) as device:
        assert device.registered()


def test_sim_busy_after_power_on_is_waited_for(simulator):
    sim_modem = simulator.add_modem(sim_busy=0.5)
    with Modem(sim_modem.path, timeout=2) as device:
        assert device.registered()
    sim_modem.set_sim_busy(5)
    with pytest.raises(SimNotReady) as busy:
        Modem(sim_modem.path, timeout=2, sim_busy_wait=0.2).open()
    assert isinstance(busy.value.__cause__, CmeError) and busy.value.__cause__.code == 14


def busy_from_first(sim_modem, handler: str, kind: str, seconds: float = 0.3) -> None:
    """Arm the simulator's SIM-busy fault when `handler` is first called: the SIM said READY,
    but is still starting when this command comes (+CMS ERROR: 314 / +CME ERROR: 14)."""
    answer, armed = getattr(sim_modem, handler), []

    def busy_then_answer(cmd):
        if not armed:
            armed.append(sim_modem.set_sim_busy(seconds))
        sim_modem.require_sim(kind)
        return answer(cmd)
    setattr(sim_modem, handler, busy_then_answer)


@pytest.mark.parametrize("handler, kind", [("at_cpms", "CMS"), ("at_cnmi", "CME"), ("at_cnmi", "CMS"),
                                           ("at_csca", "CMS")])
def test_sim_busy_at_later_set_up_commands_is_waited_for(simulator, handler, kind):
    """Set-up waits the SIM out at every command, rather than falling back to defaults."""
    sim_modem = simulator.add_modem()
    busy_from_first(sim_modem, handler, kind)
    with Modem(sim_modem.path, timeout=2, sim_busy_wait=5) as device:
        assert device.storages == ("SM", "SM", "SM")
        assert device.smsc == simulator.network.settings.smsc
        assert sim_modem.settings.cnmi[:2] == (2, 1)


def test_sim_not_ready_is_waited_for(simulator):
    """+CPIN: NOT READY while the SIM starts (TS 27.007 §8.3 lists no such state, modems say it)."""
    sim_modem = simulator.add_modem()
    answer = sim_modem.at_cpin
    sim_modem.set_sim_busy(0.3)
    sim_modem.at_cpin = lambda cmd: (["+CPIN: NOT READY"] if cmd.form == READ and sim_modem.faults.busy_until
                                     > time.monotonic() else answer(cmd))
    with Modem(sim_modem.path, timeout=2, sim_busy_wait=5) as device:
        assert device.registered()
    sim_modem.set_sim_busy(5)
    with pytest.raises(SimNotReady, match="NOT READY"):
        Modem(sim_modem.path, timeout=2, sim_busy_wait=0.2).open()


@pytest.mark.parametrize("flow, settings", [
    ("none", (False, False, False)), ("rtscts", (True, False, False)),
    ("dsrdtr", (False, True, False)), ("xonxoff", (False, False, True))])
def test_every_flow_control_setting_opens_and_talks(simulator, flow, settings):
    sim_modem = simulator.add_modem()
    with Modem(sim_modem.path, flow=flow, timeout=2) as device:
        port = device.connection.serial
        assert (port.rtscts, port.dsrdtr, port.xonxoff) == settings
        assert device.signal() == -77


class Pauses(threading.Event):
    """A `stop` for Modem.reconnect that records each pause asked for instead of sleeping;
    `on_pause(n)` runs at the n-th pause (1-based)."""

    def __init__(self, on_pause=lambda n: None, limit: int = 20):
        super().__init__()
        self.asked: list[float] = []
        self.on_pause, self.limit = on_pause, limit

    def wait(self, timeout=None) -> bool:
        self.asked.append(timeout)
        self.on_pause(len(self.asked))
        return len(self.asked) >= self.limit


@pytest.mark.parametrize("fails", ["unplugged", "sim_busy"])
def test_reconnect_pauses_grow_and_are_bounded(simulator, tmp_path, fails):
    """Whether the device node is missing or the modem does not answer yet, each attempt waits
    longer than the one before, up to the last pause, which repeats; back once it answers."""
    sim_modem = simulator.add_modem(link=str(tmp_path / "ttyUSB0"))
    device = Modem(sim_modem.path, timeout=0.2).open()
    if fails == "unplugged":
        sim_modem.unplug()
        comes_back = sim_modem.replug
    else:
        sim_modem.set_sim_busy(60)
        device.sim_busy_wait = 0
        comes_back = lambda: sim_modem.set_sim_busy(0)
    pauses = Pauses(on_pause=lambda n: n == 6 and comes_back())
    device.reconnect(pauses, backoff=(0.01, 0.02, 0.04, 0.08))
    assert pauses.asked == [0.01, 0.02, 0.04, 0.08, 0.08, 0.08]
    assert device.signal() == -77
    device.close()


def test_reconnect_gives_up_when_stopped(simulator, tmp_path):
    sim_modem = simulator.add_modem(link=str(tmp_path / "ttyUSB0"))
    device = Modem(sim_modem.path, timeout=0.2).open()
    sim_modem.unplug()
    pauses = Pauses(limit=3)
    with pytest.raises(PortGone, match="stopped waiting"):
        device.reconnect(pauses, backoff=(0.01, 0.05))
    assert pauses.asked == [0.01, 0.05, 0.05]


def test_sim_wanting_its_puk_is_reported_and_no_code_is_tried(simulator):
    """A SIM locked after three wrong PINs wants its PUK: only staff can give it (a wrong PUK
    brings the SIM closer to being blocked for good), so nothing is entered, even a PIN."""
    sim_modem = simulator.add_modem(pin="1234")
    sim_modem.sim.pin_tries = 0
    for pin in (None, "1234"):
        with pytest.raises(SimLocked, match="SIM PUK"):
            Modem(sim_modem.path, pin=pin, timeout=2).open()
    assert (sim_modem.sim.state, sim_modem.sim.puk_tries) == ("SIM PUK", 10)


def test_unknown_flow_control_is_named():
    with pytest.raises(ValueError, match="unknown flow control 'cts'"):
        Modem("/dev/null", flow="cts").open()


def test_send_refuses_a_recipient_that_is_not_a_phone_number(simulator):
    sim_modem = simulator.add_modem()
    with Modem(sim_modem.path, timeout=2) as device:
        with pytest.raises(pdu.PduError, match="recipient 'abc' is not a phone number"):
            device.send("abc", "x")
        assert device.send(CUSTOMER, "x").references                # the modem is still fine


@pytest.mark.parametrize("cpms_test, at_power_on", [
    ('+CPMS: ("ME","SR"),("ME","SM"),("SM")', ("SM", "SM", "SM")),   # no storage offered for both
    ("+CPMS: (),(),()", ("ME", "SM", "SM")),                         # TM-16 Nokia C6: nothing offered
])
def test_received_messages_are_listed_where_they_are_stored(simulator, cpms_test, at_power_on):
    """Messages are received into mem3 and read from mem1 (TS 27.005 §3.2.2): when the two differ,
    both are listed, so nothing that arrived while nobody listened is left unread."""
    sim_modem = simulator.add_modem(storages=("ME", "SM", "SR"))
    sim_modem.storages.mem[:] = at_power_on
    answer_cpms = sim_modem.at_cpms
    sim_modem.at_cpms = lambda cmd: [cpms_test] if cmd.form == TEST else answer_cpms(cmd)
    sim_modem.storages["ME"].store(StoredMessage(
        pdu.encode_deliver(CUSTOMER, "本体に保存", simulator.network.now())[0].hex, REC_UNREAD, 20))
    with Modem(sim_modem.path, timeout=2) as device:
        assert device.receive_storages() == ("ME", "SM")
        simulator.send_sms(CUSTOMER, sim_modem.sim.number, "SIMに保存")
        assert next_event(device, events.SmsStored).storage == "SM"
        listed = device.list_stored()
    assert sorted((m.storage, m.message.text) for m in listed) == [("ME", "本体に保存"), ("SM", "SIMに保存")]


def test_one_storage_receives_and_is_read_when_offered(pair):
    """The simulator offers SM for mem1 and mem3 in every profile: it is chosen for both."""
    _, device = pair
    assert device.receive_storages() == (device.storages[0],) == (device.storages[2],)


def test_set_up_turns_network_time_on(pair, simulator):
    """After open, +CCLK? tells the network's time on every profile (SIMCom needs AT+CTZU=1)."""
    _, device = pair
    (line,) = [l for l in device.at("AT+CCLK?") if l.startswith("+CCLK")]
    assert line.startswith(f'+CCLK: "{simulator.network.now():%y/%m/%d},')


def test_a_port_another_program_has_open_is_refused_at_once(simulator, tmp_path):
    """Two programs writing AT commands to one modem would interleave them (and could send a
    message twice): the port is locked while open, and a second opener is told who is in the way."""
    sim_modem = simulator.add_modem(link=str(tmp_path / "ttyUSB0"))
    first = Modem(sim_modem.path, timeout=2).open()
    try:
        with pytest.raises(PortBusy, match="in use by another program"):   # not a wait for an answer
            Modem(sim_modem.path, timeout=2).open()
    finally:
        first.close()
    second = Modem(sim_modem.path, timeout=2).open()   # free again once closed
    second.close()
