"""The settings area (admins only): company name and contact number used by the templates, quiet
hours and sending days, caps and cost, the time zone (shown, from the configuration file), and a
backup of the database to download. Saved values override the configuration file's
(appliance/settings.py); the running appliance reads them again within seconds."""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, flash, g, redirect, render_template, request, send_file, url_for

from appliance.backup import BackupError
from appliance.settings import CHECKBOXES, LABELS, SettingsError
from web.i18n import _
from web.security import requires, services

bp = Blueprint("settings", __name__, url_prefix="/settings")


def _page(values: dict, problems: dict, status: int = 200):
    current, base = services().current_settings(), services().file_settings()
    return render_template("settings.html", values=values, problems=problems, labels=LABELS,
                           file_values=base.stored(), zone=str(current.zone)), status


@bp.get("/")
@requires("admin")
def index():
    return _page(services().current_settings().stored(), {})


@bp.post("/")
@requires("admin")
def save():
    try:
        changed = services().save_settings(request.form, actor=g.user.name)
    except SettingsError as error:
        problems = {key: _(p.text, label=_(LABELS[key]), **p.params) for key, p in error.problems.items()}
        values = {key: request.form.get(key, "") for key in LABELS}
        for key in CHECKBOXES:
            values[key] = request.form.get(key) in ("1", "on", "true")
        return _page(values, problems, 400)
    flash(_("設定を保存しました") if changed else _("変更はありません"), "ok")
    return redirect(url_for("settings.index"))


@bp.post("/backup")
@requires("admin")
def download_backup():
    """An online copy of the database as a download; the temporary file is gone once sent."""
    folder = Path(services().db.path).parent if services().db.path != ":memory:" else None
    with tempfile.TemporaryDirectory(prefix="download-", dir=folder) as temporary:
        try:
            made = services().backup_copy(temporary, actor=g.user.name)
        except BackupError as error:
            flash(_("バックアップを作れませんでした: {error}", error=str(error)), "error")
            return redirect(url_for("settings.index"))
        copy = open(made, "rb")           # still readable after the folder is removed (POSIX)
    return send_file(copy, mimetype="application/vnd.sqlite3", as_attachment=True, download_name=made.name,
                     max_age=0)
