"""What the pages show of a modem's radio: signal, registration and operator (TS 27.007 §8.5,
§7.2, §10.1.22, §7.3), read through modem.device.Modem."""
from __future__ import annotations

from modem import answers
from modem.errors import AtTimeout, CommandError

# Registration <stat> (TS 27.007 §7.2, §10.1.22) as the pages say it: 6/7 are "SMS only" and
# 9/10 "CSFB not preferred", home and roaming; 4 is "unknown".
REGISTRATION = {1: "home", 6: "home", 9: "home", 5: "roaming", 7: "roaming", 10: "roaming",
                2: "searching", 3: "denied", 0: "none", 4: "none"}


def read(modem) -> tuple[int | None, str | None, str | None]:
    """(signal in dBm, registration as REGISTRATION names it, operator); each None when the modem
    refuses the command or its answer cannot be read. The operator only when registered."""
    signal = _ask(modem.signal)
    stat = _registration(modem)
    registration = REGISTRATION.get(stat, "none") if stat is not None else None
    operator = _ask(modem.operator) if registration in ("home", "roaming") else None
    return signal, registration, operator


def _ask(read_value):
    try:
        return read_value()
    except (CommandError, AtTimeout, answers.AnswerError):
        return None


def _registration(modem) -> int | None:
    """<stat> from +CEREG, +CGREG, +CREG in that order: the first that can send SMS, else the
    first known (DESIGN.md: on LTE-only networks +CREG may say searching while attached)."""
    seen = []
    for command, prefix in (("AT+CEREG?", "+CEREG"), ("AT+CGREG?", "+CGREG"), ("AT+CREG?", "+CREG")):
        stat = _ask(lambda: answers.registration(modem.at(command), prefix))
        if stat in answers.REGISTERED_STATES:
            return stat
        if stat is not None:
            seen.append(stat)
    return seen[0] if seen else None
