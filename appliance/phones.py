"""Phone numbers as the appliance keeps them: E.164 ("+819012345678")."""
from __future__ import annotations

import unicodedata

import phonenumbers


def e164(number: str, region: str = "JP") -> str | None:
    """The E.164 form of a number as a modem or a person writes it; None when it is not a
    possible number (an alphanumeric sender such as "SoftBank" stays as it is)."""
    text = unicodedata.normalize("NFKC", number or "").strip()
    if not text:
        return None
    if not any(ch.isdigit() for ch in text):
        return text
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
