"""Result codes the simulated modems give: errors as raised by handlers and as printed per +CMEE."""
from __future__ import annotations

# TS 27.007 §9.2: +CME ERROR values and their verbose texts (AT+CMEE=2).
CME_TEXT = {
    3: "operation not allowed", 4: "operation not supported", 10: "SIM not inserted",
    11: "SIM PIN required", 12: "SIM PUK required", 13: "SIM failure", 14: "SIM busy",
    15: "SIM wrong", 16: "incorrect password", 20: "memory full", 21: "invalid index",
    22: "not found", 30: "no network service", 50: "incorrect parameters", 100: "unknown",
}
# TS 27.005 §3.2.5: +CMS ERROR values 300-511 (0-127 are RP-causes of TS 24.011).
CMS_TEXT = {
    1: "Unassigned (unallocated) number", 21: "Short message transfer rejected",
    38: "Network out of order", 42: "Congestion", 300: "ME failure",
    302: "operation not allowed", 303: "operation not supported", 304: "invalid PDU mode parameter",
    305: "invalid text mode parameter", 310: "SIM not inserted", 311: "SIM PIN required",
    313: "SIM failure", 314: "SIM busy", 320: "memory failure", 321: "invalid memory index",
    322: "memory full", 330: "SMSC address unknown", 331: "no network service",
    332: "network timeout", 340: "no +CNMA acknowledgement expected", 500: "unknown error",
}


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
        table = CME_TEXT if error.kind == "CME" else CMS_TEXT
        return f"+{error.kind} ERROR: {table.get(error.code, error.code)}"
    return f"+{error.kind} ERROR: {error.code}"
