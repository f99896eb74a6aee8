"""The services the admin page calls: one mixin per area, over one database and clock.

    services = Services(db, clock, defaults=appliance.settings.defaults(config))
"""
from __future__ import annotations

from appliance.services.areas import AREA_MIXINS
from appliance.services.core import Core


class Services(*AREA_MIXINS, Core):
    """Everything web/ may ask of the appliance."""
