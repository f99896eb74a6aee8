"""The shared real-world PDUs (../shared/testdata/pdu/vectors.json) decode to the values their
sources assert, and SUBMITs re-encode byte for byte; then our own vectors, built by hand from
3GPP TS 23.040 / TS 23.038."""
import json
import re
from datetime import datetime, timedelta, timezone

import pytest

from modem.pdu import (Concat, PduError, decode, decode_timestamp, encode_deliver,
                       encode_status_report, encode_submit, status_group)
from modem.pdu.userdata import encode_user_data, make_dcs
from tests.conftest import TESTDATA
from tests.conftest import testdata_path as shared_data  # a "test*" name would be collected

VECTORS_FILE = TESTDATA / "pdu" / "vectors.json"
VECTORS = json.loads(VECTORS_FILE.read_text("utf-8")) if VECTORS_FILE.exists() else []
# Vectors whose PDU is known to be malformed: a warning containing this text must be given.
KNOWN_MALFORMED = {7: "TP-UDL 160 needs 160 octets", 28: "without an SMSC part"}
ISO = datetime.fromisoformat


def _ids(vectors):
    return [f"{i:02d}-{v['kind']}-{v['source'].split(':')[0]}" for i, v in enumerate(vectors)]


def _index(request):
    return int(request.node.callspec.id[:2])


def _vectors():
    """The vectors as parameters; a single None when the shared data is absent (the tests
    then skip through testdata_path, which says why)."""
    if not VECTORS:
        return [pytest.param(None, id="shared-vectors")]
    return [pytest.param(v, id=i) for v, i in zip(VECTORS, _ids(VECTORS))]


def _same_moment(actual: datetime, expected: str) -> None:
    """Same instant and same UTC offset as the ISO text."""
    want = ISO(expected)
    assert actual == want and actual.utcoffset() == want.utcoffset(), (actual, want)


def _duration(text: str) -> timedelta:
    count, unit = re.fullmatch(r"(\d+) (minutes|hours|days|weeks)", text).groups()
    return timedelta(**{unit: int(count)})


def _number(actual: str, expected: str, vector: dict) -> None:
    # ofono's unit tests mostly keep the digits without '+' and assert the TON separately.
    if "ofono" in vector["source"] and not expected.startswith("+"):
        actual = actual.removeprefix("+")
    assert actual == expected


def _address(key):
    def check(msg, want, vector):
        if want is None or str(want).startswith("absent"):
            assert getattr(msg, key) is None
        else:
            _number(getattr(msg, key), want, vector)
    return check


def _ton(key):
    def check(msg, want, vector):
        value = getattr(msg, key)
        assert {"international": value.startswith("+"),
                "alphanumeric": not re.fullmatch(r"\+?[0-9*#]+", value)}[want]
    return check


def _status(msg, want, vector):
    if isinstance(want, int):
        assert msg.status == want
    else:  # prose such as "delivered (smslib asserts ...)"
        assert status_group(msg.status) == want.split()[0]


def _concat(msg, want, vector):
    assert msg.concat == Concat(ref=want["ref"], total=want["parts"], seq=want["seq"],
                                ref_bits=want["ref_bits"])


def _multipart(msg, want, vector):
    assert (msg.concat is not None and msg.concat.total > 1) is want


def _scts_fields(msg, want, vector):
    assert msg.timestamp.strftime("%y-%m-%d %H:%M:%S") == want


def _quarters(msg, want, vector):
    assert msg.timestamp.utcoffset() == timedelta(minutes=15 * want)


def _udl(msg, want, vector):
    assert encode_user_data(msg.text, msg.encoding, msg.udh)[0] == want


def _turkish_shift(msg, want, vector):
    assert "Turkish" in want["single_shift"] and b"\x24\x01\x01" in msg.udh


def _source_recipient(msg, want, vector):
    # The source prints semi-octet 1011 as hex 'b'; TS 23.040 §9.1.2.3 says it is '#'.
    assert msg.recipient == want.replace("b", "#")


def _equal(attribute, convert=lambda want: want):
    def check(msg, want, vector):
        assert getattr(msg, attribute) == convert(want)
    return check


def _moment(attribute):
    return lambda msg, want, vector: _same_moment(getattr(msg, attribute), want)


def _naive(attribute, utc=False):
    def check(msg, want, vector):
        value = getattr(msg, attribute)
        value = value.astimezone(timezone.utc) if utc else value   # else the local time
        assert value.replace(tzinfo=None) == ISO(want)
    return check


def _epoch_ms(attribute):
    def check(msg, want, vector):
        assert round(getattr(msg, attribute).timestamp() * 1000) == want
    return check


# How each expect key of vectors.json is checked; an unknown key fails the test.
CHECKS = {
    "smsc": _address("smsc"), "sender": _address("sender"),
    "recipient": _address("recipient"), "recipient_matches": _address("recipient"),
    "smsc_ton": _ton("smsc"), "sender_ton": _ton("sender"),
    "text": _equal("text"), "encoding": _equal("encoding", lambda want: want.split()[0]),
    "pid": _equal("pid"), "dcs": _equal("dcs"), "message_class": _equal("message_class"),
    "message_reference": _equal("reference"), "status": _status,
    "delivered": _equal("delivered"),
    "timestamp": _moment("timestamp"), "scts": _moment("timestamp"),
    "discharge": _moment("discharge_time"), "validity_absolute": _moment("validity"),
    "timestamp_utc_naive": _naive("timestamp", utc=True),
    "scts_naive": _naive("timestamp"), "discharge_naive": _naive("discharge_time"),
    "scts_epoch_ms": _epoch_ms("timestamp"), "discharge_epoch_ms": _epoch_ms("discharge_time"),
    "scts_fields": _scts_fields, "timezone_quarters": _quarters,
    "validity_relative": _equal("validity", _duration),
    "status_report_requested": _equal("status_report_request"),
    "reject_duplicates": _equal("reject_duplicates"),
    "udh_concat": _concat,
    "multipart": _multipart,
    "udl": _udl, "national_language": _turkish_shift,
    "recipient_as_decoded_by_source": _source_recipient,
}


@pytest.mark.parametrize("vector", _vectors())
def test_shared_vector_decodes_to_expected_values(vector, request):
    shared_data("pdu", "vectors.json")
    tpdu_only = str(vector["expect"].get("smsc", "")).startswith("absent")
    msg = decode(vector["pdu"], smsc_included=not tpdu_only)
    assert msg.type == vector["kind"]
    for key, want in vector["expect"].items():
        if key not in CHECKS:
            pytest.fail(f"expect key {key!r} is not interpreted by this test")
        CHECKS[key](msg, want, vector)
    malformed = KNOWN_MALFORMED.get(_index(request))
    if malformed and not tpdu_only:
        assert any(malformed in w for w in msg.warnings), msg.warnings
    else:
        assert msg.warnings == []


def test_tpdu_only_vector_also_decodes_with_default_options():
    shared_data("pdu", "vectors.json")
    vector = next((v for v in VECTORS if str(v["expect"].get("smsc")).startswith("absent")),
                  None)
    if vector is None:
        pytest.skip("no TPDU-only vector in the shared data")
    msg = decode(vector["pdu"])
    assert msg.smsc is None and msg.recipient == vector["expect"]["recipient_matches"]
    assert any("without an SMSC part" in w for w in msg.warnings)


def _reencode_obstacle(raw: bytes, msg) -> str | None:
    """Why encode_submit cannot reproduce this SUBMIT, judged from the PDU alone."""
    smsc_len = raw[0]
    toas = ([raw[1]] if smsc_len else []) + [raw[smsc_len + 4]]
    if msg.warnings:
        return f"malformed PDU ({msg.warnings[-1]})"
    if msg.concat is not None:
        return "a single part of a multipart message"
    if any(toa not in (0x91, 0x81, 0xD0) for toa in toas):
        return f"type of address {[hex(t) for t in toas]}: encode_submit writes 0x91/0x81/0xD0"
    if msg.pid != 0 or msg.dcs != make_dcs(msg.encoding, msg.message_class):
        return f"PID {msg.pid:#04x} / DCS {msg.dcs:#04x} not produced by encode_submit"
    return None


@pytest.mark.parametrize("vector", [p for p in _vectors()
                                    if p.values[0] is None or p.values[0]["kind"] == "submit"])
def test_shared_submit_reencodes_byte_identically(vector, request):
    shared_data("pdu", "vectors.json")
    raw = bytes.fromhex(vector["pdu"])
    msg = decode(raw)
    obstacle = _reencode_obstacle(raw, msg)
    if obstacle:
        pytest.skip(f"vector {request.node.callspec.id}: not reproducible with encode_submit: "
                    f"{obstacle}")
    [pdu] = encode_submit(msg.recipient, msg.text, smsc=msg.smsc, reference=msg.reference,
                          status_report=msg.status_report_request, validity=msg.validity,
                          encoding=msg.encoding, message_class=msg.message_class,
                          reject_duplicates=msg.reject_duplicates)
    assert pdu.hex == vector["pdu"].upper()
    assert pdu.tpdu_length == len(raw) - 1 - raw[0]


# --- our own vectors, built by hand from TS 23.040 / TS 23.038 --------------------------------

JST = timezone(timedelta(hours=9))
SCTS_HEX = "42102030405063"                      # 2024-01-02 03:04:05 +09:00 (36 quarters)
SCTS_TIME = datetime(2024, 1, 2, 3, 4, 5, tzinfo=JST)
OA_HEX = "0C91819021436587"                      # +819012345678


def _deliver_hex(dcs: int, udl: int, ud: str, first: int = 0x04) -> str:
    return f"00{first:02X}{OA_HEX}00{dcs:02X}{SCTS_HEX}{udl:02X}{ud}"


def test_septet_packing_matches_the_standard_example():
    from modem.pdu.gsm7 import encode_septets, pack_septets
    assert pack_septets(encode_septets("hellohello")).hex().upper() == "E8329BFD4697D9EC37"


@pytest.mark.parametrize("octets", ["42312030405063", "421020304050A3", "4A102030405063",
                                    "421020304050"], ids=["month13", "tz-nibble", "digit-A",
                                                          "short"])
def test_timestamp_octets_that_are_no_date(octets):
    with pytest.raises(PduError):
        decode_timestamp(bytes.fromhex(octets))


def test_deliver_with_bad_timestamp_keeps_its_text():
    pdu = _deliver_hex(0x00, 5, "E8329BFD06").replace(SCTS_HEX, "42312030405063")
    msg = decode(pdu)
    assert msg.text == "hello" and "TP-SCTS" in msg.warnings[0]
    assert msg.timestamp.tzinfo is not None


def test_status_report_layout():
    pdu = encode_status_report("0312345678", 0xD6, 0x00, SCTS_TIME, SCTS_TIME)
    assert pdu.hex == "0006D60A813021436587" + SCTS_HEX * 2 + "00"
    assert pdu.tpdu_length == len(pdu.hex) // 2 - 1


@pytest.mark.parametrize("dcs, udl, ud, encoding, klass, text", [
    (0x10, 5, "E8329BFD06", "gsm7", 0, "hello"),        # general group, class 0 (flash)
    (0x48, 4, "306F3044", "ucs2", None, "はい"),          # 01xx automatic deletion, UCS-2
    (0x59, 4, "306F3044", "ucs2", 1, "はい"),             # 01xx with class 1
    (0xC0, 5, "E8329BFD06", "gsm7", None, "hello"),      # 1100 message waiting, discard
    (0xD8, 5, "E8329BFD06", "gsm7", None, "hello"),      # 1101 message waiting, store
    (0xE0, 4, "306F3044", "ucs2", None, "はい"),          # 1110 message waiting, UCS-2
    (0xF0, 5, "E8329BFD06", "gsm7", 0, "hello"),         # 1111 GSM 7-bit class 0
    (0xF6, 2, "0102", "8bit", 2, "\x01\x02"),            # 1111 8-bit class 2
], ids=["0x10", "0x48", "0x59", "0xC0", "0xD8", "0xE0", "0xF0", "0xF6"])
def test_dcs_groups(dcs, udl, ud, encoding, klass, text):
    msg = decode(_deliver_hex(dcs, udl, ud))
    assert (msg.encoding, msg.message_class, msg.text, msg.dcs) == (encoding, klass, text, dcs)
    assert msg.warnings == [] and msg.timestamp == SCTS_TIME
    assert msg.data == (b"" if encoding == "gsm7" else bytes.fromhex(ud))


@pytest.mark.parametrize("dcs, encoding", [(0x0C, "gsm7"), (0x80, "gsm7"), (0x24, "8bit")],
                         ids=["reserved-alphabet", "reserved-group", "compressed"])
def test_dcs_reserved_or_unsupported_warns(dcs, encoding):
    msg = decode(_deliver_hex(dcs, 5, "E8329BFD06"))
    assert msg.encoding == encoding and any("DCS" in w for w in msg.warnings)


def test_udh_16bit_concat_and_invalid_concat():
    msg = decode(_deliver_hex(0x08, 11, "0608041234030230C8", first=0x44)[:-4] + "306F")
    assert msg.concat == Concat(ref=0x1234, total=3, seq=2, ref_bits=16)
    assert msg.udh == bytes.fromhex("06080412340302")
    bad = decode(_deliver_hex(0x08, 8, "050003070300306F", first=0x44))
    assert bad.concat is None and "ignored" in bad.warnings[0] and bad.text == "は"


def _gsm_ud(header: bytes, septets: list[int]) -> tuple[int, str]:
    from modem.pdu.gsm7 import pack_septets
    fill = -len(header) * 8 % 7
    return (len(header) * 8 + fill) // 7 + len(septets), (header + pack_septets(
        septets, fill)).hex()


@pytest.mark.parametrize("header, septets, text, warned", [
    ("03250101", [0x07, 0x0B, 0x40, 0x60], "ıĞİç", False),    # Turkish locking shift A.3.1
    ("03240102", [0x1B, 0x09, 0x61], "ça", False),            # Spanish single shift A.2.2
    ("03240103", [0x1B, 0x5B, 0x1B, 0x65], "Ã€", False),      # Portuguese single shift A.2.3
    ("03250104", [0x61], "a", True),                          # Bengali: not carried
], ids=["turkish-locking", "spanish-shift", "portuguese-shift", "unsupported"])
def test_national_language_tables(header, septets, text, warned):
    udl, ud = _gsm_ud(bytes.fromhex(header), septets)
    msg = decode(_deliver_hex(0x00, udl, ud, first=0x44))
    assert msg.text == text and bool(msg.warnings) is warned


@pytest.mark.parametrize("septets, text, warned", [
    ([0x1B, 0x41, 0x62], "Ab", False),    # §6.2.1.1: undefined extension shows main table
    ([0x61, 0x1B, 0x1B, 0x62], "a b", False),  # ESC ESC is displayed as a space
    ([0x61, 0x1B], "a", True),            # lone trailing escape
], ids=["undefined-extension", "esc-esc", "trailing-esc"])
def test_escape_quirks(septets, text, warned):
    udl, ud = _gsm_ud(b"", septets)
    msg = decode(_deliver_hex(0x00, udl, ud))
    assert msg.text == text and bool(msg.warnings) is warned


def test_unpaired_surrogate_is_replaced_and_raw_data_kept():
    msg = decode(_deliver_hex(0x08, 6, "0041D83D0042"))
    assert msg.text == "A\ufffdB" and "unpaired surrogate" in msg.warnings[0]
    assert msg.data == bytes.fromhex("0041D83D0042")


def test_udl_longer_than_data_keeps_the_text():
    msg = decode(_deliver_hex(0x00, 10, "E8329BFD06"))
    assert msg.text == "hello" and "only 5 present" in msg.warnings[0]


def test_udh_overrunning_the_data_is_an_error():
    with pytest.raises(PduError, match="UDH length"):
        decode(_deliver_hex(0x08, 4, "0900030703", first=0x44))


def test_smsc_length_counted_in_digits_is_repaired():
    [pdu] = encode_deliver("+819012345678", "hello", SCTS_TIME, smsc="+819012000000")
    assert pdu.hex.startswith("07")
    msg = decode("0C" + pdu.hex[2:])          # 12 digits written where 7 octets belong
    assert (msg.smsc, msg.text) == ("+819012000000", "hello")
    assert "digit count" in msg.warnings[0]


def test_clean_reading_wins_over_one_with_warnings():
    # Read with an SMSC part, this TPDU gives an "SMSC" of 4 octets and a garbage SCTS
    # (warnings); read without, it is clean: the clean reading must be returned.
    [pdu] = encode_deliver("+819048", "a0€bccab", SCTS_TIME)
    tpdu = pdu.hex[2:]
    assert tpdu.startswith("04")
    msg = decode(tpdu)
    assert (msg.sender, msg.text, msg.timestamp) == ("+819048", "a0€bccab", SCTS_TIME)
    assert msg.warnings == ["PDU read without an SMSC part (none present)"]


def test_missing_smsc_octet():
    [pdu] = encode_deliver("+819012345678", "hello", SCTS_TIME)
    tpdu = pdu.hex[2:]
    assert decode(tpdu, smsc_included=False).warnings == []
    msg = decode(tpdu)
    assert (msg.sender, msg.text, msg.smsc) == ("+819012345678", "hello", None)
    assert "without an SMSC part" in msg.warnings[0]


@pytest.mark.parametrize("form", [
    lambda h: h.lower(), lambda h: f'"{h}"\r\n', lambda h: f"  {h[:10]} {h[10:]}\t",
    bytes.fromhex, lambda h: bytearray.fromhex(h)], ids=["lower", "quoted", "spaced", "bytes",
                                                        "bytearray"])
def test_input_forms(form):
    [pdu] = encode_deliver("+819012345678", "hello", SCTS_TIME)
    assert decode(form(pdu.hex)).text == "hello"


@pytest.mark.parametrize("bad", ["", "0", "zz", "0791", None, 1234, b""],
                         ids=["empty", "odd", "not-hex", "short", "None", "int", "no-bytes"])
def test_bad_input_raises_pdu_error(bad):
    with pytest.raises(PduError):
        decode(bad)


@pytest.mark.parametrize("first, more, sri", [(0x04, False, False), (0x00, True, False),
                                              (0x24, False, True), (0x20, True, True)])
def test_deliver_first_octet_flags(first, more, sri):
    # §9.2.3.2 TP-MMS is inverted: 0 means more messages are waiting; §9.2.3.4 TP-SRI bit 5
    msg = decode(_deliver_hex(0x00, 5, "E8329BFD06", first=first))
    assert (msg.more_messages, msg.status_report_indication) == (more, sri)
    [pdu] = encode_deliver("+8190", "x", SCTS_TIME, status_report_indication=sri)
    back = decode(pdu.hex)
    assert (back.status_report_indication, back.more_messages) == (sri, False)
