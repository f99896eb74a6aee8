"""The box: how exposed the systemd service is (`systemd-analyze security --offline=true`;
0 is a locked-down service, 10 an unprotected one). Goal from issue 6: 2.5 or lower."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

UNIT = Path(__file__).resolve().parents[1] / "systemd" / "tokusoku.service"
GOAL = 2.5


def run() -> dict:
    if shutil.which("systemd-analyze") is None:
        return {"systemd_exposure": None, "goal": f"<= {GOAL}: not measured (no systemd-analyze)"}
    result = subprocess.run(["systemd-analyze", "security", "--offline=true", "--no-pager", str(UNIT)],
                            capture_output=True, text=True, timeout=60)
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout + result.stderr)
    if not match:
        return {"systemd_exposure": None, "goal": f"<= {GOAL}: not measured ({result.stderr.strip()[:80]})"}
    figure = float(match.group(1))
    return {"systemd_exposure": figure, "goal": f"<= {GOAL}: {'met' if figure <= GOAL else 'MISSED'}"}
