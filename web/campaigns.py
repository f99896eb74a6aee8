"""Campaigns: one message to customers chosen by a filter on their invoices. The count and the
cost are shown before anything is queued; confirming queues (appliance.campaigns.start), or,
when the settings ask for it, waits until another user approves it."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from appliance.services.campaigns import Audience, CampaignError
from web.i18n import _
from web.security import requires, services

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")

STATUS_CHOICES = ("open", "disputed", "paid", "")


def _form() -> tuple[dict, Audience, str | None]:
    """The form's values, the audience they describe, and an error message for a bad date."""
    f = request.form
    form = {"name": f.get("name", "").strip()[:100], "body": f.get("body", ""),
            "status": f.get("status", "open") if f.get("status", "open") in STATUS_CHOICES else "open",
            "overdue": f.get("overdue") == "1", "due_before": f.get("due_before", "").strip()}
    error, due_before = None, None
    if form["due_before"]:
        try:
            due_before = date.fromisoformat(form["due_before"])
        except ValueError:
            error = _("期日の指定が日付として読めません（例: 2026-12-31）")
    return form, Audience(status=form["status"], overdue=form["overdue"], due_before=due_before), error


def _page(form: dict, estimate: dict | None = None, status: int = 200):
    return render_template("campaigns.html", form=form, estimate=estimate, campaigns=services().list_campaigns(),
                           pending=services().pending_campaigns(), approval=services().campaigns_need_approval(),
                           cost=services().cost_per_part), status


@bp.get("/")
@requires("view")
def index():
    return _page({"name": "", "body": "", "status": "open", "overdue": False, "due_before": ""})


@bp.post("/preview")
@requires("send")
def preview():
    form, audience, error = _form()
    if error or not form["name"] or not form["body"].strip():
        flash(error or _("名前と本文を入力してください"), "error")
        return _page(form, status=400)
    return _page(form, services().campaign_estimate(audience, form["body"].strip()))


@bp.post("/start")
@requires("send")
def start():
    form, audience, error = _form()
    if error:
        flash(error, "error")
        return _page(form, status=400)
    try:
        outcome, count = services().submit_campaign(form["name"], form["body"], audience, g.user.name)   # audited
    except CampaignError as error:
        flash(str(error), "error")
        return _page(form, status=400)
    if outcome == "requested":
        flash(_("一斉送信「{name}」を承認待ちにしました。別の利用者が承認すると送信が始まります", name=form["name"]), "ok")
    else:
        flash(_("一斉送信「{name}」を開始しました（{count}件を送信待ちにしました）", name=form["name"], count=count), "ok")
    return redirect(url_for(".index"))


@bp.post("/requests/<int:request_id>/approve")
@requires("send")
def approve(request_id: int):
    try:
        queued = services().approve_campaign(request_id, g.user.name)      # audited
    except CampaignError as error:
        flash(str(error), "error")
        return redirect(url_for(".index"))
    flash(_("承認しました（{count}件を送信待ちにしました）", count=queued), "ok")
    return redirect(url_for(".index"))


@bp.post("/requests/<int:request_id>/reject")
@requires("send")
def reject(request_id: int):
    try:
        request_ = services().reject_campaign(request_id, g.user.name)     # audited
    except CampaignError as error:
        flash(str(error), "error")
        return redirect(url_for(".index"))
    withdrawn = request_["requested_by"] == g.user.name
    flash(_("一斉送信「{name}」を取り下げました", name=request_["name"]) if withdrawn
          else _("一斉送信「{name}」を却下しました", name=request_["name"]), "ok")
    return redirect(url_for(".index"))
