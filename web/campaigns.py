"""The campaigns area of the admin page."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")
