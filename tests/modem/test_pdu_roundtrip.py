"""Properties: any text survives encode -> decode -> join by sequence number; decoding garbage
raises PduError and nothing else. Then the splitting rules at their boundaries."""
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from modem.pdu import (PduError, decode, encode_deliver, encode_submit, split_text,
                       text_info)
from modem.pdu.gsm7 import DEFAULT_ALPHABET, DEFAULT_EXTENSION

GSM_CHARS = DEFAULT_ALPHABET.replace("\x1b", "") + "".join(DEFAULT_EXTENSION.values())
SPICE = "€[]{}~^|\\\f😀𠮷👍🏽é日本語ｶﾀｶﾅ\u200d\ufeff\x00"
CHAR = st.one_of(
    st.characters(exclude_categories=("Cs",)),
    st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF, exclude_categories=("Cs",)),
    st.sampled_from(GSM_CHARS), st.sampled_from(SPICE))
SLOW = settings(deadline=None, max_examples=150,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def texts(draw, chars=CHAR):
    """Text that takes 1 to 10 parts, each count about equally likely."""
    raw = "".join(draw(st.lists(st.text(chars, max_size=120), max_size=16)))
    parts = split_text(raw, max_parts=1000)
    return "".join(parts[:draw(st.integers(1, 10))])


NUMBERS = st.from_regex(r"\+?[0-9]{1,20}", fullmatch=True)
ALNUM = st.from_regex(r"[A-Za-z][A-Za-z0-9 ]{0,10}", fullmatch=True)
ZONES = st.integers(-79, 79).map(lambda q: timezone(timedelta(minutes=15 * q)))
MOMENTS = st.builds(lambda dt, tz: dt.replace(tzinfo=tz),
                    st.datetimes(datetime(2000, 1, 2), datetime(2099, 12, 30)), ZONES
                    ).map(lambda dt: dt.replace(microsecond=0))


def _joined(pdus, expected_parts: int) -> tuple[str, list]:
    """Decode every PDU, check the concatenation IEs, return the text joined by seq."""
    messages = [decode(pdu.hex) for pdu in pdus]
    assert len(messages) == expected_parts
    for pdu, msg in zip(pdus, messages):
        assert msg.warnings == [] and msg.text == pdu.text
        assert pdu.tpdu_length == len(bytes.fromhex(pdu.hex)) - 1 - bytes.fromhex(pdu.hex)[0]
    if expected_parts == 1:
        assert messages[0].concat is None
        return messages[0].text, messages
    concats = [msg.concat for msg in messages]
    assert {c.ref for c in concats} == {concats[0].ref} and {c.total for c in concats} == {
        expected_parts}
    ordered = sorted(messages, key=lambda msg: msg.concat.seq)
    assert [msg.concat.seq for msg in ordered] == list(range(1, expected_parts + 1))
    return "".join(msg.text for msg in ordered), messages


@SLOW
@given(text=texts(), recipient=NUMBERS, ref=st.integers(0, 255), reference=st.integers(0, 255))
def test_submit_roundtrip_any_text(text, recipient, ref, reference):
    pdus = encode_submit(recipient, text, concat_ref=ref, reference=reference,
                         smsc="+819000000000")
    joined, messages = _joined(pdus, text_info(text).parts)
    assert joined == text
    assert all(m.recipient == recipient and m.smsc == "+819000000000" for m in messages)
    assert [m.reference for m in messages] == [(reference + i) % 256 for i in range(len(pdus))]


@SLOW
@given(text=texts(), sender=st.one_of(NUMBERS, ALNUM), moment=MOMENTS)
def test_deliver_roundtrip_any_text(text, sender, moment):
    pdus = encode_deliver(sender, text, moment, concat_ref=0x5A)
    joined, messages = _joined(pdus, text_info(text).parts)
    assert joined == text
    for msg in messages:
        assert msg.sender == sender and msg.timestamp == moment
        assert msg.timestamp.utcoffset() == moment.utcoffset()


@SLOW
@given(text=texts(st.sampled_from(GSM_CHARS)))
def test_gsm_text_forced_to_ucs2_roundtrips(text):
    assume(text_info(text).units <= 670)
    pdus = encode_submit("0312345678", text, encoding="ucs2")
    assert all(decode(p.hex).encoding == "ucs2" for p in pdus)
    assert "".join(decode(p.hex).text for p in pdus) == text


def _only_pdu_errors(pdu) -> None:
    try:
        msg = decode(pdu)
    except PduError:
        return
    assert msg.type in ("deliver", "submit", "status-report")
    text = getattr(msg, "text", "")
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


@settings(max_examples=1500, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_raise_only_pdu_error(raw):
    _only_pdu_errors(raw)
    _only_pdu_errors(raw.hex())


@settings(max_examples=500, deadline=None)
@given(st.text("0123456789abcdefABCDEF \t\"'xg", max_size=120), st.booleans())
def test_random_hex_text_raises_only_pdu_error(text, included):
    try:
        decode(text, smsc_included=included)
    except PduError:
        pass


@st.composite
def mutated_pdus(draw):
    text = draw(st.text(CHAR, max_size=200))
    if draw(st.booleans()):
        pdus = encode_submit(draw(NUMBERS), text, validity=timedelta(days=2),
                             status_report=True)
    else:
        pdus = encode_deliver(draw(st.one_of(NUMBERS, ALNUM)), text, draw(MOMENTS))
    raw = bytearray(bytes.fromhex(draw(st.sampled_from(pdus)).hex))
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        pos = draw(st.integers(0, max(0, len(raw) - 1)))
        if action == "flip" and raw:
            raw[pos] ^= 1 << draw(st.integers(0, 7))
        elif action == "cut":
            raw = raw[:pos]
        elif action == "insert":
            raw.insert(pos, draw(st.integers(0, 255)))
        elif raw:
            del raw[pos]
    return bytes(raw)


@settings(max_examples=1500, deadline=None)
@given(mutated_pdus(), st.booleans())
def test_mutated_valid_pdus_raise_only_pdu_error(raw, included):
    try:
        decode(raw, smsc_included=included)
    except PduError:
        pass


# --- splitting at the boundaries -------------------------------------------------------------

JA = "あいうえおかきくけこ"


def _ja(count: int) -> str:
    return (JA * (count // len(JA) + 1))[:count]


@pytest.mark.parametrize("count, parts, per_part, remaining", [
    (70, 1, 70, 0), (71, 2, 67, 63), (670, 10, 67, 0)])
def test_japanese_text_part_counts(count, parts, per_part, remaining):
    text = _ja(count)
    info = text_info(text)
    assert (info.encoding, info.characters, info.units) == ("ucs2", count, count)
    assert (info.parts, info.per_part, info.remaining, info.fits) == (
        parts, per_part, remaining, True)
    pdus = encode_submit("+819012345678", text)
    assert len(pdus) == parts and "".join(p.text for p in pdus) == text
    assert all(len(p.text) <= per_part for p in pdus)


def test_japanese_671_characters_is_too_long():
    text = _ja(671)
    info = text_info(text)
    assert (info.parts, info.per_part, info.remaining, info.fits) == (11, 67, 66, False)
    with pytest.raises(PduError, match=r"671 characters.*11 parts.*max_parts=10"):
        encode_submit("+819012345678", text)
    with pytest.raises(PduError, match="max_parts=10"):
        split_text(text)
    assert len(encode_submit("+819012345678", text, max_parts=11)) == 11


@pytest.mark.parametrize("text, info", [
    ("", ("gsm7", 0, 0, 1, 160, 160)),
    ("a" * 160, ("gsm7", 160, 160, 1, 160, 0)),
    ("a" * 161, ("gsm7", 161, 161, 2, 153, 145)),
    ("€" * 80, ("gsm7", 80, 160, 1, 160, 0)),
    ("😀" * 35, ("ucs2", 35, 70, 1, 70, 0)),
    ("😀" * 36, ("ucs2", 36, 72, 2, 67, 61)),  # 33 pairs (66 units) fill part 1
], ids=["empty", "160a", "161a", "80euro", "35emoji", "36emoji"])
def test_text_info_counts(text, info):
    got = text_info(text)
    assert (got.encoding, got.characters, got.units, got.parts, got.per_part,
            got.remaining) == info


def test_emoji_at_part_boundary_is_not_split():
    text = "あ" * 66 + "😀" + "い" * 10       # the pair would take units 67 and 68
    pdus = encode_submit("+819012345678", text)
    assert [p.text for p in pdus] == ["あ" * 66, "😀" + "い" * 10]
    first = decode(pdus[0].hex)
    assert first.data == ("あ" * 66).encode("utf-16-be") and first.warnings == []
    assert text_info(text).parts == 2


def test_euro_escape_is_not_split_at_153_septets():
    text = "a" * 152 + "€" + "b" * 10        # ESC would be septet 153, 0x65 septet 154
    pdus = encode_submit("+819012345678", text)
    assert [p.text for p in pdus] == ["a" * 152, "€" + "b" * 10]
    assert bytes.fromhex(pdus[0].hex)[-(1 + 133)] == 7 + 152   # UDL: header septets + text
    assert [decode(p.hex).text for p in pdus] == ["a" * 152, "€" + "b" * 10]


def test_split_text_forced_encodings():
    assert split_text("a" * 140, encoding="8bit") == ["a" * 140]
    assert split_text("a" * 141, encoding="8bit") == ["a" * 134, "a" * 7]
    with pytest.raises(PduError, match="GSM 7-bit"):
        split_text("日本", encoding="gsm7")
    with pytest.raises(PduError, match="unknown encoding"):
        split_text("x", encoding="utf8")
