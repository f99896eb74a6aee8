"""Services for the outbox area of the admin page."""
from __future__ import annotations


class OutboxServices:
    """Mixed into Services (appliance/services/core.py Core gives db, clock, outbox, audit)."""
