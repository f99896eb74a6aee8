"""The `tokusoku` console script: appliance's command line, with the admin page for `run`.

The composition root sits here, at the top layer, so that imports keep going one way
(modem <- appliance <- web): appliance.cli knows nothing of web and is handed the page to serve.
"""
from __future__ import annotations

import sys

from appliance import cli
from web import server


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv, frontend=server.start)


if __name__ == "__main__":
    sys.exit(main())
