"""Early-warning rules (pure), each labelled with its basis (instruments.md §5.8)."""

from __future__ import annotations

from dataclasses import dataclass

from confide.measures.scoring import Score, reliable_change


@dataclass(frozen=True)
class Alert:
    kind: str  # "risk", "alliance", "deterioration"
    message: str
    rule: str  # R1, A1, A2, O1, O3 (instruments.md §5.8)
    basis: str  # "secondary source" or "design rule"


def alerts_for(result: Score, previous: Score | None) -> list[Alert]:
    alerts = []
    if "item9" in result.flags:
        alerts.append(
            Alert("risk", "PHQ-9 item 9 above 0: review risk today; open the safety plan.", "R1", "design rule")
        )
    if "alliance_concern" in result.flags:
        alerts.append(Alert("alliance", "SRS below 36: check in about the working alliance.", "A1", "secondary source"))
    if result.instrument == "srs" and previous is not None and result.total < previous.total:
        alerts.append(Alert("alliance", "SRS lower than at the last session.", "A2", "design rule"))
    if previous is not None and result.instrument in ("phq9", "gad7", "ors"):
        if reliable_change(result.instrument, previous.total, result.total) == "deteriorated":
            rule = "O1" if result.instrument == "ors" else "O3"
            alerts.append(
                Alert(
                    "deterioration", f"Reliable deterioration on {result.instrument.upper()}.", rule, "secondary source"
                )
            )
    return alerts
