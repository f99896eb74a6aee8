"""Services for the conversations area of the admin page."""
from __future__ import annotations


class ConversationServices:
    """Mixed into Services (appliance/services/core.py Core gives db, clock, outbox, audit)."""
