"""The outbox area of the admin page."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("outbox", __name__, url_prefix="/outbox")
