"""The admin page: a Flask application factory, one blueprint per area.

The web layer calls appliance services only (appliance.services.Services): it never imports
modem/ and writes no SQL.
"""
from __future__ import annotations

import secrets

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from web import filters, i18n

csrf = CSRFProtect()

# (blueprint module, url prefix) -- one per area of the page.
AREAS = ("auth", "dashboard", "invoices", "imports", "templates_area", "campaigns", "outbox",
         "conversations", "modems", "audit", "settings", "staff", "i18n")


def create_app(services, test_config: dict | None = None) -> Flask:
    """The admin application for `services` (an appliance.services.Services)."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=services.secret_key() if hasattr(services, "secret_key") else secrets.token_hex(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,          # a CSV export of a whole year fits
        WTF_CSRF_TIME_LIMIT=None,                     # the token lives as long as the session
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["services"] = services
    csrf.init_app(app)
    filters.register(app)
    i18n.register(app)
    from web import errors, security
    security.register(app)
    errors.register(app)
    import importlib
    for area in AREAS:
        module = importlib.import_module(f"web.{area}")
        app.register_blueprint(module.bp)
    app.config["ENDPOINTS"] = set(app.view_functions)      # the menu shows the areas that exist
    return app
