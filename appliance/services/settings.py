"""Services for the settings area of the admin page: the settings in effect and their change,
and a backup copy of the database to download."""
from __future__ import annotations

from pathlib import Path

from appliance import backup, settings


class SettingsServices:
    """Mixed into Services (appliance/services/core.py Core gives db, clock, settings, audit)."""

    def current_settings(self) -> settings.Settings:
        """The settings in effect now (the configuration file's, as changed on the page)."""
        return self.settings.current()

    def file_settings(self) -> settings.Settings:
        """The configuration file's settings (what an unchanged field falls back to)."""
        return self.settings.base

    def save_settings(self, form, actor: str) -> dict:
        """Apply a submitted settings form. Raises settings.SettingsError naming each bad field;
        returns {key: (old, new)} of what changed, written to the audit log."""
        wanted = settings.parse(form, self.settings.current())
        changed = settings.save(self.db, wanted, self.settings.base)
        self.settings.forget()
        if changed:
            self.audit(actor, "settings.change",
                       ", ".join(f"{key}: {old} → {new}" for key, (old, new) in changed.items()))
        return changed

    def backup_copy(self, folder: str | Path, actor: str) -> Path:
        """A checked online copy of the database in `folder`, named tokusoku-YYYYMMDD-HHMM.db (local
        time), audited. Raises backup.BackupError (an in-memory database cannot be copied)."""
        local = self.now().astimezone(self.settings.base.zone)
        if self.db.path == ":memory:":
            raise backup.BackupError("an in-memory database has no file to copy")
        made = backup.backup(self.db.path, Path(folder) / f"tokusoku-{local:%Y%m%d-%H%M}.db")
        self.audit(actor, "backup.download", made.name)
        return made
