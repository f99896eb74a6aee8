"""Services for the templates area of the admin page: message templates (with the SMS text
counter and a preview on a real invoice) and the steps of the default reminder plan."""
from __future__ import annotations

import re
from datetime import date

from appliance.templates import FIELDS, InvoiceFacts, TemplateError, check, render
from modem import pdu

MAX_PARTS = 10
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
SAMPLE = InvoiceFacts("山田 太郎", 12000, date(2026, 12, 10), "INV-0001")


class PlanError(ValueError):
    """A plan step that cannot be saved; the message (Japanese) names the row."""


class TemplateServices:
    """Mixed into Services (appliance/services/core.py Core gives db, clock, outbox, audit)."""

    template_fields = FIELDS

    def text_info(self, text: str) -> dict:
        """How `text` goes out as SMS (modem.pdu, as the outbox counts it): encoding, characters,
        parts, fits (<= MAX_PARTS parts), and the cost of one message in yen."""
        info = pdu.text_info(text, MAX_PARTS)
        return {"encoding": info.encoding, "characters": info.characters, "parts": info.parts,
                "fits": info.fits, "cost": info.parts * self.cost_per_part}

    def list_templates(self) -> list[dict]:
        """Every template with its parts as rendered for the preview invoice."""
        facts = self._preview_facts()[0]
        rows = []
        for row in self.db.query("SELECT id, name, body FROM templates ORDER BY id"):
            try:
                info = self.text_info(self._render(row["body"], facts))
            except TemplateError:
                info = None
            rows.append({**dict(row), "info": info})
        return rows

    def template(self, template_id: int) -> dict | None:
        row = self.db.one("SELECT id, name, body FROM templates WHERE id = ?", (template_id,))
        return dict(row) if row else None

    def preview_template(self, body: str) -> dict:
        """`body` rendered for the first open invoice (or a sample when there is none):
        {text, info, invoice (its number or None), error (TemplateError text or None)}."""
        facts, real = self._preview_facts()
        try:
            text = self._render((body or "").replace("\r\n", "\n").strip(), facts)
        except TemplateError as error:
            return {"text": "", "info": None, "invoice": facts.invoice if real else None, "error": str(error)}
        return {"text": text, "info": self.text_info(text), "invoice": facts.invoice if real else None,
                "error": None}

    def save_template(self, template_id: int | None, name: str, body: str) -> int:
        """Create (template_id None) or change a template. Raises TemplateError for an empty
        name or body, unknown placeholders, broken braces, a taken name, or a text that would
        need more than MAX_PARTS parts. Returns the template's id."""
        name, body = (name or "").strip(), (body or "").replace("\r\n", "\n").strip()
        if not name or not body:
            raise TemplateError("名前と本文を入力してください")
        check(body)
        if not self.text_info(self._render(body, self._preview_facts()[0]))["fits"]:
            raise TemplateError(f"本文が長すぎます（{MAX_PARTS}通を超えます）")
        taken = self.db.one("SELECT id FROM templates WHERE name = ?", (name,))
        if taken and taken[0] != template_id:
            raise TemplateError(f"「{name}」という名前の文面はすでにあります")
        with self.db.write() as conn:
            if template_id is None:
                return conn.execute("INSERT INTO templates (name, body) VALUES (?, ?)", (name, body)).lastrowid
            conn.execute("UPDATE templates SET name = ?, body = ? WHERE id = ?", (name, body, template_id))
        return template_id

    def _render(self, body: str, facts: InvoiceFacts) -> str:
        return render(body, facts, company=self.company, contact_phone=self.contact_phone)

    def _preview_facts(self) -> tuple[InvoiceFacts, bool]:
        row = self.db.one("SELECT i.number, i.amount, i.due_date, c.name FROM invoices i"
                          " JOIN customers c ON c.id = i.customer_id WHERE i.status = 'open'"
                          " ORDER BY i.due_date, i.id LIMIT 1")
        if row is None:
            return SAMPLE, False
        return InvoiceFacts(row["name"], row["amount"], date.fromisoformat(row["due_date"]), row["number"]), True

    # -- the default reminder plan -----------------------------------------------------------
    def default_plan(self) -> dict | None:
        """The default plan {id, name, steps: [{offset_days, send_time, template_id, template}]}
        or None when there is no plan yet."""
        plan = self.db.one("SELECT id, name FROM plans WHERE is_default = 1 ORDER BY id LIMIT 1")
        if plan is None:
            return None
        steps = self.db.query("SELECT s.offset_days, s.send_time, s.template_id, t.name AS template"
                              " FROM plan_steps s JOIN templates t ON t.id = s.template_id"
                              " WHERE s.plan_id = ? ORDER BY s.offset_days", (plan["id"],))
        return {"id": plan["id"], "name": plan["name"], "steps": [dict(s) for s in steps]}

    def save_plan_steps(self, plan_id: int, steps: list[tuple[str, str, str]]) -> int:
        """Replace the plan's steps with `steps` ([(offset_days, "HH:MM", template_id)] as typed)
        in one transaction. Raises PlanError (nothing changed) for a bad number, time, template
        or a repeated day. Returns how many steps the plan has now."""
        templates = {r[0] for r in self.db.query("SELECT id FROM templates")}
        clean: dict[int, tuple[str, int]] = {}
        for row, (offset, at, template) in enumerate(steps, 1):
            try:
                days = int(str(offset).strip())
            except ValueError:
                raise PlanError(f"{row}行目: 日数は整数で入力してください（例: -3、0、7）") from None
            if not -60 <= days <= 365:
                raise PlanError(f"{row}行目: 日数は-60から365の間にしてください")
            match = _TIME.fullmatch(str(at).strip())
            if not match:
                raise PlanError(f"{row}行目: 時刻は 10:00 の形で入力してください")
            if not str(template).isdigit() or int(template) not in templates:
                raise PlanError(f"{row}行目: 文面を選んでください")
            if days in clean:
                raise PlanError(f"{row}行目: 期日から{days}日の段階がすでにあります")
            clean[days] = (f"{int(match.group(1)):02d}:{match.group(2)}", int(template))
        with self.db.write() as conn:
            conn.execute("DELETE FROM plan_steps WHERE plan_id = ?", (plan_id,))
            conn.executemany("INSERT INTO plan_steps (plan_id, offset_days, send_time, template_id)"
                             " VALUES (?, ?, ?, ?)", [(plan_id, d, t, tid) for d, (t, tid) in sorted(clean.items())])
        return len(clean)
