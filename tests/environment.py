"""Loaded with ``-p`` before Django: the test environment, set before settings import.

CONFIDE_ENV=test selects the fast password hasher; the data directory (secret key,
master key) is a fresh temporary folder per run, and per worker when the suite runs in parallel.
"""

from __future__ import annotations

import os
import tempfile

os.environ["CONFIDE_ENV"] = "test"
if "PYTEST_XDIST_WORKER" in os.environ:
    # Each worker of `pytest -n` has keys of its own: a test that rotates the master key must not pull it
    # from under a test running beside it in another worker.
    os.environ["CONFIDE_DATA_DIR"] = tempfile.mkdtemp(prefix=f"confide-test-{os.environ['PYTEST_XDIST_WORKER']}-")
else:
    os.environ.setdefault("CONFIDE_DATA_DIR", tempfile.mkdtemp(prefix="confide-test-"))
os.environ.pop("SECRET_KEY", None)
os.environ["CONFIDE_MAIL_BACKEND"] = "console"
# pytest-playwright runs an asyncio loop; Django's ORM refuses calls from it unless told (tests only).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
