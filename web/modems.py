"""The modems area of the admin page."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("modems", __name__, url_prefix="/modems")
