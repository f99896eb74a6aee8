"""The outbox area: every message with its status and delivery; staff cancel what waits, queue
again what failed, and decide `uncertain` messages (each change audited)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from appliance.services.outbox import KINDS, STATUSES
from web.i18n import _
from web.security import audit, found, requires, services

bp = Blueprint("outbox", __name__, url_prefix="/outbox")

FILTERS = ("status", "kind", "q", "page")


@bp.get("/")
@requires("view")
def index():
    args = request.args
    data = services().outbox_page(status=args.get("status", ""), kind=args.get("kind", ""),
                                  search=args.get("q", ""), page=args.get("page", 1, type=int))
    return render_template("outbox.html", data=data, statuses=STATUSES, kinds=KINDS,
                           filters={k: args.get(k, "") for k in ("status", "kind", "q")})


def _back():
    """Back to the list as it was filtered (the form carries the filters along)."""
    params = {k: request.form[k] for k in FILTERS if request.form.get(k)}
    return redirect(url_for("outbox.index", **params))


def _message(message_id: int) -> dict:
    return found(services().outbox_message(message_id))


@bp.post("/<int:message_id>/cancel")
@requires("send")
def cancel(message_id: int):
    message = _message(message_id)
    if services().cancel_message(message_id):
        audit("outbox.cancel", f"#{message_id} {message['recipient']}")
        flash(_("#{id} の送信を取り消しました", id=message_id), "ok")
    else:
        flash(_("#{id} は送信待ちではないため取り消せません", id=message_id), "error")
    return _back()


@bp.post("/<int:message_id>/retry")
@requires("send")
def retry(message_id: int):
    message = _message(message_id)
    if services().retry_message(message_id):
        audit("outbox.retry", f"#{message_id} {message['recipient']} ({message['status']})")
        flash(_("#{id} を再送待ちにしました", id=message_id), "ok")
    else:
        flash(_("#{id} は失敗・期限切れではないため再送できません", id=message_id), "error")
    return _back()


@bp.post("/<int:message_id>/decide")
@requires("send")
def decide(message_id: int):
    message = _message(message_id)
    decision = request.form.get("decision", "")
    if decision not in ("sent", "resend"):
        abort(400)
    if services().decide_uncertain(message_id, decision):
        audit(f"outbox.uncertain.{decision}", f"#{message_id} {message['recipient']}")
        flash(_("#{id} を送信済として扱いました", id=message_id) if decision == "sent"
              else _("#{id} を再送待ちにしました", id=message_id), "ok")
    else:
        flash(_("#{id} はすでに確定しています", id=message_id), "error")
    return _back()
