"""The staff area: who gets forwarded replies and notices, by SMS and e-mail. Admins add, edit and
remove; staff and viewers read. The configuration file's [[staff]] only seeds an empty list
(appliance.app.Appliance.sync_staff); after that this page owns it."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from appliance.services.staff import StaffError
from web.i18n import _
from web.security import found, requires, services

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.get("/")
@requires("view")
def index():
    return render_template("staff.html", staff=services().list_staff(), member=None, error=None)


@bp.post("/")
@requires("admin")
def add():
    try:
        member = services().save_staff(None, request.form, actor=g.user.name)
    except StaffError as error:
        return render_template("staff.html", staff=services().list_staff(), member=request.form,
                               error=_(error.text, **error.params)), 400
    flash(_("担当者「{name}」を追加しました", name=member["name"]), "ok")
    return redirect(url_for("staff.index"))


@bp.get("/<int:staff_id>")
@requires("admin")
def edit(staff_id: int):
    return render_template("staff_edit.html", member=found(services().staff_member(staff_id)), error=None)


@bp.post("/<int:staff_id>")
@requires("admin")
def save(staff_id: int):
    found(services().staff_member(staff_id))
    try:
        member = services().save_staff(staff_id, request.form, actor=g.user.name)
    except StaffError as error:
        return render_template("staff_edit.html", member={**request.form, "id": staff_id},
                               error=_(error.text, **error.params)), 400
    flash(_("担当者「{name}」を保存しました", name=member["name"]), "ok")
    return redirect(url_for("staff.index"))


@bp.post("/<int:staff_id>/remove")
@requires("admin")
def remove(staff_id: int):
    name = found(services().remove_staff(staff_id, actor=g.user.name))
    flash(_("担当者「{name}」を削除しました", name=name), "ok")
    return redirect(url_for("staff.index"))
