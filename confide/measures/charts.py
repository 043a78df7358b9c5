"""Trend charts as SVG (pygal, no scripts): totals over time with the cut-off, reliable-change markers and
attended sessions on the same time axis. Served as an image, so it runs nothing in the page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

import pygal
from pygal.style import Style

from confide.measures import reliable_change
from confide.measures.catalogue import CATALOGUE
from confide.measures.series import Point

_SCRIPT = re.compile(rb"<script\b[^>]*>.*?</script>", re.DOTALL)
CUTOFFS = {"phq9": 10.0, "gad7": 10.0, "ors": 25.0, "srs": 36.0, "core10": 11.0}
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#111",
    foreground_subtle="#888",
    colors=("#2557a7", "#b3261e", "#e08a00", "#2e7d32"),
    font_family="system-ui, sans-serif",
)


def trend_svg(*, instrument: str, points: list[Point], attended: list[datetime]) -> bytes:
    spec = CATALOGUE[instrument]
    chart = pygal.XY(
        js=[],  # no scripts, no CDN: the SVG is a picture
        style=STYLE,
        width=640,
        height=320,
        show_legend=True,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        x_label_rotation=30,
        dots_size=4,
        range=(0, len(spec.items) * spec.maximum / (10 if spec.visual_analogue else 1)),
        x_value_formatter=lambda x: datetime.fromtimestamp(x * 86400, UTC).strftime("%d %b"),
        title=f"{spec.name} ({'higher is better' if spec.higher_is_better else 'lower is better'})",
    )
    chart.add(spec.name, [(_day(p.at), p.total) for p in points])
    if instrument in CUTOFFS and points:
        start, end = _day(points[0].at), _day(points[-1].at)
        chart.add(
            f"cut-off {CUTOFFS[instrument]:g}",
            [(start, CUTOFFS[instrument]), (end, CUTOFFS[instrument])],
            stroke_style={"dasharray": "6, 4"},
            show_dots=False,
        )
    if spec.reliable_change is not None:
        marks = [
            (_day(after.at), after.total)
            for before, after in zip(points, points[1:], strict=False)
            if reliable_change(instrument, before.total, after.total) != "no_reliable_change"
        ]
        chart.add("reliable change", marks, stroke=False, dots_size=7)
    chart.add("sessions attended", [(_day(at), 0) for at in attended], stroke=False, dots_size=3)
    # pygal always embeds its config as a <script>; a picture needs none, so it is removed.
    return _SCRIPT.sub(b"", bytes(chart.render()))


def _day(moment: datetime) -> float:
    """Days since the epoch: a plain number on the x axis (pygal's date charts use deprecated UTC helpers)."""
    return moment.timestamp() / 86400


def across_clients_svg(
    *, title: str, values: Sequence[tuple[str, float | None]], maximum: float, cutoff: float | None
) -> bytes:
    """One bar per client (labelled by initials): e.g. latest SRS, or attendance %, across a clinician's caseload."""
    chart = pygal.HorizontalBar(
        js=[],
        style=STYLE,
        width=640,
        height=max(160, 40 * len(values) + 80),
        show_legend=cutoff is not None,
        legend_at_bottom=True,
        range=(0, maximum),
        title=title,
        print_values=True,
        value_formatter=lambda v: f"{v:g}",
    )
    chart.x_labels = [label for label, _ in values]
    chart.add(title, [value for _, value in values])
    if cutoff is not None:
        chart.add(f"cut-off {cutoff:g}", [cutoff] * len(values), show_dots=False)
    return _SCRIPT.sub(b"", bytes(chart.render()))
