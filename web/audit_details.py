"""The detail of each audit record in words staff use, in the session's language.

Each action writes its detail in its own format (appliance/ and web/ write them); a detail
that does not have its action's format (older records, unknown actions) is shown as it is.
"""
from __future__ import annotations

import re

from web.filters import failure


def _send_failed(detail: str) -> str | None:
    """appliance.app: '{outbox id}: {str(error)}'."""
    match = re.fullmatch(r"(\d+): (.*)", detail, re.S)
    return f"#{match.group(1)}: {failure(match.group(2))}" if match else None


DESCRIBE = {"send.failed": _send_failed}


def describe(action: str, detail: str | None) -> str:
    """The record's detail for the audit page."""
    if not detail or action not in DESCRIBE:
        return detail or ""
    try:
        words = DESCRIBE[action](detail)
    except (ValueError, KeyError, TypeError):
        words = None
    return detail if words is None else words
