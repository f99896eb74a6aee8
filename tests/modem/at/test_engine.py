"""The engine's rules on an in-memory link that splits and merges what the modem writes."""
import logging
import random
import threading

import pytest

from modem.at.engine import TRACE, AtEngine
from modem.errors import AtTimeout, CmeError, CmsError, PortGone


class Link:
    """Answers each command from a script, in chunks of random size (seeded)."""

    def __init__(self, script: dict[str, bytes], seed: int = 0):
        self.script, self.random = script, random.Random(seed)
        self.engine = AtEngine(self.write, timeout=0.5)
        self.written: list[bytes] = []
        self.late = b""             # a late answer the modem sends just before its next answer
        self._line = b""

    def write(self, data: bytes) -> None:
        self.written.append(data)
        self._line += data
        while b"\r" in self._line or b"\x1a" in self._line:
            end = min(i for i in (self._line.find(b"\r"), self._line.find(b"\x1a")) if i >= 0)
            command, self._line = self._line[:end].decode(), self._line[end + 1:]
            command = command[command.find("AT"):] if "AT" in command else command.lstrip("\x1b")
            answer = self.script.get(command)
            if answer is not None:
                late, self.late = self.late, b""
                self.feed(late + answer)

    def feed(self, data: bytes) -> None:
        while data:
            cut = self.random.randint(1, max(1, len(data)))
            self.engine.data_received(data[:cut])
            data = data[cut:]


@pytest.mark.parametrize("seed", range(5))
def test_answer_lines_and_final(seed):
    link = Link({"AT+CSQ": b"\r\n+CSQ: 18,99\r\n\r\nOK\r\n"}, seed)
    assert link.engine.command("AT+CSQ") == ["+CSQ: 18,99"]


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("command, header", [("AT+CMGL=4", "+CMGL: 1,0,,24"), ("AT+CMGR=1", "+CMGR: 0,,24")])
def test_notification_between_a_listing_header_and_its_pdu_goes_to_the_queue(seed, command, header):
    """Rule 3 inside a PDU-mode listing: the line after the header is its PDU only if it is hex."""
    body = "0791180945237163040C9118091523473400004250113141506906C8329BFD0601"
    answer = f'\r\n{header}\r\n+CMTI: "SM",7\r\n{body}\r\n\r\nOK\r\n'.encode()
    link = Link({command: answer}, seed)
    assert link.engine.command(command) == [header, body]
    assert link.engine.notifications.get_nowait().line == '+CMTI: "SM",7'


def test_text_mode_listing_body_may_read_like_anything():
    """Text mode: the line after the header is the message, whatever it says."""
    header = '+CMGR: "REC READ","+819012345678",,"26/12/04,10:00:00+36"'
    link = Link({"AT+CMGR=1": f'\r\n{header}\r\n+CMTI: "SM",7\r\n\r\nOK\r\n'.encode()})
    assert link.engine.command("AT+CMGR=1") == [header, '+CMTI: "SM",7']
    assert link.engine.notifications.empty()


@pytest.mark.parametrize("seed", range(5))
def test_notification_inside_a_response_goes_to_the_queue(seed):
    link = Link({"AT+CSQ": b'\r\n+CSQ: 18,99\r\n\r\n+CMTI: "SM",3\r\n\r\nOK\r\n'}, seed)
    assert link.engine.command("AT+CSQ") == ["+CSQ: 18,99"]
    assert link.engine.notifications.get_nowait().line == '+CMTI: "SM",3'


def test_two_notifications_in_one_burst_are_both_kept():
    link = Link({})
    link.engine.data_received(b'\r\n+CMTI: "SM",1\r\n\r\n+CMTI: "SM",2\r\n')
    queue = link.engine.notifications
    assert [queue.get_nowait().line for _ in range(2)] == ['+CMTI: "SM",1', '+CMTI: "SM",2']


def test_cmti_between_prompt_and_cmgs_is_not_lost():
    link = Link({"AT+CMGS=5": b'\r\n> \r\n+CMTI: "SM",1\r\n', "00AABB": b"\r\n+CMGS: 7\r\n\r\nOK\r\n"})
    assert link.engine.command_with_prompt("AT+CMGS=5", "00AABB") == ["+CMGS: 7"]
    assert link.engine.notifications.get_nowait().line == '+CMTI: "SM",1'
    assert link.written[-1] == b"00AABB\x1a"


def test_prompt_without_space_and_on_its_own_line():
    link = Link({"AT+CMGS=5": b"\r\n>\r\n", "00AA": b"\r\n+CMGS: 1\r\n\r\nOK\r\n"})
    assert link.engine.command_with_prompt("AT+CMGS=5", "00AA") == ["+CMGS: 1"]


def test_error_instead_of_prompt():
    link = Link({"AT+CMGS=5": b"\r\n+CMS ERROR: 330\r\n"})
    with pytest.raises(CmsError) as info:
        link.engine.command_with_prompt("AT+CMGS=5", "00AA")
    assert info.value.code == 330 and link.written == [b"AT+CMGS=5\r"]


def test_stuck_prompt_is_cancelled_with_escape_and_resynchronised():
    link = Link({"AT+CSQ": b"\r\n+CSQ: 18,99\r\n\r\nOK\r\n"})
    with pytest.raises(AtTimeout):
        link.engine.command_with_prompt("AT+CMGS=5", "00AA", timeout=0.05)
    assert link.written[-1] == b"\x1b"
    assert link.engine.command("AT+CSQ") == ["+CSQ: 18,99"]


CDS_PDU = "0006D60B911326880736F4111011719551401110117195714000"      # "+CDS: 25": 1 + 0 + 25 octets


def test_cds_header_and_pdu_apart_are_joined_by_content():
    """A command written between the two lines is answered after the PDU: the modem writes an
    unsolicited result whole before it answers (TS 27.007 §4: URCs do not interrupt)."""
    link = Link({"AT": f"{CDS_PDU}\r\n\r\nOK\r\n".encode()})
    link.engine.data_received(b"\r\n+CDS: 25\r\n")
    assert link.engine.notifications.empty()
    assert link.engine.command("AT") == []
    notification = link.engine.notifications.get_nowait()
    assert (notification.kind, notification.body) == ("+CDS", CDS_PDU)


@pytest.mark.parametrize("imei", ["356938035643809", "3569380356438091"])
def test_stray_urc_header_never_takes_a_later_answer_as_its_pdu(imei, caplog):
    """Rule 4: a +CMT/+CDS header whose PDU never came is dropped (and logged) at the next line;
    that line, here an IMEI that looks like hex, goes to the command it answers."""
    link = Link({"AT+CGSN": f"\r\n{imei}\r\n\r\nOK\r\n".encode()})
    link.engine.data_received(b"\r\n+CMT: ,25\r\n")
    assert link.engine.command("AT+CGSN") == [imei]
    stray = link.engine.notifications.get_nowait()
    assert (stray.kind, stray.body) == ("+CMT", None)
    assert "not followed by its PDU" in caplog.text


def test_header_followed_by_hex_of_another_length_is_dropped():
    link = Link({})
    link.engine.data_received(f"\r\n+CDS: 24\r\n{CDS_PDU}\r\n".encode())
    queue = link.engine.notifications
    assert [(n.line, n.body) for n in (queue.get_nowait(), queue.get_nowait())] == [
        ("+CDS: 24", None), (CDS_PDU, None)]


def test_ok_as_a_message_text_is_not_a_final_result():
    listing = (b'\r\n+CMGL: 1,"REC READ","+8190",,"26/12/03,10:00:00+36"\r\nOK\r\n'
               b'+CMGL: 2,"REC READ","+8190",,"26/12/03,10:00:00+36"\r\nfine\r\n\r\nOK\r\n')
    link = Link({'AT+CMGL="ALL"': listing})
    lines = link.engine.command('AT+CMGL="ALL"')
    assert lines[1] == "OK" and lines[3] == "fine" and len(lines) == 4


def test_late_answer_after_a_timeout_never_reaches_the_next_command():
    link = Link({"AT+CSQ": b"\r\n+CSQ: 18,99\r\n\r\nOK\r\n", "AT+CGMI": b"\r\nAcme\r\n\r\nOK\r\n"})
    with pytest.raises(AtTimeout):
        link.engine.command("AT+COPS?", timeout=0.05)
    link.script["AT+CSQ"] = b'\r\n+COPS: 0,0,"LATE",7\r\n\r\nOK\r\n\r\n+CSQ: 18,99\r\n\r\nOK\r\n'
    assert link.engine.command("AT+CGMI") == ["Acme"]
    assert b"AT+CSQ\r" in link.written               # the resync probe went first


def test_echo_is_tolerated_and_turned_off():
    link = Link({"AT+CGMI": b"AT+CGMI\r\r\nAcme\r\n\r\nOK\r\n", "ATE0": b"ATE0\r\r\nOK\r\n",
                 "AT": b"\r\nOK\r\n"})
    assert link.engine.command("AT+CGMI") == ["Acme"]
    link.engine.command("AT")
    assert b"ATE0\r" in link.written


def test_line_noise_is_dropped_not_fatal():
    link = Link({"AT+CSQ": b"\xff\xfe\x00junk\r\n\r\n+CSQ: 18,99\r\n\r\nOK\r\n"})
    assert link.engine.command("AT+CSQ") == ["+CSQ: 18,99"]
    assert link.engine.notifications.empty()


def test_cme_error_is_typed():
    link = Link({"AT+CPIN?": b"\r\n+CME ERROR: 14\r\n"})
    with pytest.raises(CmeError) as info:
        link.engine.command("AT+CPIN?")
    assert info.value.code == 14


def test_waiter_is_removed_after_every_outcome():
    link = Link({"AT": b"\r\nOK\r\n", "AT+X": b"\r\nERROR\r\n"})
    for command in ("AT", "AT+X", "AT+SLOW"):
        try:
            link.engine.command(command, timeout=0.05)
        except Exception:
            pass
        assert link.engine._pending is None


def test_connection_lost_wakes_the_caller():
    link = Link({})
    threading.Timer(0.05, link.engine.connection_lost, args=(OSError("unplugged"),)).start()
    with pytest.raises(PortGone):
        link.engine.command("AT", timeout=5)
    with pytest.raises(PortGone):
        link.engine.command("AT")


def test_wavecom_answer_without_final():
    link = Link({"AT+CPIN?": b"\r\n+CPIN: READY\r\n"})
    assert link.engine.command("AT+CPIN?", final_optional=True) == ["+CPIN: READY"]


def test_final_result_later_than_the_grace_never_reaches_the_next_command():
    """Rule 6 for answers without a final result: an OK coming after the grace belongs to the
    command that ended without it; the next command still gets its own error."""
    link = Link({"AT+CPIN?": b"\r\n+CPIN: READY\r\n", "AT+CSQ": b"\r\n+CSQ: 18,99\r\n\r\nOK\r\n",
                 'AT+CPMS="XX"': b"\r\n+CMS ERROR: 302\r\n"})
    link.engine.final_grace = 0.01
    assert link.engine.command("AT+CPIN?", final_optional=True) == ["+CPIN: READY"]
    link.late = b"\r\nOK\r\n"                       # the +CPIN?'s OK, after the grace
    with pytest.raises(CmsError) as refused:
        link.engine.command('AT+CPMS="XX"')
    assert refused.value.code == 302


def test_raw_traffic_is_logged_at_trace_and_not_at_debug(caplog):
    """Rule 9: the bytes each way at TRACE (5), below DEBUG, so a DEBUG log stays readable."""
    link = Link({"AT+CSQ": b"\r\n+CSQ: 18,99\r\n\r\nOK\r\n"})
    caplog.set_level(logging.DEBUG, logger="modem.at.engine")
    link.engine.command("AT+CSQ")
    assert not [r for r in caplog.records if "AT+CSQ" in r.getMessage() or " <- " in r.getMessage()]
    caplog.set_level(TRACE, logger="modem.at.engine")
    link.engine.command("AT+CSQ")
    raw = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert (TRACE, "modem -> b'AT+CSQ\\r'") in raw
    assert {level for level, message in raw if message.startswith("modem <- ")} == {TRACE}
    assert logging.getLevelName(TRACE) == "TRACE" and TRACE < logging.DEBUG
