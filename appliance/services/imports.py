"""Services for the imports area of the admin page: the same CSV import as
`tokusoku import invoices` (appliance.importing), in two steps. The preview is a dry run (nothing
is written); the uploaded bytes wait server-side, under a random token, until staff confirm."""
from __future__ import annotations

import json
import re
import secrets
import tempfile
import time
from pathlib import Path

from appliance.importing import ImportReport, InvoiceImportError, import_invoices
from appliance.importing.headers import LABELS

STASH_HOURS = 24
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


class UploadNotFound(InvoiceImportError):
    """The upload to confirm is gone (expired, already imported, or another user's)."""


class ImportServices:
    """Mixed into Services (appliance/services/core.py Core gives db, clock, outbox, audit)."""

    import_labels = {**LABELS, "row": "行"}          # RowError.field -> the column name staff see

    def _upload_dir(self) -> Path:
        path = self.db.path
        base = Path(tempfile.gettempdir()) if path == ":memory:" else Path(path).parent
        folder = base / "uploads"
        folder.mkdir(mode=0o700, exist_ok=True)
        return folder

    def stash_upload(self, data: bytes, name: str, user_id: int) -> str:
        """Keep an uploaded file for the confirm step; returns its token. Uploads older than
        STASH_HOURS are removed on the way."""
        folder = self._upload_dir()
        limit = time.time() - STASH_HOURS * 3600
        for old in folder.glob("*"):
            if old.stat().st_mtime < limit:
                old.unlink(missing_ok=True)
        token = secrets.token_urlsafe(24)
        (folder / f"{token}.csv").write_bytes(data)
        (folder / f"{token}.json").write_text(json.dumps({"name": name, "user": user_id}), encoding="utf-8")
        return token

    def _stashed(self, token: str, user_id: int) -> tuple[bytes, str]:
        if not _TOKEN.fullmatch(token or ""):
            raise UploadNotFound("取込ファイルが見つかりません。もう一度アップロードしてください")
        folder = self._upload_dir()
        try:
            meta = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
            data = (folder / f"{token}.csv").read_bytes()
        except (OSError, ValueError):
            raise UploadNotFound("取込ファイルが見つかりません。もう一度アップロードしてください") from None
        if meta.get("user") != user_id:
            raise UploadNotFound("取込ファイルが見つかりません。もう一度アップロードしてください")
        return data, meta.get("name") or "アップロードされたファイル"

    def discard_upload(self, token: str) -> None:
        """Forget a stashed upload (after import, or when staff cancel)."""
        if _TOKEN.fullmatch(token or ""):
            for suffix in (".csv", ".json"):
                (self._upload_dir() / f"{token}{suffix}").unlink(missing_ok=True)

    def preview_import(self, token: str, user_id: int) -> ImportReport:
        """A dry run of the stashed upload: every row error (row, field, Japanese message), the
        valid rows and how many of those would be new or update an invoice (as with --valid-only);
        nothing is written. Raises InvoiceImportError when the file is unusable."""
        data, name = self._stashed(token, user_id)
        return import_invoices(self.db, data, name=name, dry_run=True, valid_only=True, clock=self.clock)

    def confirm_import(self, token: str, user_id: int, *, valid_only: bool, actor: str) -> ImportReport:
        """Import the stashed upload for real: all rows or none, or (valid_only) the valid rows.
        The import is audited (action 'import') by appliance.importing.store; the upload is
        discarded once something was committed."""
        data, name = self._stashed(token, user_id)
        report = import_invoices(self.db, data, name=name, valid_only=valid_only, clock=self.clock, actor=actor)
        if report.committed:
            self.discard_upload(token)
        return report
