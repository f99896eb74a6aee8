"""Login, logout, and the first visit, which creates the administrator (there is no default
password)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for

from appliance.users import UserError
from web.i18n import _
from web.security import audit, services

bp = Blueprint("auth", __name__)


@bp.get("/health")
def health():
    """{"ok", "scheduler", "modems", "clock", "problems"} of the running appliance (watchdog.health).
    A page served without an appliance (tests, development) answers {"ok": true}."""
    return services().appliance_health() or {"ok": True}


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    if services().user_count() > 0:
        return redirect(url_for("auth.login"))
    if request.method == "POST":
        form = request.form
        if form.get("password") != form.get("password2"):
            flash(_("確認用のパスワードが一致しません"), "error")
        else:
            try:
                user = services().create_user(form.get("name", ""), form.get("password", ""), "admin",
                                              actor="setup")
            except UserError as error:
                flash(str(error), "error")
            else:
                session.clear()
                session["user_id"] = user.id
                flash(_("管理者「{name}」を作成しました", name=user.name), "ok")
                return redirect(url_for("dashboard.index"))
    return render_template("setup.html")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if services().user_count() == 0:
        return redirect(url_for("auth.setup"))
    if request.method == "POST":
        try:
            user = services().login(request.form.get("name", ""), request.form.get("password", ""),
                                    request.remote_addr or "")
        except UserError as error:
            flash(str(error), "error")
            return render_template("login.html"), 401
        session.clear()
        session["user_id"] = user.id
        g.user = user
        audit("login")
        target = request.args.get("next") or ""
        return redirect(target if is_local_path(target) else url_for("dashboard.index"))
    return render_template("login.html")


@bp.post("/logout")
def logout():
    if g.user:
        audit("logout")
    session.clear()
    return redirect(url_for("auth.login"))


def is_local_path(target: str) -> bool:
    """Whether `target` is a path on this box. Browsers drop tabs and newlines from a Location and
    read a backslash as a slash, so "/\t/evil.example" and "/\\evil.example" would lead off the box:
    any of those characters, a leading "//" (any number of slashes: another host), a scheme or a
    host refuses it."""
    if not target.startswith("/") or target.startswith("//") or any(
            ch == "\\" or ch.isspace() or ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
