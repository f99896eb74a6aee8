"""The appliance: the domain and the running process (DESIGN.md)."""
from datetime import date

# The day this version was made. A box whose clock says earlier has lost the time (a Pi has no
# real-time clock) and sends nothing until it is right (appliance/timecheck.py). Move it forward
# with each release.
BUILD_DATE = date(2026, 12, 1)
