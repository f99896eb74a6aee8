"""`make bench`: every benchmark in one run; a table on stdout and bench/results.json.

Figures are measured side by side in the same run on the same machine; limits named by the
issues are printed as goals beside them, never asserted in tests.
"""
from __future__ import annotations

import json
import os
import platform
import resource
import sys
from pathlib import Path

from bench import box, core, idle, sim, throughput, web

RESULTS = Path(__file__).with_name("results.json")
SUITES = {"sim": sim.run, "core": core.run, "throughput": throughput.run, "idle": idle.run, "web": web.run,
          "box": box.run}


def main(names: list[str]) -> None:
    results = json.loads(RESULTS.read_text()) if names and RESULTS.exists() else {}   # a subset updates
    results["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    for name in names or SUITES:
        print(f"== {name}", flush=True)
        figures = SUITES[name]()
        results[name] = figures
        width = max(map(len, figures))
        for key, value in figures.items():
            print(f"  {key:<{width}}  {value}", flush=True)
    results["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"written to {RESULTS}")


if __name__ == "__main__":
    main(sys.argv[1:])
