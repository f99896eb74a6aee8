"""Properties: any text survives encode -> decode -> join by sequence number; decoding garbage
raises PduError and nothing else. Then the splitting rules at their boundaries, the encoding
options, timestamps, validity periods and TP-Status groups."""
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from modem.pdu import (PduError, decode, decode_timestamp, encode_deliver, encode_status_report,
                       encode_submit, encode_timestamp, split_text, status_group, text_info)
from modem.pdu.gsm7 import DEFAULT_ALPHABET, DEFAULT_EXTENSION

JST = timezone(timedelta(hours=9))
SCTS_TIME = datetime(2024, 1, 2, 3, 4, 5, tzinfo=JST)
GSM_CHARS = DEFAULT_ALPHABET.replace("\x1b", "") + "".join(DEFAULT_EXTENSION.values())
SPICE = "€[]{}~^|\\\f😀𠮷👍🏽é日本語ｶﾀｶﾅ\u200d\ufeff\x00"
CHAR = st.one_of(
    st.characters(exclude_categories=("Cs",)),
    st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF, exclude_categories=("Cs",)),
    st.sampled_from(GSM_CHARS), st.sampled_from(SPICE))
SLOW = settings(deadline=None, max_examples=150,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def texts(draw, chars=None):
    """Text that takes 1 to 10 parts, each count about equally likely: random chunks repeated
    to past 10 parts, cut after a drawn number of parts, the last part cut at a drawn length."""
    if chars is None:
        chars = draw(st.sampled_from([CHAR, st.sampled_from(GSM_CHARS)]))
    chunks = draw(st.lists(st.text(chars, min_size=1, max_size=40), min_size=1, max_size=8))
    raw = "".join(chunks)
    while len(raw) < 1600:
        raw += "".join(chunks)
    parts = split_text(raw, max_parts=10**4)[:draw(st.integers(1, 10))]
    last = parts.pop()
    return "".join(parts) + last[:draw(st.integers(1, len(last)))]


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
    raw = bytes.fromhex(pdus[0].hex)
    assert raw[-141] == 7 + 152   # TP-UDL: 7 header septets + 152 (no lone ESC), in 140 octets
    assert [decode(p.hex).text for p in pdus] == ["a" * 152, "€" + "b" * 10]


def test_split_text_forced_encodings():
    assert split_text("a" * 140, encoding="8bit") == ["a" * 140]
    assert split_text("a" * 141, encoding="8bit") == ["a" * 134, "a" * 7]
    with pytest.raises(PduError, match="GSM 7-bit"):
        split_text("日本", encoding="gsm7")
    with pytest.raises(PduError, match="unknown encoding"):
        split_text("x", encoding="utf8")


# --- encoding options ------------------------------------------------------------------------


def test_alphanumeric_sender_round_trip():
    [pdu] = encode_deliver("TOKUSOKU", "ご入金ありがとうございます", SCTS_TIME)
    raw = bytes.fromhex(pdu.hex)
    assert raw[2:4] == bytes((14, 0xD0))          # 8 septets = 56 bits = 14 semi-octets
    msg = decode(raw)
    assert (msg.sender, msg.text, msg.encoding) == ("TOKUSOKU", "ご入金ありがとうございます",
                                                    "ucs2")
    assert decode(encode_deliver("Shop-Tokyo1", "x", SCTS_TIME)[0].hex).sender == "Shop-Tokyo1"
    with pytest.raises(PduError, match="more than 11"):
        encode_deliver("TOKUSOKU-JAPAN", "x", SCTS_TIME)


@pytest.mark.parametrize("address", ["", "090-1234-5678", "+", "1" * 21])
def test_addresses_that_cannot_be_encoded(address):
    with pytest.raises(PduError):
        encode_submit(address, "x")


def test_submit_options_reach_the_pdu():
    [pdu] = encode_submit("+819012345678", "hi", reference=5, status_report=True,
                          reject_duplicates=True, validity=timedelta(minutes=7),
                          message_class=0)
    raw = bytes.fromhex(pdu.hex)
    assert raw[:3] == bytes((0x00, 0x35, 5))     # SRR | VPF relative | RD | SUBMIT
    msg = decode(raw)
    assert (msg.status_report_request, msg.reject_duplicates, msg.reference) == (True, True, 5)
    assert (msg.validity, msg.dcs, msg.message_class) == (timedelta(minutes=10), 0x10, 0)
    absolute = decode(encode_submit("+8190", "x", validity=SCTS_TIME)[0].hex)
    assert absolute.validity == SCTS_TIME


def test_multipart_submit_references_and_udh():
    pdus = encode_submit("+819012345678", "あ" * 100, reference=255, concat_ref=0x1AB)
    messages = [decode(p.hex) for p in pdus]
    assert [m.reference for m in messages] == [255, 0]
    assert [m.udh.hex() for m in messages] == ["050003ab0201", "050003ab0202"]
    assert bytes.fromhex(pdus[0].hex)[1] == 0x41   # UDHI | SUBMIT


@pytest.mark.parametrize("kwargs", [
    {"reference": 256}, {"validity": timedelta(weeks=64)}, {"validity": timedelta(-1)},
    {"message_class": 4}, {"encoding": "utf8"}, {"smsc": "SMSC"}, {"max_parts": 0},
    {"encoding": "8bit", "text": "日本"}, {"encoding": "gsm7", "text": "日本"},
    {"text": "\ud800"}])
def test_submit_options_that_cannot_be_encoded(kwargs):
    kwargs = {"text": "hi", **kwargs}
    with pytest.raises(PduError):
        encode_submit("+819012345678", kwargs.pop("text"), **kwargs)


def test_8bit_submit():
    msg = decode(encode_submit("+8190", "Hello\xff", encoding="8bit")[0].hex)
    assert (msg.encoding, msg.dcs, msg.data, msg.text) == ("8bit", 0x04, b"Hello\xff",
                                                           "Hello\xff")


# --- timestamps, validity, status reports ----------------------------------------------------


@pytest.mark.parametrize("minutes, tz_octet", [
    (9 * 60, 0x63), (-60, 0x48), (5 * 60 + 45, 0x32), (-(3 * 60 + 30), 0x49), (0, 0x00),
    (-5 * 60, 0x0A), (19 * 60 + 45, 0x97), (-(19 * 60 + 45), 0x9F)],
    ids=["+09:00", "-01:00", "+05:45", "-03:30", "UTC", "-05:00", "+19:45", "-19:45"])
def test_timestamp_time_zones_in_quarter_hours_with_sign_bit(minutes, tz_octet):
    moment = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(minutes=minutes)))
    octets = encode_timestamp(moment)
    assert octets[:6].hex() == "421020304050" and octets[6] == tz_octet
    back = decode_timestamp(octets)
    assert back == moment and back.utcoffset() == moment.utcoffset()


@pytest.mark.parametrize("moment", [
    datetime(2024, 1, 2), datetime(2024, 1, 2, tzinfo=timezone(timedelta(minutes=7))),
    datetime(1999, 12, 31, tzinfo=JST), datetime(2100, 1, 1, tzinfo=JST),
    datetime(2024, 1, 2, tzinfo=timezone(timedelta(hours=20)))],
    ids=["naive", "7min", "1999", "2100", "+20h"])
def test_timestamp_that_cannot_be_encoded(moment):
    with pytest.raises(PduError):
        encode_timestamp(moment)


@pytest.mark.parametrize("status, group", [
    (0x00, "delivered"), (0x01, "delivered"), (0x02, "delivered"), (0x1F, "delivered"),
    (0x20, "pending"), (0x25, "pending"), (0x30, "pending"), (0x3F, "pending"),
    (0x40, "failed"), (0x46, "failed"), (0x60, "failed"), (0x63, "failed"), (0x7F, "failed"),
    # §9.2.3.15: reserved values are read as "Service Rejected" (0x63)
    (0x03, "failed"), (0x0F, "failed"), (0x26, "failed"), (0x4A, "failed"), (0x6F, "failed"),
    (0x80, "failed"), (0xFF, "failed")])
def test_status_group(status, group):
    assert status_group(status) == group
    pdu = encode_status_report("+819012345678", 42, status, SCTS_TIME,
                               SCTS_TIME + timedelta(seconds=30), smsc="+819012000000")
    msg = decode(pdu.hex)
    assert (msg.type, msg.status, msg.reference, msg.recipient) == (
        "status-report", status, 42, "+819012345678")
    assert msg.discharge_time == SCTS_TIME + timedelta(seconds=30) and msg.warnings == []
    assert (msg.delivered, msg.temporary, msg.permanent) == (
        group == "delivered", group == "pending", group == "failed")


@pytest.mark.parametrize("status", [-1, 256])
def test_status_group_rejects_non_octets(status):
    with pytest.raises(PduError):
        status_group(status)


@pytest.mark.parametrize("octet, period", [
    (0, timedelta(minutes=5)), (143, timedelta(hours=12)), (144, timedelta(hours=12.5)),
    (167, timedelta(hours=24)), (168, timedelta(days=2)), (196, timedelta(days=30)),
    (197, timedelta(weeks=5)), (255, timedelta(weeks=63))])
def test_relative_validity_boundaries(octet, period):
    # §9.2.3.12.1: 5-minute steps, then 30 minutes, days and weeks
    from modem.pdu.timestamp import decode_relative_validity, encode_relative_validity
    assert decode_relative_validity(octet) == period
    assert encode_relative_validity(period) == octet
    assert encode_relative_validity(period - timedelta(seconds=1)) == octet   # rounds up


def assert_split_by_slices_agrees(text: str, encoding: str) -> None:
    from modem.pdu.calculator import _chunks, _greedy_chunks
    try:
        expected = _greedy_chunks(text, encoding)
    except PduError:
        with pytest.raises(PduError):
            _chunks(text, encoding)
        return
    assert _chunks(text, encoding) == expected


@SLOW
@given(text=texts(), encoding=st.sampled_from(["gsm7", "ucs2", "8bit"]))
def test_splitting_by_slices_agrees_with_the_greedy_split(text, encoding):
    """Text whose every character takes one unit is cut by slicing (the fast path of reminder
    ticks); it must cut exactly where the greedy character-by-character split does, and refuse
    what it refuses."""
    assert_split_by_slices_agrees(text, encoding)


@pytest.mark.parametrize("text", ["ａ" * 71, "￥１２，０００" * 12, "\ue000" * 70, "ÿ" * 141, "a\ud800b"])
@pytest.mark.parametrize("encoding", ["gsm7", "ucs2", "8bit"])
def test_splitting_by_slices_at_the_edges_of_one_unit(text, encoding):
    assert_split_by_slices_agrees(text, encoding)
