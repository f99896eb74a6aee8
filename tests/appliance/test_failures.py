"""Every stored send or modem error, as the real modem layer words it, has staff's words."""
import pytest

from appliance.failures import explain, failure_in_japanese
from modem.at.lines import error_for
from modem.at.codes import CME, CMS
from modem.device import SimLocked, SimNotReady
from modem.errors import AtTimeout, PortBusy, PortGone, SendFailed


def _cms(code):
    return str(error_for("AT+CMGS=153", f"+CMS ERROR: {code}"))


@pytest.mark.parametrize("stored, words", [
    (_cms(1), "この番号は使われていません"),
    (str(error_for("AT+CMGS=153", "+CMS ERROR: Unassigned (unallocated) number")), "この番号は使われていません"),
    (str(error_for("AT+CMGS=20", "+CMS ERROR: 330")), "SMSセンター番号が未設定です"),
    (str(error_for("AT+CPIN?", "+CME ERROR: 10")), "SIMが入っていません"),
    (str(error_for("AT+CPIN?", "+CME ERROR: SIM not inserted")), "SIMが入っていません"),
    (str(error_for("AT+CMGS=20", "ERROR")), "モデムが送信を受け付けませんでした"),
    (str(AtTimeout("/dev/ttyUSB2: no answer to 'AT+CMGS=20' in 60 s")) + " (parts confirmed: 0)",
     "モデムから応答がありません"),
    (str(AtTimeout("/dev/ttyUSB2: no prompt after 'AT+CMGS=20'")), "モデムから応答がありません"),
    (str(PortGone("cannot open /dev/ttyUSB2: [Errno 2] No such file or directory")), "モデムが見つかりません"),
    (str(PortBusy("cannot open /dev/ttyUSB2: it is in use by another program (tokusoku run?)")),
     "モデムを別のプログラムが使っています"),
    (str(PortGone("port closed")) + " (parts confirmed: 1)", "モデムとの接続が切れました"),
    (str(SimLocked("/dev/ttyUSB2: the SIM says SIM PUK", "SIM PUK")), "SIMにPUKが必要です"),
    (str(SimLocked("/dev/ttyUSB2: the SIM says SIM PIN; no PIN is configured", "SIM PIN")), "SIMにPINが必要です"),
    (str(SimLocked("/dev/ttyUSB2: the SIM refused the PIN (+CME ERROR: 16)", "SIM PIN", refused=True)),
     "SIMのPINが違います"),
    (str(SimNotReady("/dev/ttyUSB2: the SIM still says +CPIN: NOT READY after 30 s")), "SIMの準備ができていません"),
    ("process stopped while sending", "送信中に装置が止まりました"),
    (f"{error_for('AT+CMGS=153', '+CMS ERROR: 42')} after 1 of 3 parts", "通信網が混雑しています"),
])
def test_each_kind_of_stored_error_has_staff_words(stored, words):
    assert explain(stored).startswith(words), stored


def test_every_standard_code_is_explained_in_japanese():
    for code in CMS:
        assert explain(_cms(code)) and "ERROR" not in explain(_cms(code)), code
    for code in CME:
        assert explain(str(error_for("AT+CPIN?", f"+CME ERROR: {code}"))), code
    assert explain(_cms(77))                    # an RP-cause without a word of its own: the family's


def test_what_is_already_japanese_or_unknown_is_left_alone():
    assert explain("本文が長すぎます（700文字で11通。送れるのは10通まで）") is None
    assert explain("something nobody wrote yet") is None
    assert explain("") is None and explain(None) is None


def test_partial_sends_say_how_many_parts_went():
    cause = error_for("AT+CMGS=153", "+CMS ERROR: 42")
    failure = SendFailed(cause, 2, 3, [17])
    assert "3通中1通は送信済" in explain(f"{cause} after {len(failure.sent)} of {failure.total} parts")


def test_staff_sms_keeps_the_code_for_support():
    assert failure_in_japanese(_cms(1)) == "この番号は使われていません（+CMS ERROR: 1）"
    assert failure_in_japanese("odd") == "odd"
