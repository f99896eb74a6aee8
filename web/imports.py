"""Import: upload a CSV, preview each row's errors and the valid rows (a dry run that writes
nothing), then confirm: all rows or none, or the valid rows only. The same import code as
`tokusoku import invoices`; the upload waits server-side under a random token."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from appliance.importing import InvoiceImportError
from web.i18n import _
from web.security import requires, services

bp = Blueprint("imports", __name__, url_prefix="/imports")
# Rows of each list the preview shows; the rest are counted (a 100k-row file stays a small page).
PREVIEW_ROWS = 200


@bp.get("/")
@requires("view")
def index():
    return render_template("imports.html")


@bp.post("/upload")
@requires("send")
def upload():
    file = request.files.get("file")
    if file is None or not file.filename:            # a browser sends an unnamed empty part for "no file"
        flash(_("CSVファイルを選んでください"), "error")
        return render_template("imports.html"), 400
    # Even an empty file goes on to the preview: the importer names it and says what is wrong.
    token = services().stash_upload(file.read(), file.filename, g.user.id)
    return redirect(url_for(".preview", token=token))


@bp.get("/<token>")
@requires("send")
def preview(token: str):
    try:
        report = services().preview_import(token, g.user.id)
    except InvoiceImportError as error:
        flash(str(error), "error")
        return render_template("imports.html"), 400
    return render_template("imports_preview.html", report=report, token=token, shown=PREVIEW_ROWS,
                           labels=services().import_labels)


@bp.post("/<token>/confirm")
@requires("send")
def confirm(token: str):
    valid_only = request.form.get("mode") == "valid"
    try:
        report = services().confirm_import(token, g.user.id, valid_only=valid_only, actor=g.user.name)
    except InvoiceImportError as error:
        flash(str(error), "error")
        return redirect(url_for(".index"))
    if not report.committed:
        flash(_("エラーがあるため何も取り込んでいません"), "error")
        return redirect(url_for(".preview", token=token))
    flash(_("{count}件を取り込みました（新規 {created}件、更新 {updated}件）", count=report.imported,
            created=report.created, updated=report.updated), "ok")
    return render_template("imports_done.html", report=report, shown=PREVIEW_ROWS, labels=services().import_labels)


@bp.post("/<token>/cancel")
@requires("send")
def cancel(token: str):
    services().discard_upload(token)
    flash(_("取込をやめました"), "ok")
    return redirect(url_for(".index"))
