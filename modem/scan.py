"""Finding modems: which serial ports answer AT.

A USB LTE modem shows up as several ports (Quectel EC25: ttyUSB0 diagnostics, 1 GPS, 2 AT,
3 PPP/AT); only the AT port answers `AT` with `OK`, the others stay silent or stream NMEA. Every
candidate is probed at once, each on its own thread with a short timeout, so a dozen silent ports
cost one timeout. A port another process has open (the running service) is left alone: a stray
`AT` there would land in the middle of that process's conversation.
"""
from __future__ import annotations

import glob
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

from modem.at.transport import Connection
from modem.errors import AtTimeout, CommandError, ModemError, PortGone

PATTERNS = ("/dev/ttyUSB*", "/dev/ttyACM*")
# Stable names, best first: our udev rule's (systemd/99-tokusoku-modems.rules), then udev's own.
STABLE_FOLDERS = ("/dev/tokusoku", "/dev/serial/by-id")
TIMEOUT = 1.5
CNUM = re.compile(r'\+CNUM:\s*"[^"]*"\s*,\s*"([^"]+)"')


@dataclass(frozen=True)
class Port:
    """One probed port: whether it answered, and who the modem is when it did."""
    path: str
    answered: bool
    stable: str | None = None          # a name that survives reboots and re-plugging
    manufacturer: str | None = None
    model: str | None = None
    imei: str | None = None
    number: str | None = None          # from AT+CNUM, when the SIM knows its own number
    error: str | None = None           # why it did not answer

    def as_dict(self) -> dict:
        return asdict(self)


def candidates(extra: list[str] | tuple[str, ...] = (), defaults: bool = True) -> list[str]:
    """/dev/ttyUSB* and /dev/ttyACM* (unless not `defaults`), then `extra`, without repeats."""
    found = [p for pattern in PATTERNS for p in sorted(glob.glob(pattern), key=_natural)] if defaults else []
    for path in extra:
        if path not in found:
            found.append(path)
    return found


def scan(extra=(), *, defaults: bool = True, timeout: float = TIMEOUT) -> list[Port]:
    """Probe every candidate in parallel; one Port each, in the candidates' order."""
    paths = candidates(extra, defaults)
    if not paths:
        return []
    with ThreadPoolExecutor(max_workers=min(32, len(paths)), thread_name_prefix="scan") as pool:
        return list(pool.map(lambda p: probe(p, timeout), paths))


def probe(path: str, timeout: float = TIMEOUT) -> Port:
    """`AT` on one port; when `OK` comes back within `timeout`, identity and SIM number too."""
    stable = stable_name(path)
    holder = opened_by(path)
    if holder is not None:
        return Port(path, False, stable, error=f"in use by process {holder}")
    try:
        connection = Connection(path, timeout=timeout)
    except (PortGone, ValueError) as error:
        return Port(path, False, stable, error=str(error))
    try:
        connection.engine.command("AT", timeout)
    except AtTimeout:
        connection.close()
        return Port(path, False, stable, error="no answer")
    except ModemError as error:
        connection.close()
        return Port(path, False, stable, error=str(error))
    try:
        return Port(path, True, stable, **_identify(connection, timeout))
    finally:
        connection.close()


def _identify(connection: Connection, timeout: float) -> dict:
    def first(command: str) -> str | None:
        try:
            lines = connection.engine.command(command, timeout)
        except (CommandError, AtTimeout):
            return None
        text = next((line.strip() for line in lines if line.strip()), None)
        return text.split(":", 1)[1].strip().strip('"') if text and text.startswith("+") and ":" in text else text

    first("ATE0")
    first('AT+CSCS="GSM"')            # so that +CNUM's number comes as digits, not UCS2 hex
    number = None
    try:
        for line in connection.engine.command("AT+CNUM", timeout):
            match = CNUM.search(line)
            if match:
                number = match.group(1)
                break
    except (CommandError, AtTimeout):
        pass
    return {"manufacturer": first("AT+CGMI"), "model": first("AT+CGMM"), "imei": first("AT+CGSN"),
            "number": number}


def stable_name(path: str, folders: tuple[str, ...] = STABLE_FOLDERS) -> str | None:
    """The first symlink in `folders` that leads to the same device as `path`."""
    target = os.path.realpath(path)
    for folder in folders:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            link = os.path.join(folder, name)
            if os.path.realpath(link) == target and link != path:
                return link
    return None


def opened_by(path: str) -> int | None:
    """The id of another process that talks on `path`, as far as /proc lets us see (our own
    processes and, for root, all).

    A pseudo-terminal's own end does not count: the process holding its master (the simulator,
    which also keeps the slave open once so the device stays up) is the modem, not a client. It
    counts only when it has the slave open more than once (a client of its own, as in the demo)."""
    target = os.path.realpath(path)
    pty_index = _pty_index(target)
    me = os.getpid()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) == me:
            continue
        fds = _open_files(int(pid))
        opened = sum(1 for name in fds.values() if name == target)
        if opened and (pty_index is None or opened > _masters_of(int(pid), fds, pty_index)):
            return int(pid)
    return None


def _open_files(pid: int) -> dict[str, str]:
    """fd -> what it refers to, for the fds of `pid` we may read."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return {}
    found = {}
    for fd in fds:
        try:
            found[fd] = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
    return found


def _pty_index(path: str) -> int | None:
    match = re.fullmatch(r"/dev/pts/(\d+)", path)
    return int(match.group(1)) if match else None


def _masters_of(pid: int, fds: dict[str, str], index: int) -> int:
    """1 when `pid` holds the master of pseudo-terminal `index` (its fdinfo names the tty-index)."""
    for fd, name in fds.items():
        if name in ("/dev/ptmx", "/dev/pts/ptmx"):
            try:
                with open(f"/proc/{pid}/fdinfo/{fd}") as info:
                    if f"tty-index:\t{index}\n" in info.read():
                        return 1
            except OSError:
                continue
    return 0


def config_snippet(ports: list[Port]) -> str:
    """[[modems]] tables for the ports that answered, ready for /etc/tokusoku/tokusoku.toml."""
    blocks = []
    for port in (p for p in ports if p.answered):
        who = " ".join(filter(None, (port.manufacturer, port.model)))
        lines = [f"# {port.path}" + (f": {who}" if who else "") + (f", IMEI {port.imei}" if port.imei else ""),
                 "[[modems]]", f'device = "{port.stable or port.path}"']
        if port.number:
            lines.append(f'number = "{port.number}"')
        else:
            lines.append('# number = "+81..."   # the SIM does not tell its number: write it here')
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _natural(path: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path))
