"""Reading modems' answers in every shape seen in the wild (../shared/testdata/modem-transcripts).

Pure functions; each takes the information lines of one command and raises AnswerError when the
answer cannot be understood.
"""
from __future__ import annotations

import re

from modem.errors import ModemError


class AnswerError(ModemError):
    """An answer line that cannot be read; the message quotes it."""


def _payload(lines: list[str], prefix: str) -> str:
    """The text after "<prefix>:" of the first line that has it ("+CSQ: 18,99" -> "18,99")."""
    for line in lines:
        if line.upper().startswith(prefix.upper()):
            return line[len(prefix):].lstrip(":").strip()
    raise AnswerError(f"no {prefix} line in {lines!r}")


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


def storage_choices(lines: list[str]) -> list[list[str]]:
    """+CPMS=? -> the storages offered for mem1, mem2, mem3 (TM-02, TM-09, TM-16 shapes:
    nested or missing parentheses, a missing quote, empty groups, one flat list)."""
    text = _payload(lines, "+CPMS")
    text = text.strip()
    if text.startswith("((") and text.endswith("))"):
        text = text[1:-1]
    groups = re.findall(r"\(([^()]*)\)", text)
    if not groups:
        names = re.findall(r"[A-Z_]{2,}", text)
        return [names, names, names] if names else [[], [], []]
    parsed = [re.findall(r"[A-Z][A-Z_]+", g) for g in groups]
    while len(parsed) < 3:
        parsed.append(parsed[-1])
    return parsed[:3]


STORAGE_PREFERENCE = ("SM", "ME", "MT")


def choose_storages(choices: list[list[str]]) -> tuple[str, str, str] | None:
    """mem1 (read/delete), mem2 (write), mem3 (receive), each SM where offered, else ME, else MT;
    None when one of them offers none of these.

    Received messages go to mem3 and are listed from mem1 (TS 27.005 §3.2.2), so one storage
    offered for both is taken for both whenever there is one (Cinterion offers ME/MT and SM/MT:
    MT, which holds ME and SM together). Only without one do mem1 and mem3 differ, and the
    caller must read both."""
    def first(offered: list[str], wanted=STORAGE_PREFERENCE) -> str | None:
        return next((name for name in wanted if name in offered), None)
    read, write, receive = choices[:3]
    both = first([name for name in read if name in receive])
    mem1, mem3 = (both, both) if both else (first(read), first(receive))
    mem2 = first(write, (mem1, *STORAGE_PREFERENCE))
    if None in (mem1, mem2, mem3):
        return None
    return mem1, mem2, mem3


def current_storages(lines: list[str]) -> tuple[str, str, str] | None:
    """+CPMS? -> the storages in use for mem1, mem2, mem3 ('+CPMS: "ME",1,100,"SM",0,50,...');
    a missing mem2/mem3 repeats the one before (TS 27.005 §3.2.2: they are optional)."""
    names = re.findall(r'"([A-Z_]+)"', _payload(lines, "+CPMS"))
    if not names:
        raise AnswerError(f"unreadable +CPMS: {lines!r}")
    names += [names[-1]] * (3 - len(names))
    return tuple(names[:3])


def _range_values(group: str) -> set[int]:
    values: set[int] = set()
    for start, end in re.findall(r"(\d+)(?:-(\d+))?", group):
        values.update(range(int(start), int(end or start) + 1))
    return values


def choose_cnmi(lines: list[str]) -> str:
    """The +CNMI setting to use, from +CNMI=? (TM-06 shapes): new SMS stored and announced
    (+CMTI), status reports stored and announced (+CDSI) or else routed (+CDS)."""
    groups = re.findall(r"\(([^()]*)\)", _payload(lines, "+CNMI"))
    if len(groups) < 4:
        return "2,1,0,2,0"
    mode, mt, bm, ds = (_range_values(g) for g in groups[:4])
    bfr = _range_values(groups[4]) if len(groups) > 4 else {0}
    pick = lambda offered, wanted: next((w for w in wanted if w in offered), min(offered or {0}))
    values = [pick(mode, (2, 1, 3)), pick(mt, (1, 2)), pick(bm, (0,)), pick(ds, (2, 1, 0))]
    values.append(pick(bfr, (0,)))
    return ",".join(map(str, values))


def signal(lines: list[str]) -> int | None:
    """+CSQ -> signal in dBm (rssi 0-31 is -113 to -51 dBm, 99 unknown; TS 27.007 §8.5)."""
    numbers = _numbers(_payload(lines, "+CSQ"))
    if not numbers:
        raise AnswerError(f"unreadable +CSQ: {lines!r}")
    rssi = numbers[0]
    return None if rssi == 99 or rssi > 31 else -113 + 2 * rssi


# Registration states that can send SMS: home, roaming, and "SMS only" home/roaming (TS 27.007
# §10.1.22: 6, 7), plus 9/10 (CSFB not preferred).
REGISTERED_STATES = frozenset({1, 5, 6, 7, 9, 10})


def registration(lines: list[str], prefix: str, unsolicited: bool = False) -> int | None:
    """<stat> of "+CREG: <n>,<stat>[,...]" (read form) or "+CREG: <stat>[,...]" (unsolicited form);
    None for an empty answer (TM-03 'empty')."""
    try:
        text = _payload(lines, prefix)
    except AnswerError:
        return None
    fields = [f.strip() for f in text.split(",")]
    stat = fields[0] if unsolicited or len(fields) == 1 else fields[1]
    if not stat.isdigit():
        raise AnswerError(f"unreadable {prefix}: {lines!r}")
    return int(stat)


def operator(lines: list[str]) -> str | None:
    """+COPS? -> the operator's name, None when not registered ('+COPS: 0')."""
    match = re.search(r'"([^"]*)"', _payload(lines, "+COPS"))
    return match.group(1) if match else None


def smsc(lines: list[str]) -> str | None:
    """+CSCA? -> the SMSC number, also when it came back UCS-2 hex encoded (TM-04 01, 05)."""
    text = _payload(lines, "+CSCA")
    match = re.match(r'\s*"?([^",]*)"?', text)
    number = match.group(1) if match else ""
    if re.fullmatch(r"(?:00[0-9A-Fa-f]{2})+", number) and len(number) % 4 == 0 and len(number) >= 8:
        number = bytes.fromhex(number).decode("utf-16-be")
    return number or None


def cpin_state(lines: list[str]) -> str:
    """+CPIN? -> READY, SIM PIN, SIM PUK, ..."""
    return _payload(lines, "+CPIN").strip().strip('"')


def identity_line(lines: list[str]) -> str:
    """The value of +CGMI/+CGMM/+CGMR/+CGSN: the first line, without an echoed prefix, trimmed
    (TM-05: Wavecom pads with spaces; some modems prefix '+CGMM: ')."""
    for line in lines:
        value = re.sub(r"^\+C?G(M[IMR]|SN):\s*", "", line).strip()
        if value:
            return value
    return ""
