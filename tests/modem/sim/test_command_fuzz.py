"""Whatever a client sends, a simulated modem answers it with a final result and goes on
answering: bad parameters are +CME ERROR: 50 (or ERROR), never a dead reader thread. Random
command lines built from every command the simulator knows, over a real pty."""
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modem.at.lines import is_unsolicited
from modem.sim.modem import SimModem
from modem.sim.network import NetworkSettings
from modem.sim.simulator import Simulator
from tests.modem.sim.atclient import AtClient, _has_final
from tests.modem.sim.conftest import FAST

# ATV0 and ATQ1 change how results look (numeric, none at all): not what this client reads. V.250
# basic commands chain without separators ("AT&C1V0"), so free text carries no V or Q either.
SKIPPED = {"v", "q"}


def _command(handler: str) -> str:
    """"at_cmgd" -> "+CMGD", "at_and_f" -> "&F", "at_e" -> "E", "at_s" -> "S0"."""
    name = handler[3:]
    if name.startswith("and_"):
        return "&" + name[4:].upper()
    if len(name) == 1:
        return "S0" if name == "s" else name.upper()
    return "+" + name.upper()


NAMES = sorted(_command(name) for name in dir(SimModem) if name.startswith("at_") and name[3:] not in SKIPPED)
ARGUMENT = st.one_of(
    st.integers(-3, 300).map(str), st.sampled_from(["", "x", "1a", "99999999999999999999", '"SM"', '"ME"',
                                                     '"UCS2"', '"0041"', '"', "(0-4)", "1.5", "０"]),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E, blacklist_characters=";\r\nVvQq"), max_size=6))
FORM = st.one_of(st.just(""), st.just("?"), st.just("=?"),
                 st.lists(ARGUMENT, min_size=1, max_size=5).map(lambda args: "=" + ",".join(args)))


@pytest.fixture(scope="module")
def fuzzed():
    simulator = Simulator(NetworkSettings(**FAST))
    modem = simulator.add_modem("generic")
    client = AtClient(modem.path, timeout=3.0)
    yield client
    client.close()
    simulator.stop()


def test_every_command_name_is_fuzzed():
    assert {"+CMGD", "+CNMI", "+CMEE", "+CPMS", "+CMGS", "+IPR", "E", "&F", "S0"} <= set(NAMES)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(commands=st.lists(st.tuples(st.sampled_from(NAMES), FORM), min_size=1, max_size=3))
def test_any_command_line_gets_an_answer_and_the_modem_keeps_answering(fuzzed, caplog, commands):
    line = "AT" + ";".join(name + form for name, form in commands)
    with caplog.at_level(logging.WARNING, logger="modem.sim"):
        fuzzed.write((line + "\r").encode())
        answer = fuzzed.read_until(lambda b: b.endswith((b"> ", b">\r\n")) or _final(b))
        if not _final(answer):                              # +CMGS waits for its text: cancel it
            fuzzed.write(b"\x1b")
            fuzzed.read_final()
        fuzzed.write("ATE0\r")
        fuzzed.read_final()
        # +CUSD, +CREG and the like may come late: unsolicited, not an answer to "AT"
        assert [l for l in fuzzed.ok("AT") if not is_unsolicited(l)] == [], line
    crashes = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not crashes, (line, crashes[0].getMessage())


def _final(buffer: bytes) -> bool:
    return _has_final(buffer)
