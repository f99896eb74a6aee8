"""The dashboard: modems, the queue, today's figures, replies waiting, 30 days drawn as SVG."""
from __future__ import annotations

from flask import Blueprint, render_template

from web.security import requires, services

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@requires("view")
def index():
    health = services().appliance_health() or {}
    return render_template("dashboard.html", data=services().dashboard(), problems=health.get("problems", []))
