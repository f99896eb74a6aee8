"""Services for the invoices area of the admin page."""
from __future__ import annotations


class InvoiceServices:
    """Mixed into Services (appliance/services/core.py Core gives db, clock, outbox, audit)."""
