"""V.250 basic commands, identification (TS 27.007 §5), error reporting and the character set.

Handlers are methods named after the command (see modem.handler_name); each returns the
information lines of its answer, or raises ModemError / Unsupported.
"""
from __future__ import annotations

import time

from modem.sim.commandline import ACTION, READ, SET, TEST, BadArgument, Command
from modem.sim.results import ModemError, Unsupported, cme, cms
from modem.sim.state import FinalResult, Settings

CHARSETS = ("IRA", "GSM", "UCS2")


class BasicCommands:
    """Mixed into SimModem: V.250 and identification."""

    # -- helpers shared by all command groups ---------------------------------------------------
    def require_sim(self, kind: str = "CME") -> None:
        """Raise the error a real modem gives when the SIM is busy, locked or missing."""
        if time.monotonic() < self.faults.busy_until:
            raise ModemError(kind, 14 if kind == "CME" else 314)
        state = self.sim.state
        if state == "SIM PIN":
            raise ModemError(kind, 11 if kind == "CME" else 311)
        if state == "SIM PUK":
            raise ModemError(kind, 12 if kind == "CME" else 316)
        if state == "SIM BLOCKED":
            raise ModemError(kind, 13 if kind == "CME" else 313)

    def encode_string(self, text: str) -> str:
        """A string as the TE character set (+CSCS) shows it: UCS2 as hex of UTF-16 code units."""
        if self.settings.cscs == "UCS2":
            return text.encode("utf-16-be").hex().upper()
        return text

    def decode_string(self, text: str) -> str:
        """The inverse of encode_string, for what the client sends. Bad hex is +CMS ERROR: 305."""
        if self.settings.cscs != "UCS2":
            return text
        try:
            return bytes.fromhex(text).decode("utf-16-be")
        except ValueError:
            raise cms(305) from None

    # -- V.250 -------------------------------------------------------------------------------------
    @staticmethod
    def _switch(cmd: Command) -> bool:
        """E<n>, V<n>: 0 (or omitted, V.250 §5.3.1) or 1; anything else is an error."""
        if cmd.raw_args not in ("", "0", "1"):
            raise BadArgument(f"{cmd.name}{cmd.raw_args}")
        return cmd.raw_args == "1"

    def at_e(self, cmd: Command):
        self.settings.echo = self._switch(cmd)

    def at_v(self, cmd: Command):
        self.settings.verbose = self._switch(cmd)

    def at_q(self, cmd: Command):
        if cmd.raw_args not in ("", "0"):
            raise cme(4)

    def at_z(self, cmd: Command):
        self._reset_settings()

    def at_and_f(self, cmd: Command):
        self._reset_settings()

    def _reset_settings(self) -> None:
        self.settings = Settings()
        self.storages.reset_selection()

    def at_and_w(self, cmd: Command):
        pass

    at_and_c = at_and_d = at_and_k = at_x = at_l = at_m = at_and_w

    def at_s(self, cmd: Command):
        return ["000"] if cmd.form == READ else None

    def at_h(self, cmd: Command):
        """Hang up: there is never a call in progress to end (RING only announces)."""

    def at_a(self, cmd: Command):
        return FinalResult([], "NO CARRIER")

    def at_d(self, cmd: Command):
        return FinalResult([], "NO CARRIER")

    def at_i(self, cmd: Command):
        return [line.format(imei=self.imei) for line in self.profile.ati_lines]

    # -- identification ----------------------------------------------------------------------------
    def _identity(self, cmd: Command, value: str):
        if cmd.form == TEST:
            return []
        if cmd.form != ACTION:
            raise cme(4)
        return [value]

    def at_cgmi(self, cmd: Command):
        return self._identity(cmd, self.profile.manufacturer)

    def at_cgmm(self, cmd: Command):
        return self._identity(cmd, self.profile.model)

    def at_cgmr(self, cmd: Command):
        return self._identity(cmd, self.profile.revision)

    def at_cgsn(self, cmd: Command):
        return self._identity(cmd, self.imei)

    at_gmi, at_gmm, at_gmr, at_gsn = at_cgmi, at_cgmm, at_cgmr, at_cgsn

    def at_cimi(self, cmd: Command):
        self.require_sim()
        return self._identity(cmd, self.sim.imsi)

    def at_ccid(self, cmd: Command):
        self.require_sim()
        return [f"+CCID: {self.sim.iccid}"]

    # -- error reporting, character set, serial settings ----------------------------------------
    def at_cmee(self, cmd: Command):
        if cmd.form == READ:
            return [f"+CMEE: {self.settings.cmee}"]
        if cmd.form == TEST:
            return ["+CMEE: (0-2)"]
        value = cmd.int_arg(0, 0)
        if value not in (0, 1, 2):
            raise cme(50)
        self.settings.cmee = value

    def at_cscs(self, cmd: Command):
        if cmd.form == READ:
            return [f'+CSCS: "{self.settings.cscs}"']
        if cmd.form == TEST:
            return ['+CSCS: ("IRA","GSM","UCS2")']
        if cmd.form != SET or cmd.arg(0).upper() not in CHARSETS:
            raise cme(50)
        self.settings.cscs = cmd.arg(0).upper()

    def at_ipr(self, cmd: Command):
        return ["+IPR: 115200"] if cmd.form == READ else None

    def at_ifc(self, cmd: Command):
        return ["+IFC: 0,0"] if cmd.form == READ else None

    def at_icf(self, cmd: Command):
        return ["+ICF: 3,3"] if cmd.form == READ else None

    def at_clac(self, cmd: Command):
        raise Unsupported("+CLAC")
