"""SIM, radio and network commands (TS 27.007 §7-8): PIN, +CFUN, signal, registration,
operator, network time, USSD, caller id."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from modem.sim.commandline import READ, SET, TEST, Command
from modem.sim.results import cme
from modem.sim.state import FinalResult
from modem.sim.subscribers import SimLocked

# Cell identity shown by +CREG=2 and friends; AcT 7 is E-UTRAN (LTE).
LAC, CELL, ACT = "1A2B", "01C3D4E5", 7
OPERATOR = {0: "NTT DOCOMO", 1: "DOCOMO", 2: "44010"}
# Where a modem's own clock starts at power-on when it does not follow the network's time.
OWN_CLOCK_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


class NetworkCommands:
    """Mixed into SimModem."""

    signal = 18    # +CSQ rssi: 18 is -77 dBm

    # -- state ---------------------------------------------------------------------------------
    @property
    def registered(self) -> bool:
        """Attached and able to send SMS."""
        return (self.cfun == 1 and self.sim.state == "READY" and not self.faults.no_coverage
                and time.monotonic() >= self.faults.busy_until)

    def registration_status(self, lte: bool = True) -> int:
        """<stat>: 1 registered (home), 2 searching, 0 not searching (radio off or no SIM)."""
        if self.registered:
            return 2 if (not lte and self.profile.creg_lte_searching) else 1
        return 2 if self.cfun == 1 and self.sim.state == "READY" else 0

    def _registration_line(self, prefix: str, mode: int, lte: bool, read: bool) -> str:
        stat = self.registration_status(lte)
        head = f"{prefix}: {mode},{stat}" if read else f"{prefix}: {stat}"
        if mode == 2 and stat == 1:
            head += f',"{LAC}","{CELL}",{ACT}'
        return head

    def _registration_changed(self) -> None:
        for prefix, mode, lte in (("+CREG", self.settings.creg, False),
                                  ("+CGREG", self.settings.cgreg, True),
                                  ("+CEREG", self.settings.cereg, True)):
            if mode:
                self.urc(self._registration_line(prefix, mode, lte, read=False))
        if self.registered:
            self.network.attach(self.sim.number, self)

    # -- SIM -------------------------------------------------------------------------------------
    def at_cpin(self, cmd: Command):
        if cmd.form == TEST:
            return []
        if time.monotonic() < self.faults.busy_until:
            raise cme(14)
        if cmd.form == READ:
            if self.sim.state == "SIM BLOCKED":
                raise cme(13)
            line = f"+CPIN: {self.sim.state}"
            return [line] if self.profile.cpin_final_ok else FinalResult([line], None)
        try:
            self.sim.enter(cmd.arg(0), cmd.arg(1) or None)
        except SimLocked as locked:
            raise cme(locked.code) from None
        self.network.scheduler.call_later(0, self._registration_changed)

    def at_cfun(self, cmd: Command):
        if cmd.form == READ:
            return [f"+CFUN: {self.cfun}"]
        if cmd.form == TEST:
            return ["+CFUN: (0,1,4),(0,1)"]
        level = cmd.int_arg(0, 1)
        if level not in (0, 1, 4):
            raise cme(50)
        if cmd.int_arg(1, 0) == 1:
            self.network.scheduler.call_later(0.05, self.reboot)
            return []
        self.cfun = level
        self.network.scheduler.call_later(0, self._registration_changed)

    # -- radio and registration ------------------------------------------------------------------
    def at_csq(self, cmd: Command):
        if cmd.form == TEST:
            return ["+CSQ: (0-31,99),(0-7,99)"]
        return ["+CSQ: 99,99" if not self.registered else f"+CSQ: {self.signal},99"]

    def _registration_command(self, cmd: Command, prefix: str, attr: str, lte: bool):
        if cmd.form == READ:
            return [self._registration_line(prefix, getattr(self.settings, attr), lte, read=True)]
        if cmd.form == TEST:
            return [f"{prefix}: (0-2)"]
        mode = cmd.int_arg(0, 0)
        if mode not in (0, 1, 2):
            raise cme(50)
        setattr(self.settings, attr, mode)

    def at_creg(self, cmd: Command):
        return self._registration_command(cmd, "+CREG", "creg", lte=False)

    def at_cgreg(self, cmd: Command):
        return self._registration_command(cmd, "+CGREG", "cgreg", lte=True)

    def at_cereg(self, cmd: Command):
        return self._registration_command(cmd, "+CEREG", "cereg", lte=True)

    def at_cgatt(self, cmd: Command):
        if cmd.form == READ:
            return [f"+CGATT: {int(self.registered)}"]
        if cmd.form == TEST:
            return ["+CGATT: (0,1)"]

    def at_cops(self, cmd: Command):
        if cmd.form == TEST:
            return ['+COPS: (2,"NTT DOCOMO","DOCOMO","44010",7),,(0,1,2,3,4),(0,1,2)']
        if cmd.form == READ:
            if not self.registered:
                return ["+COPS: 0"]
            fmt = self.settings.cops_format
            return [f'+COPS: 0,{fmt},"{OPERATOR[fmt]}",{ACT}']
        if cmd.int_arg(0, 0) == 3:
            fmt = cmd.int_arg(1, 0)
            if fmt not in OPERATOR:
                raise cme(50)
            self.settings.cops_format = fmt

    def at_cnum(self, cmd: Command):
        self.require_sim()
        if cmd.form == TEST:
            return []
        kind = 145 if self.sim.number.startswith("+") else 129
        return [f'+CNUM: "","{self.encode_string(self.sim.number)}",{kind}']

    # -- time, USSD, calls -------------------------------------------------------------------------
    def at_cclk(self, cmd: Command):
        """Network time (NITZ) as "yy/MM/dd,hh:mm:ss±zz", zone in quarter hours (TS 27.007 §8.15);
        without automatic updates (AT+CTZU=0, SIMCom's default) the modem's own clock, which
        starts at 2000-01-01 00:00 UTC on power-on."""
        if cmd.form in (TEST, SET):
            return []
        if self.ctzu == 1 or (self.ctzu is None and self.profile.nitz_by_default):
            now = self.network.now()
        else:
            now = OWN_CLOCK_EPOCH + timedelta(seconds=time.monotonic() - self.powered_at)
        quarters = int(now.utcoffset().total_seconds() // 900)
        return [f'+CCLK: "{now:%y/%m/%d,%H:%M:%S}{quarters:+03d}"']

    def at_ctzu(self, cmd: Command):
        """Automatic time zone update from NITZ (TS 27.007 §8.41): 0 off, 1 on; kept across reboots."""
        if cmd.form == READ:
            return [f"+CTZU: {self.ctzu if self.ctzu is not None else int(self.profile.nitz_by_default)}"]
        if cmd.form == TEST:
            return ["+CTZU: (0,1)"]
        self.ctzu = cmd.int_arg(0, 0, allowed=range(2))

    def at_cusd(self, cmd: Command):
        """USSD (TS 27.007 §7.15): a balance enquiry is answered a moment later."""
        if cmd.form == READ:
            return ["+CUSD: 1"]
        if cmd.form == TEST:
            return ["+CUSD: (0-2)"]
        if cmd.arg(1):
            self.require_sim()
            if self.settings.cscs == "UCS2":
                answer = f'+CUSD: 0,"{self.encode_string("残高は1,234円です。")}",72'
            else:
                answer = '+CUSD: 0,"Balance: 1234 JPY",15'
            self.network.scheduler.call_later(0.1, self.urc, answer)

    def at_clip(self, cmd: Command):
        if cmd.form == READ:
            return [f"+CLIP: {self.settings.clip},1"]
        if cmd.form == TEST:
            return ["+CLIP: (0,1)"]
        self.settings.clip = cmd.int_arg(0, 0)

    def ring(self, number: str, times: int = 3, interval: float = 3.0) -> None:
        """An incoming voice call: RING (and +CLIP when enabled) `times` times (TS 27.007 §7.6)."""
        kind = 145 if number.startswith("+") else 129
        for i in range(times):
            self.network.scheduler.call_later(i * interval, self._ring_once, number, kind)

    def _ring_once(self, number: str, kind: int) -> None:
        self.urc("RING")
        if self.settings.clip:
            self.urc(f'+CLIP: "{number}",{kind},"",0,"",0')
