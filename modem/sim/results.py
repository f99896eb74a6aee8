"""Result codes the simulated modems give: errors as raised by handlers and as printed per +CMEE."""
from __future__ import annotations

from modem.at import codes


class ModemError(Exception):
    """A command failed; `kind` is "CME" or "CMS", `code` the number in the standard."""

    def __init__(self, kind: str, code: int):
        super().__init__(f"+{kind} ERROR: {code}")
        self.kind, self.code = kind, code


def cme(code: int) -> ModemError:
    return ModemError("CME", code)


def cms(code: int) -> ModemError:
    return ModemError("CMS", code)


class Unsupported(Exception):
    """The modem does not know the command (answered ERROR, or the profile's own words)."""


def error_line(error: ModemError, cmee: int) -> str:
    """The final result for `error` under AT+CMEE=<cmee> (0: plain ERROR)."""
    if cmee == 0:
        return "ERROR"
    if cmee == 2:
        table = codes.CME if error.kind == "CME" else codes.CMS
        return f"+{error.kind} ERROR: {table.get(error.code, error.code)}"
    return f"+{error.kind} ERROR: {error.code}"
