"""The conversations area: replies threaded by customer, unread badges, a thread page, a reply
from the page (queued from the SIM the customer knows), handled, assigned (each change audited)."""
from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from appliance.services.conversations import ConversationError
from web.i18n import _
from web.security import audit, found, requires, services

bp = Blueprint("conversations", __name__, url_prefix="/conversations")


@bp.get("/")
@requires("view")
def index():
    show = "all" if request.args.get("show") == "all" else "open"
    data = services().conversations(show=show, page=request.args.get("page", 1, type=int))
    return render_template("conversations.html", data=data, show=show)


@bp.get("/<int:conversation_id>")
@requires("view")
def thread(conversation_id: int):
    conversation = found(services().conversation(conversation_id))
    if conversation["unread"] and g.user.can("send"):
        # Read by someone who can act on it; a viewer's glance leaves it waiting for staff.
        services().mark_read(conversation_id)
    return render_template("conversation.html", c=conversation, staff=services().staff_members(),
                           reply_key=uuid.uuid4().hex, draft="",
                           cost=services().cost_per_part)


def _to_thread(conversation_id: int):
    return redirect(url_for("conversations.thread", conversation_id=conversation_id))


@bp.post("/<int:conversation_id>/reply")
@requires("send")
def reply(conversation_id: int):
    text = request.form.get("text", "")
    try:
        message_id = services().reply(conversation_id, text, request.form.get("key", ""))
    except ConversationError as error:
        flash(str(error), "error")
        return render_template("conversation.html", c=services().conversation(conversation_id) or abort(404),
                               staff=services().staff_members(), reply_key=uuid.uuid4().hex, draft=text,
                               cost=services().cost_per_part), 400
    if message_id is None:
        flash(_("この返信はすでに送信待ちです"), "ok")
    else:
        audit("conversation.reply", f"#{conversation_id} outbox #{message_id}: {text.strip()[:60]}")
        flash(_("返信を送信待ちにしました"), "ok")
    return _to_thread(conversation_id)


@bp.post("/<int:conversation_id>/handled")
@requires("send")
def handled(conversation_id: int):
    value = request.form.get("handled") == "1"
    if not services().set_handled(conversation_id, value):
        abort(404)
    audit("conversation.handled" if value else "conversation.reopen", f"#{conversation_id}")
    flash(_("対応済にしました") if value else _("未対応に戻しました"), "ok")
    return _to_thread(conversation_id)


@bp.post("/<int:conversation_id>/assign")
@requires("send")
def assign(conversation_id: int):
    staff_id = request.form.get("staff_id", type=int)
    try:
        name = services().assign(conversation_id, staff_id)
    except ConversationError as error:
        flash(str(error), "error")
        return _to_thread(conversation_id)
    audit("conversation.assign", f"#{conversation_id} → {name or '（なし）'}")
    flash(_("担当者を{name}にしました", name=name) if name else _("担当者を未割当にしました"), "ok")
    return _to_thread(conversation_id)
