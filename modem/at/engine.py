"""The AT engine: one command in flight, every line routed by state (DESIGN.md, engine rules 2-9).

The engine is a pyserial `serial.threaded.Protocol`: the reader thread calls data_received();
callers on other threads call command() / command_with_prompt(), which block until the final
result. Notifications go to a queue (and an optional callback) whenever they arrive: in the
middle of a response, between the prompt and +CMGS, or while nothing is pending.
"""
from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import Callable

from modem.at import lines as L
from modem.at.framing import LineFramer
from modem.errors import AtTimeout, CommandError, PortGone

log = logging.getLogger(__name__)
TRACE = 5
logging.addLevelName(TRACE, "TRACE")

CTRL_Z, ESC = "\x1a", "\x1b"
DEFAULT_TIMEOUT = 10.0
RESYNC_TIMEOUT = 2.0
# How long an answer line may wait for its final result when the modem may send none at all
# (Wavecom answers AT+CPIN? without OK, modem-transcripts/09).
FINAL_GRACE = 0.5


@dataclass(frozen=True)
class Notification:
    """An unsolicited line (`kind`: its prefix or word, e.g. "+CMTI", "RING") and, for +CMT and
    +CDS in PDU mode, the PDU line that completes it."""

    kind: str
    line: str
    body: str | None = None


@dataclass
class _Pending:
    command: str
    prefixes: frozenset[str]
    plain: bool
    payload: str | None = None
    probe: bool = False             # resync probe: finals before its own answer are stale
    final_optional: bool = False    # the answer line alone may complete the command
    lines: list[str] = field(default_factory=list)
    final: str | None = None
    expect_body: str | None = None  # "pdu" or "text": the line after a +CMGL/+CMGR header
    seen_answer: bool = False
    done: threading.Event = field(default_factory=threading.Event)
    answered: threading.Event = field(default_factory=threading.Event)
    prompted: threading.Event = field(default_factory=threading.Event)


class AtEngine:
    """Talks AT over a byte stream. `write` sends bytes; feed it with data_received()."""

    def __init__(self, write: Callable[[bytes], None] | None = None, *,
                 on_notification: Callable[[Notification], None] | None = None,
                 timeout: float = DEFAULT_TIMEOUT, name: str = "modem"):
        self.write_bytes = write
        self.on_notification = on_notification
        self.on_lost: Callable[[BaseException | None], None] | None = None
        self.on_echo: Callable[[], None] | None = None     # echo came back (the modem restarted?)
        self.notifications: queue.Queue[Notification] = queue.Queue()
        self.timeout, self.name = timeout, name
        self.final_grace = FINAL_GRACE
        self.echo_seen = False
        self._framer = LineFramer()
        self._pending: _Pending | None = None
        self._urc_header: str | None = None
        self._command_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._needs_resync = False
        self._last_timed_out = ""
        self._gone: BaseException | None = None

    # -- serial.threaded.Protocol ---------------------------------------------------------------
    def connection_made(self, transport) -> None:
        if self.write_bytes is None:
            self.write_bytes = transport.write

    def data_received(self, data: bytes) -> None:
        log.log(TRACE, "%s <- %r", self.name, data)
        out: list[Notification] = []
        with self._state_lock:
            for line in self._framer.feed(data):
                self._route(line, out)
            self._check_prompt()
        for notification in out:
            self._notify(notification)

    def connection_lost(self, exc: BaseException | None) -> None:
        with self._state_lock:
            self._gone = exc or PortGone("port closed")
            if self._pending:
                for event in (self._pending.done, self._pending.prompted, self._pending.answered):
                    event.set()
        if exc is not None:
            log.warning("%s: connection lost: %s", self.name, exc)
            if self.on_lost:
                self.on_lost(exc)

    @property
    def gone(self) -> bool:
        return self._gone is not None

    # -- commands -------------------------------------------------------------------------------
    def command(self, text: str, timeout: float | None = None, *, final_optional: bool = False) -> list[str]:
        """Send one command line; return its information lines. Raises CommandError subclasses,
        AtTimeout or PortGone. With `final_optional`, an answer line followed by no final result
        within FINAL_GRACE completes the command (for modems that omit OK)."""
        with self._command_lock:
            self._prepare()
            return self._run(text, timeout or self.timeout, final_optional=final_optional)

    def command_with_prompt(self, text: str, payload: str, timeout: float | None = None) -> list[str]:
        """AT+CMGS-style: send `text`, wait for the prompt, send `payload` and Ctrl-Z."""
        with self._command_lock:
            self._prepare()
            return self._run(text, timeout or self.timeout, payload=payload)

    def _prepare(self) -> None:
        if self._gone:
            raise PortGone(str(self._gone))
        if self._needs_resync:
            self._resync()
        if self.echo_seen:
            self.echo_seen = False
            self._run("ATE0", self.timeout)

    def _run(self, text: str, timeout: float, payload: str | None = None, probe: bool = False,
             final_optional: bool = False) -> list[str]:
        pending = _Pending(text, L.answer_prefixes(text), L.expects_plain_lines(text), payload, probe,
                           final_optional)
        with self._state_lock:
            self._pending = pending                       # rule 2: registered before writing
        try:
            self._send(text + "\r")
            if payload is not None:
                self._send_payload(pending, payload, timeout)
            if not self._wait(pending, timeout):
                self._timed_out(text)
                raise AtTimeout(f"{self.name}: no answer to {text!r} in {timeout:g} s")
            if self._gone:
                raise PortGone(str(self._gone))
            error = L.error_for(text, pending.final)
            if error:
                raise error
            return pending.lines
        finally:
            with self._state_lock:
                self._pending = None                      # ... and always removed

    def _wait(self, pending: _Pending, timeout: float) -> bool:
        """Whether the command completed. A command completed by its answer line alone (no final
        result within the grace) may still get its final late: resynchronise before the next
        one, as after a timeout (rule 6)."""
        if not pending.final_optional:
            return pending.done.wait(timeout)
        if not pending.answered.wait(timeout):
            return False
        if not pending.done.wait(self.final_grace):
            with self._state_lock:
                if not pending.done.is_set():
                    pending.final = "OK"
                    pending.done.set()
                    self._timed_out(pending.command)
        return True

    def _send_payload(self, pending: _Pending, payload: str, timeout: float) -> None:
        if not pending.prompted.wait(timeout):
            self._send(ESC)                               # rule 6: cancel a prompt that never came
            self._timed_out(pending.command)
            raise AtTimeout(f"{self.name}: no prompt after {pending.command!r}")
        if pending.done.is_set():                         # an error instead of the prompt
            return
        self._send(payload + CTRL_Z)

    def _send(self, text: str) -> None:
        if self.write_bytes is None:
            raise PortGone("not connected")
        data = text.encode("ascii", "replace")
        log.log(TRACE, "%s -> %r", self.name, data)
        try:
            self.write_bytes(data)
        except Exception as exc:                          # pyserial raises SerialException, OSError
            raise PortGone(f"{self.name}: write failed: {exc}") from exc

    def _timed_out(self, text: str) -> None:
        self._needs_resync = True
        self._last_timed_out = text

    def _resync(self) -> None:
        """Rule 6: ESC, then a probe whose answer cannot be mistaken for a late one, until it comes.

        Modems answer in order, so a late final result arrives before the probe's own answer
        line; finals seen before that line are dropped as stale.
        """
        probe = "AT+CMEE?" if "+CSQ" in self._last_timed_out.upper() else "AT+CSQ"
        for _ in range(3):
            self._send(ESC)
            try:
                self._run(probe, RESYNC_TIMEOUT, probe=True)
            except AtTimeout:
                continue
            except CommandError:
                pass
            self._needs_resync = False
            log.info("%s: back in step after a timeout", self.name)
            return
        raise AtTimeout(f"{self.name}: the modem does not answer")

    # -- routing (reader thread, state lock held) ----------------------------------------------------
    def _route(self, line: str, out: list[Notification]) -> None:
        pending = self._pending
        if self._urc_header is not None:
            header, self._urc_header = self._urc_header, None
            if L.completes_header(header, line):                               # rule 4
                out.append(Notification(_kind(header), header, line))
                return
            log.warning("%s: %r not followed by its PDU (got %r); header dropped", self.name, header, line)
            out.append(Notification(_kind(header), header))
        if pending is not None and self._answer(pending, line):
            return
        if _is_junk(line):
            log.warning("%s: dropped line noise %r", self.name, line)
        elif L.is_final(line):
            log.info("%s: dropped a final result nobody waits for: %r", self.name, line)
        elif L.needs_body(line):
            self._urc_header = line         # the very next line must be its PDU
        else:
            out.append(Notification(_kind(line), line))

    def _answer(self, pending: _Pending, line: str) -> bool:
        """Take `line` for the pending command if it can be part of its answer (rule 3)."""
        if pending.done.is_set():
            return False            # complete: nothing after its final result belongs to it
        if pending.expect_body:
            if pending.expect_body == "text" or L.is_hex(line):
                pending.lines.append(line)
                pending.expect_body = None
                return True
            if not L.is_final(line):
                return False        # rule 3: not the PDU (a URC inside the listing): routed as itself
            pending.expect_body = None
        if line.strip().upper() == pending.command.strip().upper() or line == pending.payload:
            if not self.echo_seen and self.on_echo:
                self.on_echo()
            self.echo_seen = True                         # rule 7: echo is back (e.g. a reboot)
            return True
        if line.strip() == ">" and pending.payload is not None:
            pending.prompted.set()
            return True
        prefix = L.prefix_of(line)
        if prefix and prefix.upper() in pending.prefixes:
            pending.lines.append(line)
            pending.seen_answer = True
            if L.needs_body(line):
                pending.expect_body = "pdu" if L.body_is_pdu(line) else "text"
            else:
                pending.answered.set()
            return True
        if L.is_final(line):
            if pending.probe and not pending.seen_answer:
                log.info("%s: dropped a late answer %r", self.name, line)
                return True
            pending.final = line
            for event in (pending.done, pending.prompted, pending.answered):
                event.set()
            return True
        if pending.plain and not prefix and not L.is_unsolicited(line) and not _is_junk(line):
            pending.lines.append(line)
            return True
        return False

    def _check_prompt(self) -> None:
        pending = self._pending
        if pending and pending.payload is not None and not pending.prompted.is_set():
            if self._framer.partial.strip() == ">":
                self._framer.take_partial()
                pending.prompted.set()

    def _notify(self, notification: Notification) -> None:
        log.debug("%s: notification %s", self.name, notification.line)
        self.notifications.put(notification)
        if self.on_notification:
            try:
                self.on_notification(notification)
            except Exception:
                log.exception("%s: notification handler failed", self.name)


def _kind(line: str) -> str:
    prefix = L.prefix_of(line)
    if prefix:
        return prefix
    if line.startswith("^"):
        return line.split(":", 1)[0]
    return line.strip()


def _is_junk(line: str) -> bool:
    """Line noise: replacement characters or control characters (rule 1)."""
    return "\ufffd" in line or any(ord(ch) < 0x20 and ch != "\t" for ch in line)
