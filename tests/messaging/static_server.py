"""confide/static served on a loopback port by Python's own HTTP server, so that a browser can import the
envelope module with no Django behind it (http://127.0.0.1 is a secure context, as WebCrypto needs)."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "confide" / "static"
SEAL_IN_BROWSER = (Path(__file__).parent / "browser_crypto.js").read_text()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def static_serving() -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(STATIC))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
