"""Services for the staff area of the admin page: who is told about replies and problems, by
SMS and by e-mail (appliance.app.Appliance.notify_staff reads this table)."""
from __future__ import annotations

import re

from appliance.phones import e164

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class StaffError(ValueError):
    """A staff member that cannot be saved: `text` (Japanese, with named `params`) says why."""

    def __init__(self, text: str, **params):
        super().__init__(text.format(**params))
        self.text, self.params = text, params


class StaffServices:
    """Mixed into Services (appliance/services/core.py Core gives db, clock, audit)."""

    def list_staff(self) -> list[dict]:
        """Every staff member (id, name, phone, email, notify_sms, notify_email), by name."""
        return [dict(r) for r in self.db.query("SELECT * FROM staff ORDER BY name, id")]

    def staff_member(self, staff_id: int) -> dict | None:
        row = self.db.one("SELECT * FROM staff WHERE id = ?", (staff_id,))
        return dict(row) if row else None

    def save_staff(self, staff_id: int | None, form, actor: str) -> dict:
        """Add (staff_id None) or change a staff member from a submitted form; the phone is kept as
        E.164. Raises StaffError; returns the saved member. Audited."""
        member = _checked(form)
        with self.db.write() as conn:
            values = (member["name"], member["phone"], member["email"], member["notify_sms"], member["notify_email"])
            if staff_id is None:
                staff_id = conn.execute("INSERT INTO staff (name, phone, email, notify_sms, notify_email)"
                                        " VALUES (?,?,?,?,?)", values).lastrowid
                action = "staff.add"
            else:
                if not conn.execute("UPDATE staff SET name=?, phone=?, email=?, notify_sms=?, notify_email=?"
                                    " WHERE id=?", (*values, staff_id)).rowcount:
                    raise StaffError("担当者が見つかりません")
                action = "staff.edit"
            self.audit(actor, action, f"#{staff_id} {member['name']} {member['phone'] or ''} {member['email'] or ''}"
                       f" SMS:{member['notify_sms']} mail:{member['notify_email']}")
        return {"id": staff_id, **member}

    def remove_staff(self, staff_id: int, actor: str) -> str | None:
        """Remove a staff member (their conversations become unassigned); their name, or None."""
        with self.db.write() as conn:
            row = conn.execute("SELECT name FROM staff WHERE id = ?", (staff_id,)).fetchone()
            if row is None:
                return None
            conn.execute("UPDATE conversations SET assigned_staff_id = NULL WHERE assigned_staff_id = ?", (staff_id,))
            conn.execute("DELETE FROM staff WHERE id = ?", (staff_id,))
            self.audit(actor, "staff.remove", f"#{staff_id} {row[0]}")
        return row[0]


def _checked(form) -> dict:
    name = " ".join((form.get("name") or "").split())
    if not name or len(name) > 40:
        raise StaffError("名前を40文字以内で入力してください")
    phone_text = (form.get("phone") or "").strip()
    phone = e164(phone_text) if phone_text else None
    if phone_text and not (phone and phone.startswith("+")):
        raise StaffError("電話番号「{phone}」は正しくありません（例: 090-1234-5678）", phone=phone_text)
    email = (form.get("email") or "").strip() or None
    if email and not _EMAIL.fullmatch(email):
        raise StaffError("メールアドレス「{email}」は正しくありません", email=email)
    notify_sms, notify_email = (int(form.get(k) in ("1", "on", "true")) for k in ("notify_sms", "notify_email"))
    return {"name": name, "phone": phone, "email": email, "notify_sms": notify_sms, "notify_email": notify_email}
