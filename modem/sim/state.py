"""Plain records shared by the simulated modem and its command groups."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Settings:
    """What ATZ, AT&F and a reboot put back (V.250, TS 27.007 and TS 27.005 defaults)."""

    echo: bool = True
    verbose: bool = True
    cmee: int = 0
    cmgf: int = 0
    cscs: str = "IRA"
    cnmi: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)
    creg: int = 0
    cgreg: int = 0
    cereg: int = 0
    cops_format: int = 0
    csmp: tuple[int, int, int, int] = (17, 167, 0, 0)
    csdh: int = 0
    clip: int = 0
    cmms: int = 0


@dataclass
class Faults:
    """Misbehaviour armed by tests or the control interface, each used once unless said."""

    stall_prompt: bool = False
    in_response: list[str] = field(default_factory=list)    # URC put inside the next response
    after_prompt: list[str] = field(default_factory=list)   # URC right after the next prompt
    busy_until: float = 0.0                                  # SIM busy (+CME ERROR: 14) until
    no_coverage: bool = False
    split_delay: float = 0.0    # seconds between a +CMT/+CDS header and its PDU line
    answer_delay: float = 0.0   # the next command is answered this late (a hung modem); once


@dataclass
class FinalResult:
    """A handler's answer ending in something other than OK (NO CARRIER, Wavecom's bare +CPIN:)."""

    lines: list[str]
    final: str | None


@dataclass
class TextEntry:
    """Waiting for text after the "> " prompt; `finish` turns the text into the answer lines."""

    finish: Callable[[str], list[str]]
    radio_time: float = 0.0          # seconds the send takes before it is answered
    text: bytearray = field(default_factory=bytearray)
