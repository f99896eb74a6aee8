"""gammu 1.42 (the command-line client of libgammu) against simulated modems.

What gammu writes to a modem is in ../shared/testdata/peer-clients/{identify,sendsms,sendlong,
getallsms}.txt; here it talks to the simulator over a real pty, unchanged. Sweeps over the
profiles run one gammu per modem side by side (gammu pauses ~4 s at start-up on its own).
"""
import re
from pathlib import Path

import pytest

from tests.peers.conftest import (CUSTOMER, ClientFailed, config_from_template, describe, require,
                                  run_client, run_clients, wait_for, wait_until_stored)

SHORT = "こんにちは世界、お支払いのお願いです"
# 200 Japanese characters: UCS-2 holds 67 per concatenated part, so three parts.
LONG = ("お支払い期限を過ぎております。ご確認をお願いいたします。" * 8)[:200]
PROFILES = ["generic", "huawei", "simcom", "quectel", "wavecom"]


@pytest.fixture
def gammu_command(tmp_path):
    """gammu_command(modem, *args) -> (argv, working dir), with a gammurc for that modem."""
    binary = require("gammu")

    def command(modem, *args: str) -> tuple[list[str], Path]:
        cwd = tmp_path / modem.name
        cwd.mkdir(exist_ok=True)
        rc = config_from_template("gammurc.example", cwd / "gammurc", **{"/dev/pts/N": modem.path})
        return [binary, "-c", str(rc), *args], cwd
    return command


def identity(stdout: str) -> dict[str, str]:
    return dict(re.findall(r"^(\w[\w ]*?)\s+: (.*)$", stdout, re.M))


def test_identify_on_every_profile(simulator, gammu_command):
    modems = [simulator.add_modem(profile) for profile in PROFILES]
    commands = [gammu_command(modem, "identify") for modem in modems]
    for modem, result, (_, cwd) in zip(modems, run_clients(commands), commands):
        assert result.returncode == 0, describe(result, cwd)
        fields = identity(result.stdout)
        assert fields["IMEI"] == modem.imei, result.stdout
        assert fields["SIM IMSI"] == modem.sim.imsi, result.stdout
        assert modem.profile.model.strip() in fields["Model"], result.stdout


def test_sendsms_unicode_reaches_the_handset_on_every_profile(simulator, gammu_command):
    """Except simcom, pinned down: its profile writes the +CMGS prompt as ">" CRLF
    (profiles.SIMCOM), but libgammu enters the edit state only on a line that is exactly "> "
    (libgammu/phone/at/atgen.c, ATGEN_DispatchMessage: strcmp(line, "> ")), so gammu waits,
    gives up after ~30 s, and nothing is sent."""
    modems = [simulator.add_modem(profile) for profile in PROFILES]
    phones = [f"+8190{i + 1:08d}" for i in range(len(modems))]
    commands = [gammu_command(modem, "sendsms", "TEXT", phone, "-unicode", "-text", SHORT)
                for modem, phone in zip(modems, phones)]
    for modem, phone, result, (_, cwd) in zip(modems, phones, run_clients(commands), commands):
        handset = simulator.network.handset(phone)
        if modem.profile.name == "simcom":
            assert result.returncode != 0, describe(result, cwd)
            assert "No response in specified timeout" in result.stdout, describe(result, cwd)
            assert not handset.received
            continue
        assert result.returncode == 0, describe(result, cwd)
        assert "OK, message reference=" in result.stdout, describe(result, cwd)
        wait_for(lambda: handset.received, what=f"delivery from the {modem.profile.name} modem")
        assert [(m.text, m.sender) for m in handset.received] == [(SHORT, modem.sim.number)]


def test_sendsms_200_japanese_characters_goes_in_three_parts(simulator, gammu_command):
    modem = simulator.add_modem("generic")
    # -autolen 400 (`gammu sendsms --help`): gammu takes the length from the text, up to 400
    # characters, and splits it into concatenated parts (TS 23.040 §9.2.3.24.1).
    argv, cwd = gammu_command(modem, "sendsms", "TEXT", CUSTOMER, "-unicode", "-autolen", "400",
                              "-text", LONG)
    out = run_client(argv, cwd).stdout
    assert len(re.findall(r"OK, message reference=\d+", out)) == 3, out
    phone = simulator.network.handset(CUSTOMER)
    wait_for(lambda: phone.received, what="the whole message at the handset")
    assert [(m.text, m.parts) for m in phone.received] == [(LONG, 3)]
    assert "".join(m.text for m in phone.received) == LONG


def test_getallsms_lists_what_a_handset_sent(simulator, gammu_command):
    modem = simulator.add_modem("generic")
    texts = ["振り込みました", "来週払います"]
    for text in texts:
        simulator.send_sms(CUSTOMER, modem.sim.number, text)
    wait_until_stored(modem, len(texts))
    argv, cwd = gammu_command(modem, "getallsms")
    out = run_client(argv, cwd).stdout
    assert re.findall(r'Remote number\s+: "(.*)"', out) == [CUSTOMER] * 2, out
    assert re.findall(r"Status\s+: \w+\n\n(.*)\n", out) == texts, out
    assert "2 SMS parts in 2 SMS sequences" in out, out


def test_a_failing_client_shows_its_output(simulator, gammu_command):
    """The harness itself: a failing client's output and logs are in the assertion message."""
    modem = simulator.add_modem("generic")
    argv, cwd = gammu_command(modem, "thisisnotacommand")
    with pytest.raises(ClientFailed, match=r"(?s)exited [1-9].*stdout"):
        run_client(argv, cwd)
