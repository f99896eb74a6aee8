"""The audit area: the log of every change (who, what, when), and for admins the users: list and
add (the add itself is written to the log by appliance.users)."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from appliance.users import ROLES, UserError
from web.audit_details import describe
from web.i18n import _
from web.security import requires, services

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
@requires("view")
def index():
    actor = request.args.get("actor", "")
    data = services().audit_page(actor=actor, page=request.args.get("page", 1, type=int))
    users = services().list_users() if g.user.can("admin") else []
    return render_template("audit.html", data=data, actor=actor, users=users, roles=ROLES,
                           audit_detail=describe)


@bp.post("/users")
@requires("admin")
def add_user():
    form = request.form
    if form.get("password") != form.get("password2"):
        flash(_("確認用のパスワードが一致しません"), "error")
    else:
        try:
            user = services().create_user(form.get("name", ""), form.get("password", ""), form.get("role", ""),
                                          actor=g.user.name)
        except UserError as error:
            flash(str(error), "error")
        else:
            flash(_("ユーザー「{name}」を追加しました", name=user.name), "ok")
    return redirect(url_for("audit.index") + "#users")
