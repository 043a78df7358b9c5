"""When an unopened message asks for attention: after a number of working days (pure core, no Django)."""

from __future__ import annotations

import datetime as dt


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Weekdays after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``):
    a message sent on a Friday has waited one working day on Monday."""
    if end <= start:
        return 0
    weeks, extra = divmod((end - start).days, 7)
    days = weeks * 5
    for offset in range(1, extra + 1):
        if (start + dt.timedelta(days=weeks * 7 + offset)).weekday() < 5:
            days += 1
    return days
