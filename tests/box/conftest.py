"""The box: systemd units, installer, clock, watchdog, modem scan and backups."""
from pathlib import Path

SYSTEMD = Path(__file__).resolve().parents[2] / "systemd"
