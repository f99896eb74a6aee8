"""The modems area: each SIM's state, use today against its cap, last error; an admin's test send
(queued at once, audited)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from appliance.services.modems import ModemError
from web.i18n import _
from web.security import audit, requires, services

bp = Blueprint("modems", __name__, url_prefix="/modems")


@bp.get("/")
@requires("view")
def index():
    return render_template("modems.html", modems=services().modems())


@bp.post("/test")
@requires("admin")
def test_send():
    sim_id = request.form.get("sim_id", type=int)
    try:
        message_id, recipient = services().test_send(sim_id, request.form.get("number", ""),
                                                     request.form.get("text", ""))
    except ModemError as error:
        flash(str(error), "error")
    else:
        audit("modem.test", f"SIM {sim_id} → {recipient} outbox #{message_id}")
        flash(_("{recipient} へのテスト送信を送信待ちにしました（#{id}）", recipient=recipient, id=message_id), "ok")
    return redirect(url_for("modems.index"))
