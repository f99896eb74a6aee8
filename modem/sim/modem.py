"""One simulated modem: a pty, a SIM, the command interpreter and the faults it can be made to show.

Input is handled as a V.250 DCE does: characters are echoed as they arrive (ATE1), a command line
ends at CR, junk before "AT" is ignored, and after the AT+CMGS prompt text is collected up to
Ctrl-Z (send) or ESC (cancel). Unsolicited lines may go out at any time between whole responses;
the faults below put them anywhere else.
"""
from __future__ import annotations

import logging
import os
import random
import threading
import time

from modem.sim import commandline
from modem.sim.commands_basic import BasicCommands
from modem.sim.commands_network import NetworkCommands
from modem.sim.commands_sms import SmsCommands
from modem.sim.network import Network
from modem.sim.profiles import GENERIC, Profile
from modem.sim.pty_port import PortClosed, PtyPort
from modem.sim.results import ModemError, Unsupported, cme, error_line
from modem.sim.state import Faults, FinalResult, Settings, TextEntry
from modem.sim.storage import Storages
from modem.sim.subscribers import SimCard

log = logging.getLogger(__name__)
TRACE = 5

CTRL_Z, ESC, BACKSPACE = 0x1A, 0x1B, 0x08


class SimModem(BasicCommands, NetworkCommands, SmsCommands):
    """A virtual modem on a pseudo-terminal, holding `sim`, attached to `network`."""

    def __init__(self, network: Network, sim: SimCard, profile: Profile = GENERIC, *,
                 link: str | None = None, imei: str = "351234567890123", name: str = "modem"):
        self.network, self.sim, self.profile, self.imei, self.name = network, sim, profile, imei, name
        self.port = PtyPort(link)
        self.storages = Storages(profile.capacities, profile.first_index)
        self.settings = Settings()
        self.faults = Faults()
        self.cfun = 1
        self.sim_busy_after_boot = 0.0
        self.ctzu: int | None = None    # AT+CTZU as set; None: the profile's default. Non-volatile.
        self.powered_at = time.monotonic()
        self._reference = random.randrange(256)
        self._lock = threading.RLock()
        self._line = bytearray()
        self._entry: TextEntry | None = None
        self._plugged = threading.Event()
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._periodic_index = 0

    # -- life cycle ---------------------------------------------------------------------------
    @property
    def path(self) -> str | None:
        """The device a client opens (the stable link when one was asked for)."""
        return self.port.link or self.port.path

    def start(self) -> str:
        """Plug the modem in and start answering; returns its device path."""
        self.network.add_sim(self.sim)
        self._power_on(boot_lines=False)
        self._thread = threading.Thread(target=self._run, name=f"sim-{self.name}", daemon=True)
        self._thread.start()
        self._schedule_periodic()
        return self.path

    def stop(self) -> None:
        self._stopped = True
        self.network.attach(self.sim.number, None)
        self._plugged.set()
        if self.port.is_open:
            self.port.close()
        if self._thread:
            self._thread.join(timeout=5)
        self.port.release()

    def _power_on(self, boot_lines: bool = True) -> None:
        with self._lock:
            self.settings = Settings()
            self.storages.reset_selection()
            self.cfun = 1
            self.powered_at = time.monotonic()
            self._line.clear()
            self._entry = None
            self.sim.power_on()
            self.faults.busy_until = time.monotonic() + self.sim_busy_after_boot
            if not self.port.is_open:
                self.port.open()
            self._plugged.set()
        if boot_lines:
            for line in self.profile.boot_lines:
                self.urc(line)
        self.network.attach(self.sim.number, self)

    def _run(self) -> None:
        while not self._stopped:
            try:
                data = self.port.read(timeout=None)
            except PortClosed:
                self._plugged.wait()
                continue
            if data:
                log.log(TRACE, "%s <- %r", self.name, data)
                try:
                    self.feed(data)
                except Exception:           # a bug of ours: a modem answers ERROR, it does not die
                    log.exception("%s: failed on %r", self.name, data)
                    self.port.write(b"\r\nERROR\r\n")

    # -- faults -------------------------------------------------------------------------------
    def unplug(self, for_seconds: float | None = None) -> None:
        """Pull the USB cable: the device node disappears; back after `for_seconds` if given."""
        with self._lock:
            self._plugged.clear()
            self.network.attach(self.sim.number, None)
            self.port.close()
        if for_seconds is not None:
            self.network.scheduler.call_later(for_seconds, self.replug)

    def replug(self) -> None:
        """Plug the modem back in: a new device node behind the same link, freshly powered."""
        if not self._stopped and not self.port.is_open:
            self._power_on()

    def reboot(self) -> None:
        """The modem resets by itself: settings back to defaults (echo on), boot lines, PIN again."""
        self.port.discard_input()
        self._power_on()

    def send_garbage(self, data: bytes | None = None) -> None:
        """Line noise: bytes that are not valid text and may not end with a line end."""
        self.port.write(data if data is not None else bytes([0xFF, 0xFE, 0x00, 0x8F]) + os.urandom(12))

    def set_sim_busy(self, seconds: float) -> None:
        """Answer SIM commands with +CME ERROR: 14 for a while (as after power-on)."""
        self.faults.busy_until = time.monotonic() + seconds

    def set_storage_full(self, full: bool = True) -> None:
        """Every storage full (new messages wait at the SMSC), or back to normal."""
        with self._lock:
            for storage in self.storages.by_name.values():
                storage.set_full(full)
        if not full:
            self.network.attach(self.sim.number, self)

    def set_coverage(self, covered: bool) -> None:
        """Lose or regain the network; +CREG/+CGREG/+CEREG tell the client where enabled."""
        with self._lock:
            self.faults.no_coverage = not covered
        self._registration_changed()

    # -- input ---------------------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        """Bytes from the client, in any chunks. A send (Ctrl-Z) is finished before the next byte
        is read, as a modem is busy until +CMGS; unsolicited lines still go out meanwhile."""
        for byte in data:
            with self._lock:
                if self._entry is None:
                    self._feed_command(byte)
                    continue
                finished = self._feed_text(byte)
            if finished is not None:
                self._finish_entry(*finished)

    def _feed_command(self, byte: int) -> None:
        if self.settings.echo:
            self.port.write(bytes([byte]))
        if byte == 0x0D:
            line = self._line.decode("latin-1")
            self._line.clear()
            start = line.upper().find("AT")
            if start >= 0:
                self._execute(line[start:])
        elif byte == BACKSPACE:
            del self._line[-1:]
        elif byte not in (0x0A, CTRL_Z, ESC):
            self._line.append(byte)

    def _feed_text(self, byte: int) -> tuple["TextEntry", str] | None:
        """One byte after the prompt; returns the entry and its text when Ctrl-Z ends it."""
        entry = self._entry
        if byte == ESC:
            self._entry = None
            self._respond([], "OK")
        elif byte == CTRL_Z:
            self._entry = None
            return entry, entry.text.decode("latin-1")
        else:
            if self.settings.echo:
                self.port.write(bytes([byte]))
            entry.text.append(byte)
        return None

    def _finish_entry(self, entry: TextEntry, text: str) -> None:
        """Send what was typed after the prompt. The radio time passes without the lock held
        (unsolicited lines may go out meanwhile); handing the part to the network and answering
        +CMGS happen under it, so its status report cannot overtake the answer."""
        time.sleep(entry.radio_time)
        with self._lock:
            try:
                lines = entry.finish(text)
                final = "OK"
            except ModemError as error:
                lines, final = [], error_line(error, self.settings.cmee)
            self._respond(lines, final)

    # -- commands -----------------------------------------------------------------------------
    def _execute(self, line: str) -> None:
        log.debug("%s command %r", self.name, line)
        if self.faults.answer_delay:
            delay, self.faults.answer_delay = self.faults.answer_delay, 0.0
            time.sleep(delay)      # hung: later commands wait too, as on a real modem
        lines: list[str] = []
        try:
            commands = commandline.parse(line)
        except commandline.CommandLineError:
            return self._respond([], self._unknown_reply())
        for command in commands:
            try:
                result = self._dispatch(command)
            except ModemError as error:
                return self._respond(lines, error_line(error, self.settings.cmee))
            except Unsupported:
                return self._respond(lines, self._unknown_reply())
            except commandline.BadArgument as error:       # TS 27.007 §9.2.1: 50 incorrect parameters
                log.warning("%s: %s", self.name, error)
                return self._respond(lines, error_line(cme(50), self.settings.cmee))
            if isinstance(result, TextEntry):
                self._respond(lines, None)
                return self._start_entry(result)
            if isinstance(result, FinalResult):
                return self._respond(lines + result.lines, result.final)
            lines.extend(result or [])
        self._respond(lines, "OK")

    def _dispatch(self, command: commandline.Command):
        if command.name in self.profile.unsupported:
            raise Unsupported(command.name)
        handler = getattr(self, handler_name(command.name), None)
        if handler is None:
            raise Unsupported(command.name)
        return handler(command)

    def _unknown_reply(self) -> str:
        return self.profile.unknown_command

    def _start_entry(self, entry: TextEntry) -> None:
        self._entry = entry
        if self.faults.stall_prompt:
            self.faults.stall_prompt = False
            return
        self.port.write(self.profile.prompt)
        while self.faults.after_prompt:
            self.urc(self.faults.after_prompt.pop(0))

    # -- output -------------------------------------------------------------------------------
    def _respond(self, lines: list[str], final: str | None) -> None:
        """Information lines then the final result, framed as V.250 says for ATV1 / ATV0."""
        out = list(lines)
        if self.faults.in_response and (out or final):
            out.insert(1 if out else 0, self.faults.in_response.pop(0))
        text = ""
        if out:
            text = "\r\n" + "\r\n".join(out) + "\r\n"
        if final is not None:
            text += f"\r\n{final}\r\n" if self.settings.verbose else f"{_numeric(final)}\r"
        if text:
            self._write(text)

    def urc(self, line: str) -> None:
        """An unsolicited result code, whole, between responses."""
        self._write(f"\r\n{line}\r\n")

    def _write(self, text: str) -> None:
        data = text.encode("utf-8", "replace")
        log.log(TRACE, "%s -> %r", self.name, data)
        self.port.write(data)

    def next_reference(self) -> int:
        """TP-Message-Reference for the next part: 0-255, per modem (TS 23.040 §9.2.3.6)."""
        with self._lock:
            self._reference = (self._reference + 1) % 256
            return self._reference

    def _schedule_periodic(self) -> None:
        interval = self.profile.periodic_interval
        if not interval or not self.profile.periodic_lines or self._stopped:
            return
        if self.port.is_open:
            lines = self.profile.periodic_lines
            self.urc(lines[self._periodic_index % len(lines)])
            self._periodic_index += 1
        self.network.scheduler.call_later(interval, self._schedule_periodic)


def handler_name(command: str) -> str:
    """"+CMGS" -> "at_cmgs", "&F" -> "at_and_f", "S7" -> "at_s" (S-registers share one)."""
    name = command.lower()
    if name[0] == "s" and name[1:].isdigit():
        return "at_s"
    return "at_" + name.replace("+", "").replace("&", "and_").replace("^", "hw_").replace("$", "d_")


def _numeric(final: str) -> str:
    """ATV0 result codes (V.250 Table 1)."""
    return {"OK": "0", "CONNECT": "1", "RING": "2", "NO CARRIER": "3", "ERROR": "4"}.get(final, final)
