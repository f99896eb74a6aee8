"""Serving the admin page with waitress inside `tokusoku run`."""
from __future__ import annotations

import logging
import threading
from typing import Callable

from waitress.server import create_server

from web import create_app

log = logging.getLogger(__name__)


def start(services, host: str, port: int) -> Callable[[], None]:
    """Serve the admin page on host:port in a background thread; returns a function that stops it."""
    server = create_server(create_app(services), host=host, port=port, threads=4, ident="tokusoku")
    thread = threading.Thread(target=server.run, name="web", daemon=True)
    thread.start()
    log.info("admin page on http://%s:%d", host, port)

    def stop() -> None:
        server.task_dispatcher.shutdown()
        server.close()
    return stop
