"""Templates: the list, the editor (live counter in app.js, a server-rendered preview on the
first open invoice, a warning when the text goes multipart) and the default plan's steps."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from appliance.services.templates import PlanError
from appliance.templates import TemplateError
from web.i18n import _
from web.security import audit, found, requires, services

bp = Blueprint("templates_area", __name__, url_prefix="/templates")

FIELD_HELP = {"name": "取引先名", "amount": "金額（¥12,000）", "due_date": "支払期日（12月10日）",
              "invoice": "請求書番号", "company": "自社名", "contact_phone": "問い合わせ電話番号"}
NEW_STEP_ROWS = 2


@bp.get("/")
@requires("view")
def index():
    return render_template("templates_list.html", templates=services().list_templates(),
                           plan=services().default_plan(), new_rows=NEW_STEP_ROWS)


def _editor(template: dict, status: int = 200):
    preview = services().preview_template(template["body"])
    return render_template("templates_edit.html", template=template, preview=preview, fields=FIELD_HELP,
                           cost=services().cost_per_part), status


@bp.get("/new")
@requires("admin")
def new():
    return _editor({"id": None, "name": "", "body": ""})


@bp.get("/<int:template_id>")
@requires("view")
def edit(template_id: int):
    return _editor(found(services().template(template_id)))


@bp.post("/new", endpoint="create")
@bp.post("/<int:template_id>")
@requires("admin")
def save(template_id: int | None = None):
    if template_id is not None and services().template(template_id) is None:
        abort(404)
    form = {"id": template_id, "name": request.form.get("name", ""), "body": request.form.get("body", "")}
    if request.form.get("action") == "preview":
        return _editor(form)
    try:
        saved = services().save_template(template_id, form["name"], form["body"])
    except TemplateError as error:
        flash(str(error), "error")
        return _editor(form, 400)
    audit("template.create" if template_id is None else "template.edit", f"{saved} {form['name'].strip()}")
    flash(_("文面「{name}」を保存しました", name=form["name"].strip()), "ok")
    return redirect(url_for(".edit", template_id=saved))


@bp.post("/plan/<int:plan_id>")
@requires("admin")
def plan(plan_id: int):
    current = services().default_plan()
    if current is None or current["id"] != plan_id:
        abort(404)
    steps, index = [], 0
    while f"offset_{index}" in request.form:
        offset = request.form.get(f"offset_{index}", "").strip()
        if offset and not request.form.get(f"delete_{index}"):
            steps.append((offset, request.form.get(f"time_{index}", ""), request.form.get(f"template_{index}", "")))
        index += 1
    try:
        count = services().save_plan_steps(plan_id, steps)
    except PlanError as error:
        flash(str(error), "error")
        return redirect(url_for(".index"))
    audit("plan.edit", f"{plan_id}: " + ", ".join(f"{o}日 {t} #{tid}" for o, t, tid in steps))
    flash(_("督促の段階を保存しました（{count}段階）", count=count), "ok")
    return redirect(url_for(".index"))
