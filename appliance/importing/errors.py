"""Exceptions of the CSV import. A whole-file problem is an `InvoiceImportError` (exit status 2);
a problem with one cell is a `FieldError`, which the row parser turns into a row error.

`InvoiceImportError` is not called `ImportError`: that would shadow Python's own, and an
`except ImportError` somewhere would then swallow real module import failures."""
from __future__ import annotations


class InvoiceImportError(Exception):
    """The file cannot be imported at all (missing, empty, not text, no header); message in Japanese, names the file."""


class FieldError(ValueError):
    """One cell is unusable; the message (Japanese) says what is wrong with it."""
