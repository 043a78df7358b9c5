"""When a mail that could not be sent is tried again (pure, no Django): one minute after the first
failure, then twice as long each time, never more than six hours apart."""

from __future__ import annotations

import datetime as dt

FIRST = dt.timedelta(minutes=1)
LONGEST = dt.timedelta(hours=6)


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt (1 for the first failure)."""
    if attempts < 1:
        raise ValueError("a retry follows at least one failed attempt")
    wait: dt.timedelta = FIRST * 2 ** min(attempts - 1, 20)
    return min(wait, LONGEST)
