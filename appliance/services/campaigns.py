"""Services for the campaigns area of the admin page."""
from __future__ import annotations


class CampaignServices:
    """Mixed into Services (appliance/services/core.py Core gives db, clock, outbox, audit)."""
