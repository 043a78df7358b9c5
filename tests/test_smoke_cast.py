from __future__ import annotations

from tests.cast import Cast


def test_it_builds_the_cast(cast: Cast) -> None:
    assert cast.client.open("name") == "Jordan Canary-Client"
    assert cast.outsider.practice_id != cast.owner.practice_id
