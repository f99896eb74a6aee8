"""What an import found and did: valid invoice rows, row errors, and the summary staff read.

`ImportReport.as_dict()` is the `tokusoku import invoices --json` contract (DESIGN.md): `rows`,
`imported`, `errors` [{`row`,`field`,`message`}], `invoices` [{`number`,`name`,`phone`,`amount`,
`due_date`}] (the valid rows), plus `valid` (the same list, for older callers), `committed`,
`dry_run`, `valid_only`, `file`, `encoding`, `skipped`.
`text()` is the same in Japanese, for office staff.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from appliance.importing.headers import LABELS

ROW_LABEL = {"row": "行"}


@dataclass(frozen=True)
class InvoiceRow:
    """One valid row: the values to be stored."""
    row: int
    number: str
    name: str
    phone: str               # E.164
    amount: int              # yen
    due_date: date

    def as_dict(self) -> dict:
        return {"row": self.row, "number": self.number, "name": self.name, "phone": self.phone,
                "amount": self.amount, "due_date": self.due_date.isoformat()}


@dataclass(frozen=True)
class RowError:
    """One problem with one row: `field` is number|name|phone|amount|due_date|row; `number` is
    the row's invoice number when it has one (for finding the row in the accounting tool)."""
    row: int
    field: str
    message: str
    number: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def text(self) -> str:
        label = LABELS.get(self.field) or ROW_LABEL.get(self.field, self.field)
        where = f"{self.row}行目" + (f"（{self.number}）" if self.number else "")
        return f"{where} {label}: {self.message}"


@dataclass
class ImportReport:
    file: str
    encoding: str = ""
    rows: int = 0                                  # data rows (not header, title, blank, totals)
    invoices: list[InvoiceRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)   # totals rows
    imported: int = 0                              # written (or, in a dry run, that would be)
    created: int = 0
    updated: int = 0
    committed: bool = False
    dry_run: bool = False
    valid_only: bool = False

    def as_dict(self) -> dict:
        """The JSON contract; `invoices` lists the valid rows (what is, or with --valid-only
        would be, imported) even when errors keep a dry run from importing anything."""
        valid = [i.as_dict() for i in self.invoices]
        return {
            "file": self.file, "encoding": self.encoding, "rows": self.rows, "imported": self.imported,
            "created": self.created, "updated": self.updated,
            "errors": [e.as_dict() for e in sorted(self.errors, key=lambda e: e.row)],
            "invoices": valid, "valid": valid,       # "valid": the name older callers read
            "skipped": self.skipped, "committed": self.committed, "dry_run": self.dry_run,
            "valid_only": self.valid_only,
        }

    def text(self) -> str:
        """The summary in Japanese, then each error on its own line. When errors keep the file
        from being imported, the summary counts the valid rows (as the web preview does), so
        "nothing imported" never reads as "no row is valid"."""
        if self.errors and not self.imported:
            lines = [self._refused()]
        else:
            done = "取り込めます" if self.dry_run else "取り込みました"
            detail = f"（新規 {self.created}件、更新 {self.updated}件）" if self.imported else ""
            lines = [f"{self.file}: {self.rows}行中 {self.imported}件を{done}{detail}。"]
            if self.errors:
                lines[0] += f"エラー {len(self.errors)}件:"
        lines += ["  " + e.text() for e in sorted(self.errors, key=lambda e: e.row)]
        if self.errors and not self.imported:
            lines.append("エラーを直して取り込み直してください。")
        if self.skipped:
            lines.append("合計行として読み飛ばした行: " + "、".join(f"{r}行目" for r in self.skipped))
        if self.dry_run:
            lines.append("（試行のみ: データベースには何も書き込んでいません）")
        return "\n".join(lines)

    def _refused(self) -> str:
        nothing = "何も取り込みません" if self.dry_run else "何も取り込んでいません"
        hint = "（正しい行だけなら --valid-only）" if self.invoices else ""
        return (f"{self.file}: {self.rows}行中、正しい行 {len(self.invoices)}件・エラー {len(self.errors)}件。"
                f"エラーがあるため{nothing}{hint}。")
