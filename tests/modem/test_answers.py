"""Answer parsing against the real modem answers in ../shared/testdata/modem-transcripts (read in place)."""
import re

import pytest

from modem import answers
from tests.conftest import testdata_path as shared


def dump_lines(name: str, prefix: str) -> dict[str, str]:
    """{section name: its first line starting with prefix} of a gammu-style transcript."""
    text = shared("modem-transcripts", name).read_text(encoding="utf-8")
    found = {}
    for section, body in re.findall(r"=== (.+?) ===\n(.*?)(?=\n=== |\Z)", text, re.S):
        for line in body.splitlines():
            if line.startswith(prefix):
                found[section] = line
                break
    return found


CPMS_EXPECTED = {
    "at-cpms/alcatel-s320.dump": ("SM", "SM", "SM"),
    "at-cpms/brovi-e3372-325.dump": ("SM", "SM", "SM"),
    "at-cpms/samsung-j700.dump": None,
    "at-cpms/generic.dump": ("SM", "SM", "SM"),
    "at-cpms-sm/iwow.dump": ("SM", "SM", "SM"),
    "at-cpms-sr/generic.dump": ("ME", "ME", "ME"),
}


def test_storages_chosen_from_every_cpms_shape():
    lines = dump_lines("02-gammu-cpms-variants.txt", "+CPMS:")
    assert set(lines) == set(CPMS_EXPECTED)
    for section, line in lines.items():
        assert answers.choose_storages(answers.storage_choices([line])) == CPMS_EXPECTED[section], section


@pytest.mark.parametrize("line, expected", [
    ('+CPMS: (("SM","BM","SR"),("SM"))', ("SM", "SM", "SM")),               # TM-09 Wavecom
    ('+CPMS: ("ME","MT"),("ME","SM","MT"),("SM","MT")', ("MT", "MT", "MT")),  # TM-16 Cinterion
    ('+CPMS: ("ME","SR"),("ME","SM"),("SM")', ("ME", "ME", "SM")),          # none for both: read both
    ('+CPMS: "ME","MT","SM"', ("SM", "SM", "SM")),                           # TM-16 Huawei MU609
    ("+CPMS: (),(),()", None),                                              # TM-16 Nokia C6
])
def test_storages_from_other_transcripts(line, expected):
    assert answers.choose_storages(answers.storage_choices([line])) == expected


def test_received_messages_are_read_where_they_are_stored():
    """TS 27.005 §3.2.2: mem3 receives, mem1 is read; one storage for both whenever offered."""
    for line in dump_lines("02-gammu-cpms-variants.txt", "+CPMS:").values():
        chosen = answers.choose_storages(answers.storage_choices([line]))
        assert chosen is None or chosen[0] == chosen[2], line


@pytest.mark.parametrize("line, expected", [
    ('+CPMS: "ME",1,100,"SM",0,50,"SM",2,50', ("ME", "SM", "SM")),
    ('+CPMS: "SM",3,50', ("SM", "SM", "SM")),
])
def test_storages_in_use(line, expected):
    assert answers.current_storages([line]) == expected


def test_cnmi_chosen_from_what_is_offered():
    lines = dump_lines("06-gammu-cnmi-test-answers.txt", "+CNMI")
    assert {k: answers.choose_cnmi([v]) for k, v in lines.items()} == {
        "at-cnmi/01.dump": "2,1,0,1,0",      # (2),(0-1,3),(0,2),(0-1),(0): no ds=2, so +CDS
        "at-cnmi/02.dump": "2,1,0,1,0",
        "at-cnmi/03.dump": "2,1,0,1,0",
    }


def test_smsc_also_when_ucs2_encoded():
    lines = dump_lines("04-gammu-csca-variants.txt", "+CSCA:")
    assert {k: answers.smsc([v]) for k, v in lines.items()} == {
        "at-smsc/01.dump": "+97254120032", "at-smsc/02.dump": "+79168999100",
        "at-smsc/03.dump": "6281100000", "at-smsc/05.dump": "+447802092035"}


def test_registration_in_every_shape():
    lines = dump_lines("03-gammu-creg-variants.txt", "+CREG:")
    assert {k: answers.registration([v], "+CREG") for k, v in lines.items()} == {
        "at-creg/huawei.dump": 1, "at-creg/siemens.dump": 1, "at-creg/sierra312u.dump": 5,
        "at-creg/telit.dump": 1, "at-creg/none.dump": 0}
    assert answers.registration([], "+CREG") is None                        # at-creg/empty.dump
    assert answers.registration(['+CREG: 1,"1A2B","01C3D4E5",7'], "+CREG", unsolicited=True) == 1


@pytest.mark.parametrize("line, dbm", [("+CSQ: 18,99", -77), ("+CSQ:4,0", -105), ("+CSQ: 99,99", None),
                                       ("+CSQ: 31,99", -51), ("+CSQ: 0,99", -113)])
def test_signal(line, dbm):
    assert answers.signal([line]) == dbm                                    # TM-15 shapes


@pytest.mark.parametrize("line, name", [('+COPS: 0,0,"MTN",2', "MTN"), ('+COPS: 0,0,"I OMNITEL"', "I OMNITEL"),
                                        ("+COPS: 0", None)])
def test_operator(line, name):
    assert answers.operator([line]) == name


def test_identity_lines_trimmed():
    assert answers.identity_line([" MULTIBAND  900E  1800 "]) == "MULTIBAND  900E  1800"   # TM-05
    assert answers.identity_line(["+CGMM: EC25"]) == "EC25"
