"""Services for the templates area of the admin page."""
from __future__ import annotations


class TemplateServices:
    """Mixed into Services (appliance/services/core.py Core gives db, clock, outbox, audit)."""
