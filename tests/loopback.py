"""A threaded HTTP server on 127.0.0.1 for tests that fetch pages (never any other address)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer

POLL_SECONDS = 0.05
"""How often the server thread checks for shutdown: keeps teardown quick."""


@contextmanager
def serve(server: ThreadingHTTPServer) -> Iterator[str]:
    """Run ``server`` (bound to 127.0.0.1) in a thread; yield its base URL; shut it down."""
    thread = threading.Thread(target=server.serve_forever, args=(POLL_SECONDS,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
