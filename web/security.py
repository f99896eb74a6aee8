"""Who may see what, and the headers every answer carries.

Every page needs a login except the login page, the first-run page, static files and /health.
Roles: admin (everything), staff (invoices, sending, replies), viewer (read only).
"""
from __future__ import annotations

from functools import wraps

from flask import abort, current_app, g, redirect, request, session, url_for

OPEN_ENDPOINTS = {"auth.login", "auth.setup", "static", "auth.health", "i18n.choose"}

HEADERS = {
    # No inline script or style, nothing from elsewhere: the box serves all it needs itself.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def services():
    return current_app.extensions["services"]


def register(app) -> None:
    @app.before_request
    def load_user():
        g.user = None
        user_id = session.get("user_id")
        if user_id is not None:
            g.user = services().user(user_id)
        if request.endpoint in OPEN_ENDPOINTS:
            return None
        if services().user_count() == 0:
            return redirect(url_for("auth.setup"))
        if g.user is None:
            return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
        return None

    @app.after_request
    def headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def requires(action: str):
    """A view only users who `can(action)` may use ('view', 'send', 'admin'); others get 403."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if g.user is None or not g.user.can(action):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def found(value):
    """`value`, or a 404 when the service found nothing (None)."""
    if value is None:
        abort(404)
    return value


def audit(action: str, detail: str = "") -> None:
    services().audit(g.user.name if g.user else "anonymous", action, detail)
