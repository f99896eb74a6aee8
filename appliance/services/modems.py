"""Services for the modems area of the admin page."""
from __future__ import annotations


class ModemServices:
    """Mixed into Services (appliance/services/core.py Core gives db, clock, outbox, audit)."""
