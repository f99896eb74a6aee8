"""Invoices and customers: search, filter, detail with the message history, paid / disputed,
edit, opt-out, CSV export."""
from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for

from appliance.services.invoices import STATUSES, InvoiceEditError
from web.i18n import _
from web.security import audit, found, requires, services

bp = Blueprint("invoices", __name__, url_prefix="/invoices")


def _filters() -> dict:
    args = request.args
    status = args.get("status") if args.get("status") in STATUSES else ""
    return {"q": args.get("q", "").strip()[:100], "status": status, "overdue": args.get("overdue") == "1"}


@bp.get("/")
@requires("view")
def index():
    filters = _filters()
    page = request.args.get("page", "1")
    result = services().search_invoices(filters["q"], filters["status"] or None, filters["overdue"],
                                        page=int(page) if page.isdigit() else 1)
    return render_template("invoices.html", result=result, filters=filters, statuses=STATUSES,
                           today=services().today().isoformat())


@bp.get("/export.csv")
@requires("view")
def export():
    status = _filters()["status"] or None
    data = services().export_invoices_csv(status)
    audit("invoices.export", status or "all")
    name = f"invoices-{services().today().isoformat()}.csv"
    return Response(data, content_type="text/csv; charset=utf-8",      # mimetype= would add a second charset
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _invoice_or_404(invoice_id: int) -> dict:
    return found(services().invoice(invoice_id))


@bp.get("/<int:invoice_id>")
@requires("view")
def detail(invoice_id: int):
    invoice = _invoice_or_404(invoice_id)
    return render_template("invoices_detail.html", invoice=invoice, history=services().invoice_history(invoice_id),
                           today=services().today().isoformat(), form=None)


@bp.post("/<int:invoice_id>/paid")
@requires("send")
def paid(invoice_id: int):
    invoice = _invoice_or_404(invoice_id)
    cancelled = services().mark_invoice_paid(invoice_id, g.user.name)     # audited as invoice.paid
    flash(_("請求書{number}を入金済にしました。送信待ちの督促 {count}件を取り消しました",
            number=invoice["number"], count=cancelled), "ok")
    return redirect(url_for(".detail", invoice_id=invoice_id))


@bp.post("/<int:invoice_id>/disputed")
@requires("send")
def disputed(invoice_id: int):
    invoice = _invoice_or_404(invoice_id)
    cancelled = services().mark_invoice_disputed(invoice_id)
    audit("invoice.disputed", f"{invoice['number']} (cancelled {cancelled})")
    flash(_("請求書{number}を確認中にしました。督促を止め、送信待ち {count}件を取り消しました",
            number=invoice["number"], count=cancelled), "ok")
    return redirect(url_for(".detail", invoice_id=invoice_id))


@bp.post("/<int:invoice_id>/reopen")
@requires("send")
def reopen(invoice_id: int):
    invoice = _invoice_or_404(invoice_id)
    services().reopen_invoice(invoice_id)
    audit("invoice.reopen", invoice["number"])
    flash(_("請求書{number}を未入金に戻しました", number=invoice["number"]), "ok")
    return redirect(url_for(".detail", invoice_id=invoice_id))


@bp.post("/<int:invoice_id>/edit")
@requires("send")
def edit(invoice_id: int):
    invoice = _invoice_or_404(invoice_id)
    form = {k: request.form.get(k, "") for k in ("amount", "due_date", "name", "phone")}
    try:
        changed = services().update_invoice(invoice_id, **form)
    except InvoiceEditError as error:
        flash(str(error), "error")
        return render_template("invoices_detail.html", invoice=invoice, history=services().invoice_history(invoice_id),
                               today=services().today().isoformat(), form=form), 400
    audit("invoice.edit", f"{invoice['number']}: " + ", ".join(f"{k}={v}" for k, v in changed.items()))
    flash(_("変更を保存しました") if changed else _("変更はありませんでした"), "ok")
    return redirect(url_for(".detail", invoice_id=invoice_id))


@bp.post("/<int:invoice_id>/opt-out")
@requires("send")
def opt_out(invoice_id: int):
    invoice = _invoice_or_404(invoice_id)
    stop = request.form.get("opted_out", "1") == "1"
    cancelled = services().set_opted_out(invoice["customer_id"], stop)
    audit("customer.opt_out" if stop else "customer.opt_in", f"{invoice['customer_id']} {invoice['name']}")
    flash(_("{name}様への送信を停止しました（送信待ち {count}件を取消）", name=invoice["name"], count=cancelled) if stop
          else _("{name}様への送信を再開しました", name=invoice["name"]), "ok")
    return redirect(url_for(".detail", invoice_id=invoice_id))
