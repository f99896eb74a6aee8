import pytest

from modem.at import lines as L
from modem.errors import CmeError, CmsError, CommandError, CommandNotSupported


@pytest.mark.parametrize("line, cls, code, text", [
    ("+CME ERROR: 10", CmeError, 10, None),
    ("+CME ERROR:10", CmeError, 10, None),
    ("+CME ERROR: SIM not inserted", CmeError, 10, "SIM not inserted"),
    ("+CME ERROR: Incorrect Parameters", CmeError, 50, "Incorrect Parameters"),
    ("+CME ERROR: something of its own", CmeError, None, "something of its own"),
    ("+CMS ERROR: Unassigned (unallocated) number", CmsError, 1, "Unassigned (unallocated) number"),
    ("+CMS ERROR: UNASSIGNED UNALLOCATED NUMBER", CmsError, 1, "UNASSIGNED UNALLOCATED NUMBER"),
    ("+CMS ERROR: Network out of order", CmsError, 38, "Network out of order"),
    ("+CMS ERROR: SIM busy", CmsError, 314, "SIM busy"),
    ("+CMS ERROR: 500", CmsError, 500, None),
    ("+CMS ERROR:330", CmsError, 330, None),
    ("ERROR", CommandNotSupported, None, None),
    ("COMMAND NOT SUPPORT", CommandNotSupported, None, None),
    ("NO CARRIER", CommandError, None, None),
])
def test_every_final_result_form_is_typed(line, cls, code, text):
    assert L.is_final(line)
    error = L.error_for("AT+X", line)
    assert type(error) is cls and error.line == line
    if code is not None or text is not None:
        assert (error.code, error.text) == (code, text)


@pytest.mark.parametrize("code, permanent", [(1, True), (21, True), (304, True), (38, False),
                                              (42, False), (331, False), (332, False), (500, False)])
def test_permanent_and_temporary_send_failures(code, permanent):
    assert L.error_for("AT+CMGS=20", f"+CMS ERROR: {code}").permanent is permanent


def test_ok_is_success():
    assert L.error_for("AT", "OK") is None


@pytest.mark.parametrize("header, body", [
    ("+CMT: ,24", True), ('+CMT: "+8190",,"26/12/03,10:00:00+36"', True), ("+CDS: 25", True),
    ('+CDS: 6,12,"+8190",145,"26/12/03,10:00:00+36","26/12/03,10:00:05+36",0', False),
    ("+CMGL: 1,0,,35", True), ("+CMGR: 0,,24", True), ('+CMGR: "REC READ","+8190",,"x"', True),
    ('+CMGR: ,6,20,"0870000000",129,"13/04/29,19:58:00+04","13/04/29,19:59:00+04",0', False),
    ('+CMGL: 3,"REC UNREAD",6,20,"+8190",145,"a","b",0', False),
    ("+CSQ: 18,99", False),
])
def test_which_lines_carry_a_second_line(header, body):
    assert L.needs_body(header) is body


def test_answer_prefixes_of_chained_commands():
    assert L.answer_prefixes("AT+CMEE?;+CREG?") == {"+CMEE", "+CREG"}
    assert L.answer_prefixes("AT^SYSINFO") == {"^SYSINFO"}
