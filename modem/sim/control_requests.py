"""What the control interface accepts: each request body checked field by field before it is
used, so a bad request becomes a message naming the field, never a traceback."""
from __future__ import annotations

import json
import math
import re

PHONE = re.compile(r"\+?[0-9]{3,20}")
# TS 23.040 §9.1.2.5: an alphanumeric originator is at most 11 characters (e.g. "AMAZON").
ALPHA_SENDER = re.compile(r"[A-Za-z]{1,11}")


class BadRequest(Exception):
    """A request the control interface refuses; `status` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _text(name, value):
    if not isinstance(value, str):
        raise BadRequest(f"{name} must be a string, not {type(value).__name__}")
    return value


def _line(name, value):
    if "\r" in _text(name, value) or "\n" in value:
        raise BadRequest(f"{name} must be one line, without a line end")
    return value


def _phone(name, value):
    if not PHONE.fullmatch(_text(name, value)):
        raise BadRequest(f"{name} {value!r} is not a phone number (digits, optionally after '+')")
    return value


def _sender(name, value):
    if not (PHONE.fullmatch(_text(name, value)) or ALPHA_SENDER.fullmatch(value)):
        raise BadRequest(f"{name} {value!r} is not a phone number nor an alphanumeric sender (letters, 1-11)")
    return value


def _seconds(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise BadRequest(f"{name} must be a number of seconds, not {value!r}")
    if value < 0:
        raise BadRequest(f"{name} must not be negative ({value})")
    return float(value)


def _optional_seconds(name, value):
    return None if value is None else _seconds(name, value)


def _flag(name, value):
    if not isinstance(value, bool):
        raise BadRequest(f"{name} must be true or false, not {value!r}")
    return value


def _count(name, value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{name} must be a whole number, not {value!r}")
    if value < 1:
        raise BadRequest(f"{name} must be at least 1 ({value})")
    return value


def _hex(name, value):
    try:
        return bytes.fromhex(_text(name, value))
    except ValueError:
        raise BadRequest(f"{name} must be hexadecimal bytes, not {value!r}") from None


def _where(name, value):
    if value not in ("response", "prompt"):
        raise BadRequest(f"{name} must be 'response' or 'prompt', not {value!r}")
    return value


def _optional_text(name, value):
    return None if value is None else _text(name, value)


# field -> (checker, required)
SMS = {"from": (_sender, True), "to": (_text, True), "text": (_text, True)}
HANDSET = {"number": (_phone, True), "name": (_text, False), "reply": (_optional_text, False),
           "reply_after": (_seconds, False), "off_for": (_seconds, False), "unknown": (_flag, False),
           "slow": (_seconds, False)}
# fault kind -> its fields; `needs_plug`: faults that act on the device and so need it plugged in.
FAULT_FIELDS = {
    "unplug": {"seconds": (_optional_seconds, False)},
    "replug": {},
    "reboot": {},
    "garbage": {"hex": (_hex, False)},
    "stall_prompt": {},
    "storage_full": {"full": (_flag, False)},
    "sim_busy": {"seconds": (_seconds, False)},
    "inject": {"line": (_line, True), "where": (_where, False)},
    "answer_delay": {"seconds": (_seconds, False)},
    "split_urc": {"seconds": (_seconds, False)},
    "coverage": {"covered": (_flag, False)},
    "ring": {"number": (_phone, True), "times": (_count, False), "interval": (_seconds, False)},
    "urc": {"line": (_line, True)},
}
NEEDS_PLUG = {"reboot", "garbage", "ring", "urc"}


def parse_body(raw: bytes):
    """The JSON object in a request body (an empty body is {})."""
    try:
        body = json.loads(raw or b"{}")
    except ValueError as exc:       # also UnicodeDecodeError
        raise BadRequest(f"the body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise BadRequest(f"the body must be a JSON object, not a {type(body).__name__}")
    return body


def check(body: dict, spec: dict, what: str) -> dict:
    """The fields of `body` checked against `spec`, converted; unknown or missing ones refused."""
    unknown = sorted(set(body) - set(spec))
    if unknown:
        raise BadRequest(f"{what}: unknown field {unknown[0]!r}; known: {', '.join(spec) or 'none'}")
    missing = [name for name, (_, required) in spec.items() if required and name not in body]
    if missing:
        raise BadRequest(f"{what}: field {missing[0]!r} is missing")
    return {name: spec[name][0](name, value) for name, value in body.items()}


def check_fault(body: dict) -> tuple[str, dict]:
    """(kind, its arguments) from a fault request body."""
    if "kind" not in body:
        raise BadRequest(f"field 'kind' is missing; one of: {', '.join(FAULT_FIELDS)}")
    kind = _text("kind", body["kind"])
    if kind not in FAULT_FIELDS:
        raise BadRequest(f"unknown fault {kind!r}; known: {', '.join(FAULT_FIELDS)}")
    args = {k: v for k, v in body.items() if k != "kind"}
    return kind, check(args, FAULT_FIELDS[kind], f"fault {kind!r}")
