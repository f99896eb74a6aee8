"""Shared fixtures. Tests read ../shared/testdata in place (TOKUSOKU_TESTDATA overrides)."""
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TESTDATA = Path(os.environ.get("TOKUSOKU_TESTDATA", REPO.parent / "shared" / "testdata"))


def testdata_path(*parts: str) -> Path:
    """Path inside the shared test data; skips the test, saying why, when the folder is absent."""
    path = TESTDATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared test data not found at {path} (set TOKUSOKU_TESTDATA)")
    return path
