import datetime as dt

import pytest

from confide.outbox.backoff import retry_delay


def test_each_wait_doubles_from_a_minute_up_to_six_hours() -> None:
    waits = [retry_delay(n) for n in range(1, 12)]
    assert waits[:4] == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert waits[-1] == dt.timedelta(hours=6) and max(waits) == dt.timedelta(hours=6)
    assert retry_delay(10_000) == dt.timedelta(hours=6)  # no overflow however long the server is down


def test_there_is_no_wait_before_a_first_failure() -> None:
    with pytest.raises(ValueError, match="at least one failed attempt"):
        retry_delay(0)
