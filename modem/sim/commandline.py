"""Parsing one AT command line into its commands (ITU-T V.250 §5.2, 3GPP TS 27.007 §4).

"ATE0V1&D2" holds three basic commands; "AT+CMEE=1;+CREG=2" two extended ones. Each command
has a form: action ("AT+CGMI"), test ("=?"), read ("?") or set ("=args").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ACTION, TEST, READ, SET = "action", "test", "read", "set"

_EXTENDED_PREFIXES = "+^$%*#"
_BASIC = re.compile(r"(&[A-Z]|S\d+[=?]?|[A-Z])(\d*)", re.IGNORECASE)


@dataclass(frozen=True)
class Command:
    name: str   # upper case: "+CMGS", "E", "&F", "S0", "D"
    form: str   # ACTION, TEST, READ or SET
    raw_args: str = ""

    @property
    def args(self) -> list[str]:
        """Comma-separated arguments with quotes removed ('' for an omitted one)."""
        return [unquote(a) for a in split_args(self.raw_args)] if self.raw_args else []

    def arg(self, index: int, default: str = "") -> str:
        args = self.args
        return args[index] if index < len(args) and args[index] != "" else default

    def int_arg(self, index: int, default: int | None = None, *, allowed: range | None = None) -> int | None:
        """Argument `index` as a number (`default` when omitted). BadArgument when it is not a
        number, or not in `allowed`."""
        value = self.arg(index)
        if not value:
            return default
        if not value.isdigit() or (allowed is not None and int(value) not in allowed):
            raise BadArgument(f"{self.name} argument {index + 1}: {value!r}")
        return int(value)


class CommandLineError(ValueError):
    """A line that starts with AT but cannot be parsed."""


class BadArgument(ValueError):
    """A command with a parameter it cannot take (answered +CME ERROR: 50, incorrect parameters)."""


def split_args(text: str) -> list[str]:
    """Split on commas outside double quotes; quotes are kept."""
    parts, current, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    return parts


def unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def parse(line: str) -> list[Command]:
    """Commands of one line (without the AT prefix's surrounding junk). Raises CommandLineError."""
    body = line.strip()
    if body[:2].upper() != "AT":
        raise CommandLineError(f"not an AT command: {line!r}")
    body = body[2:]
    commands: list[Command] = []
    while body:
        if body[0] == ";":
            body = body[1:]
        elif body[0] in _EXTENDED_PREFIXES:
            text, body = _take_extended(body)
            commands.append(_extended(text))
        elif body[0].upper() == "D":  # dial: the rest of the line is the number
            commands.append(Command("D", SET, body[1:]))
            body = ""
        else:
            match = _BASIC.match(body)
            if not match:
                raise CommandLineError(f"cannot parse {body!r}")
            name, digits = match.group(1).upper(), match.group(2)
            if name.startswith("S") and name[-1] in "=?":
                form = READ if name[-1] == "?" else SET
                commands.append(Command(name[:-1], form, digits))
            else:
                commands.append(Command(name, SET if digits else ACTION, digits))
            body = body[match.end():]
    return commands


def _take_extended(body: str) -> tuple[str, str]:
    """Split off one extended command: up to the first ';' outside quotes."""
    quoted = False
    for i, ch in enumerate(body):
        if ch == '"':
            quoted = not quoted
        elif ch == ";" and not quoted:
            return body[:i], body[i + 1:]
    return body, ""


def _extended(text: str) -> Command:
    match = re.match(r"([+^$%*#][A-Z0-9_]+)", text, re.IGNORECASE)
    if not match:
        raise CommandLineError(f"cannot parse {text!r}")
    name, rest = match.group(1).upper(), text[match.end():]
    if rest == "=?":
        return Command(name, TEST)
    if rest == "?":
        return Command(name, READ)
    if rest.startswith("="):
        return Command(name, SET, rest[1:])
    if rest == "":
        return Command(name, ACTION)
    raise CommandLineError(f"cannot parse {text!r}")
