"""A waitress server run in a thread for a test, and stopped without its loop tripping over the socket
that closing it removes (select() on a closed descriptor raises in the server's thread)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def serving(server: Any) -> Iterator[None]:
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except (OSError, ValueError):
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopping.set()
        server.close()
        thread.join(timeout=5)
