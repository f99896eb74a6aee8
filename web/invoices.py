"""The invoices area of the admin page."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("invoices", __name__, url_prefix="/invoices")
