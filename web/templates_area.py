"""The templates_area area of the admin page."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("templates_area", __name__, url_prefix="/templates")
