"""`tokusoku modem scan` finds the simulated modems among ports that never answer."""
import json
import os
import subprocess
import sys

import pytest

from appliance import cli
from modem import scan
from tests.modem.sim.conftest import simulator  # noqa: F401
from tests.modem.sim.process import start_sim


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
    code = cli.main(["modem", "scan", "--only", "--timeout", "1", "--json", *paths])
    found = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [p["path"] for p in found] == paths
    assert [p["path"] for p in found if p["answered"]] == [modems[0].path, modems[1].path]
    assert {p["error"] for p in found if not p["answered"]} == {"no answer"}
    assert [p["number"] for p in found if p["answered"]] == [m.sim.number for m in modems]
    assert all(p["imei"] for p in found if p["answered"])


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
    modem = simulator.add_modem("generic")
    with open(modem.path, "rb") as port:
        holder = subprocess.Popen(["sleep", "30"], stdin=port)      # like the running service
    try:
        found = scan.probe(modem.path, timeout=0.5)
    finally:
        holder.kill()
        holder.wait()
    assert not found.answered and found.error == f"in use by process {holder.pid}"


@pytest.fixture
def sim_process():
    process, lines = start_sim("--modems", "1", "--part-time", "0", "--delivery-delay", "0")
    yield lines[0].split("\t")[1].split()[0]
    process.terminate()
    process.wait(timeout=10)


def test_a_simulator_in_another_process_is_found(sim_process, capsys):
    """`tokusoku sim` holds both ends of its pty: that makes it the modem, not a client in the way."""
    assert scan.opened_by(sim_process) is None
    assert cli.main(["modem", "scan", "--only", "--timeout", "1", "--json", sim_process]) == 0
    (port,) = json.loads(capsys.readouterr().out)
    assert port["answered"] and port["number"]


def test_a_client_of_a_simulated_modem_is_still_in_the_way(sim_process):
    """The same process (or another) talking on the slave is a client: the port is left alone."""
    client = subprocess.Popen([sys.executable, "-c", f"import sys; f = open({sim_process!r}, 'rb'); sys.stdin.read()"],
                              stdin=subprocess.PIPE)
    try:
        holder = _wait_for_holder(sim_process)
        assert holder == client.pid
        assert scan.probe(sim_process, timeout=0.5).error == f"in use by process {client.pid}"
    finally:
        client.kill()
        client.wait()


def _wait_for_holder(path):
    from tests.modem.sim.conftest import wait_for
    wait_for(lambda: scan.opened_by(path) is not None)
    return scan.opened_by(path)


def test_a_modem_in_use_is_named_as_such_not_as_missing(simulator, capsys):
    from modem.device import Modem
    modem = simulator.add_modem("generic")
    holder = Modem(modem.path, timeout=2).open()                       # e.g. tokusoku run has it
    try:
        assert cli.main(["modem", "scan", "--only", "--timeout", "0.5", modem.path]) == 1
    finally:
        holder.close()
    out, err = capsys.readouterr()
    assert "in use by another program" in out
    assert "in use" in err and "plugged in?" not in err
