"""Services for the imports area of the admin page."""
from __future__ import annotations


class ImportServices:
    """Mixed into Services (appliance/services/core.py Core gives db, clock, outbox, audit)."""
