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


def is_japanese_number(text: str) -> bool:
    """A number a customer in Japan can call, as written on an invoice: 03-1234-5678,
    0120-123-456, 090-1234-5678, +81 3-1234-5678 (full-width digits too)."""
    try:
        parsed = phonenumbers.parse(unicodedata.normalize("NFKC", text or "").strip(), "JP")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number_for_region(parsed, "JP")


def national(number: str) -> str:
    """+819012340001 -> 090-1234-0001, as it is written in a Japanese spreadsheet."""
    return phonenumbers.format_number(phonenumbers.parse(number), phonenumbers.PhoneNumberFormat.NATIONAL)
