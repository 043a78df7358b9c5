"""Trend charts: an SVG picture with the measure, the cut-off, reliable-change markers and attendance; no scripts."""

from __future__ import annotations

import datetime as dt

from confide.measures.charts import trend_svg
from confide.measures.series import Point

DAY = dt.datetime(2026, 11, 1, 10, tzinfo=dt.UTC)


def _points(totals: list[int]) -> list[Point]:
    return [Point(str(n), DAY + dt.timedelta(days=7 * n), t, None, frozenset()) for n, t in enumerate(totals)]


def test_the_chart_is_an_svg_without_scripts() -> None:
    svg = trend_svg(instrument="phq9", points=_points([18, 15, 11]), attended=[DAY]).decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<script" not in svg and 'href="http' not in svg  # nothing runs, nothing loads


def test_the_chart_shows_the_cutoff_and_reliable_change() -> None:
    svg = trend_svg(instrument="phq9", points=_points([18, 11]), attended=[]).decode()
    assert "PHQ-9 (lower is better)" in svg
    assert "cut-off 10" in svg and "reliable change" in svg
