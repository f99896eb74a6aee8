"""Services for the modems area: each SIM's state and use today, and a test send.

The caller writes the audit record of each change.
"""
from __future__ import annotations

import uuid

from appliance.phones import e164
from modem import pdu


class ModemError(ValueError):
    """A test send that cannot be made; the message is for people."""


class ModemServices:
    """Mixed into Services (appliance/services/core.py Core gives db, clock, outbox, audit)."""

    def modems(self) -> list[dict]:
        """Every SIM: id, number, device, online, last_error, daily_cap, parts_today (the
        business's day), waiting (messages queued for it), its last test send's status, why it
        is locked (sim_lock: pin, puk, no-pin or None) and its radio (with_radio)."""
        today = self.now().astimezone(self.rules.zone).date().isoformat()
        return [with_radio(dict(r)) for r in self.db.query(
            "SELECT s.id, s.number, s.device, s.online, s.last_error, s.daily_cap, s.sim_lock,"
            " s.signal_dbm, s.registration, s.operator, s.network_read_at,"
            " COALESCE(u.parts, 0) AS parts_today,"
            " (SELECT count(*) FROM outbox o WHERE o.prefer_sim_id = s.id AND o.status IN ('queued','retry'))"
            "  AS waiting,"
            " (SELECT o.status FROM outbox o WHERE o.kind='test' AND o.prefer_sim_id = s.id ORDER BY o.id DESC"
            "  LIMIT 1) AS last_test"
            " FROM sims s LEFT JOIN sim_usage u ON u.sim_id = s.id AND u.day = ? ORDER BY s.id", (today,))]

    def test_send(self, sim_id: int | None, number: str, text: str = "") -> tuple[int, str]:
        """Queue a test SMS (kind 'test', due now, sent even in quiet hours) from SIM `sim_id`
        to `number` (any way a person writes it). Returns (outbox id, E.164 number). Raises
        ModemError (unknown SIM, impossible number, text too long)."""
        sim = self.db.one("SELECT id, number FROM sims WHERE id=?", (sim_id,))
        if sim is None:
            raise ModemError("SIMが見つかりません")
        recipient = e164(number)
        if not recipient or not recipient.startswith("+"):
            raise ModemError("送信先の電話番号を正しく入力してください")
        now = self.now()
        local = now.astimezone(self.rules.zone)
        body = text.strip() or f"督促SMS テスト送信 {local:%m/%d %H:%M}（{sim['number']}から）"
        try:
            message_id = self.outbox.enqueue(key=f"test:{uuid.uuid4().hex}", kind="test", recipient=recipient,
                                             body=body, not_before=now, now=now, prefer_sim_id=sim_id)
        except pdu.PduError as error:
            raise ModemError(f"この本文は送れません（長すぎます）: {error}") from error
        return message_id, recipient


# Signal bars from dBm, as phones draw them for LTE-class modems reporting +CSQ (TS 27.007 §8.5:
# rssi 0-31 is -113 to -51 dBm): four bars from -73 dBm, one below -93.
SIGNAL_BARS = ((-73, 4), (-83, 3), (-93, 2))


def signal_bars(dbm: int | None) -> int:
    """0 (unknown) to 4 bars."""
    if dbm is None:
        return 0
    return next((bars for floor, bars in SIGNAL_BARS if dbm >= floor), 1)


def with_radio(sim: dict) -> dict:
    """A SIM row with `signal_bars` (0-4) and `radio_known`: its radio was read while it is
    online (an offline modem's last reading is not shown as if current)."""
    sim["signal_bars"] = signal_bars(sim.get("signal_dbm"))
    sim["radio_known"] = bool(sim.get("online")) and sim.get("network_read_at") is not None
    return sim
