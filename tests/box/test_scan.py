"""`tokusoku modem scan` finds the simulated modems among ports that never answer."""
import json
import os
import time

import pytest

from appliance import cli
from modem import scan
from tests.modem.sim.conftest import simulator  # noqa: F401


@pytest.fixture
def decoys():
    """Pseudo-terminals nobody ever reads: like a modem's diagnostics or GPS port."""
    pairs = [os.openpty() for _ in range(4)]
    yield [os.ttyname(slave) for _, slave in pairs]
    for master, slave in pairs:
        os.close(master)
        os.close(slave)


def test_scan_finds_the_modems_among_silent_ports(simulator, decoys, capsys):
    modems = [simulator.add_modem("quectel"), simulator.add_modem("simcom")]
    paths = [decoys[0], modems[0].path, decoys[1], decoys[2], modems[1].path, decoys[3]]
    started = time.monotonic()
    code = cli.main(["modem", "scan", "--only", "--timeout", "1", "--json", *paths])
    elapsed = time.monotonic() - started
    found = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [p["path"] for p in found] == paths
    assert [p["path"] for p in found if p["answered"]] == [modems[0].path, modems[1].path]
    assert {p["error"] for p in found if not p["answered"]} == {"no answer"}
    assert [p["number"] for p in found if p["answered"]] == [m.sim.number for m in modems]
    assert all(p["imei"] for p in found if p["answered"])
    assert elapsed < 3.5                   # in parallel: four silent ports cost one timeout, not four


def test_scan_prints_a_config_snippet(simulator, decoys, capsys):
    modem = simulator.add_modem("generic")
    assert cli.main(["modem", "scan", "--only", "--timeout", "0.5", decoys[0], modem.path]) == 0
    out = capsys.readouterr().out
    assert f"# {decoys[0]}: no answer" in out
    assert f'[[modems]]\ndevice = "{modem.path}"\nnumber = "{modem.sim.number}"' in out


def test_nothing_found_says_so(decoys, capsys):
    assert cli.main(["modem", "scan", "--only", "--timeout", "0.3", decoys[0]]) == 1
    assert "no modem answered" in capsys.readouterr().err


def test_stable_names_are_preferred(tmp_path, simulator):
    modem = simulator.add_modem("generic")
    (tmp_path / "by-id").mkdir()
    (tmp_path / "by-id" / "usb-Quectel_EC25_abc-if02-port0").symlink_to(os.path.realpath(modem.path))
    assert scan.stable_name(modem.path, (str(tmp_path / "nowhere"), str(tmp_path / "by-id"))) == \
        str(tmp_path / "by-id" / "usb-Quectel_EC25_abc-if02-port0")
    port = scan.Port(modem.path, True, stable="/dev/tokusoku/modem-abc-if02", number=None)
    assert 'device = "/dev/tokusoku/modem-abc-if02"\n# number = ' in scan.config_snippet([port])


def test_a_port_another_process_holds_is_left_alone(simulator):
    import subprocess
    modem = simulator.add_modem("generic")
    with open(modem.path, "rb") as port:
        holder = subprocess.Popen(["sleep", "30"], stdin=port)      # like the running service
    try:
        found = scan.probe(modem.path, timeout=0.5)
    finally:
        holder.kill()
        holder.wait()
    assert not found.answered and found.error == f"in use by process {holder.pid}"
