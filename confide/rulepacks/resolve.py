"""Layer rule packs (federal + state, EU alone, …) and decide each situation: the stricter outcome wins.

Pure core. For every situation (``Kind``) the resolver keeps *all* applicable rules and says
which one decided each part of the outcome: the obligation (mandatory beats conditional beats
permissive; pending law is advice only), the shortest deadline, the strictest client-notice
policy. This mirrors HIPAA's "more stringent state law" preemption (45 CFR 160.203).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from confide.rulepacks.loader import Library
from confide.rulepacks.schema import (
    AccessRule,
    BreachRule,
    ExceptionRule,
    Kind,
    MinorsRule,
    NoticePolicy,
    Obligation,
    Pack,
    RetentionRule,
    duration_hours,
)

STRICTNESS = {Obligation.MANDATORY: 3, Obligation.CONDITIONAL: 2, Obligation.PERMISSIVE: 1, Obligation.PENDING: 0}
NOTICE_STRICTNESS = {
    NoticePolicy.REQUIRED: 4,
    NoticePolicy.RECOMMENDED: 3,
    NoticePolicy.DISCRETIONARY: 2,
    NoticePolicy.DELAYABLE: 1,
    NoticePolicy.NOT_REQUIRED: 0,
}


@dataclass(frozen=True)
class Applied[R]:
    pack: str  # id@version
    rule: R


@dataclass(frozen=True)
class Decision:
    kind: Kind
    obligation: Obligation
    deciding: Applied[ExceptionRule]
    rules: list[Applied[ExceptionRule]]
    deadline: Applied[ExceptionRule] | None
    notice: Applied[ExceptionRule]
    overrides_client_directive: bool
    psychotherapy_notes_allowed: bool

    @property
    def explanation(self) -> str:
        """Which rule decided, and why it beat each other applicable rule."""
        text = f"{self.obligation.value.capitalize()}: decided by {self._name(self.deciding)}"
        mine = STRICTNESS[self.obligation]
        for other in (a for a in self.rules if a is not self.deciding):
            theirs = other.rule.obligation
            if theirs is Obligation.PENDING:
                why = "pending law, shown as advice only"
            elif STRICTNESS[theirs] < mine:
                why = f"{theirs.value}, so the stricter rule wins"
            else:
                why = f"also {theirs.value}; the more specific layer decides"
            text += f"; over {self._name(other)}: {why}"
        return text + "."

    @staticmethod
    def _name(applied: Applied[ExceptionRule]) -> str:
        return f"{applied.rule.id} in {applied.pack} ({applied.rule.citations[0].cite})"


@dataclass(frozen=True)
class Resolution:
    on: dt.date
    packs: list[Pack]
    decisions: dict[Kind, Decision]
    retention: dict[str, Applied[RetentionRule]] = field(default_factory=dict)
    minors: list[Applied[MinorsRule]] = field(default_factory=list)
    breach: list[Applied[BreachRule]] = field(default_factory=list)
    access: dict[str, Applied[AccessRule]] = field(default_factory=dict)

    @property
    def refs(self) -> list[str]:
        return [pack.ref for pack in self.packs]


def layered(library: Library, pack_ids: list[str], on: dt.date, pinned: dict[str, str] | None = None) -> list[Pack]:
    """The packs in force on ``on`` (or the ``pinned`` id → id@version) for these jurisdictions,
    parents before children, once each."""
    ordered: list[Pack] = []
    seen: set[str] = set()

    def visit(pack_id: str, path: tuple[str, ...]) -> None:
        if pack_id in path:
            raise ValueError(f"rule packs inherit in a circle: {' -> '.join((*path, pack_id))}")
        if pack_id in seen:
            return
        pack = library.by_ref(pinned[pack_id]) if pinned and pack_id in pinned else library.in_force(pack_id, on)
        for parent in pack.inherits:
            visit(parent, (*path, pack_id))
        seen.add(pack_id)
        ordered.append(pack)

    for pack_id in pack_ids:
        visit(pack_id, ())
    return ordered


def _in_force(rule: ExceptionRule | RetentionRule | MinorsRule | BreachRule | AccessRule, on: dt.date) -> bool:
    return (rule.effective_from is None or rule.effective_from <= on) and (
        rule.effective_to is None or on < rule.effective_to
    )


def _first_deadline(rule: ExceptionRule) -> float:
    if rule.deadline is None:
        return float("inf")
    values = [d for d in (rule.deadline.initial, rule.deadline.written) if d is not None]
    return min((duration_hours(d) for d in values), default=float("inf"))


def _decide(kind: Kind, applied: list[Applied[ExceptionRule]]) -> Decision:
    enforced = [a for a in applied if a.rule.obligation is not Obligation.PENDING] or applied
    # On a tie the most specific layer (the state over the federal pack) decides: max keeps the first.
    deciding = max(reversed(enforced), key=lambda a: STRICTNESS[a.rule.obligation])
    timed = [a for a in enforced if a.rule.deadline is not None]
    return Decision(
        kind=kind,
        obligation=deciding.rule.obligation,
        deciding=deciding,
        rules=applied,
        deadline=min(timed, key=lambda a: _first_deadline(a.rule)) if timed else None,
        notice=max(reversed(enforced), key=lambda a: NOTICE_STRICTNESS[a.rule.client_notification.policy]),
        overrides_client_directive=any(a.rule.overrides_client_directive for a in enforced),
        psychotherapy_notes_allowed=any(a.rule.psychotherapy_notes_allowed for a in enforced),
    )


def resolve(library: Library, pack_ids: list[str], on: dt.date, *, pinned: list[str] | None = None) -> Resolution:
    """Resolve as of ``on``; ``pinned`` refs (id@version) rebuild a past decision exactly."""
    packs = layered(library, pack_ids, on, {ref.split("@")[0]: ref for ref in pinned or []})
    by_kind: dict[Kind, list[Applied[ExceptionRule]]] = {}
    resolution = Resolution(on=on, packs=packs, decisions={})
    for pack in packs:
        for rule in (r for r in pack.exceptions if _in_force(r, on)):
            for kind in rule.kinds:
                by_kind.setdefault(kind, []).append(Applied(pack.ref, rule))
        for retention in (r for r in pack.retention if _in_force(r, on)):
            current = resolution.retention.get(retention.record_class)
            if current is None or duration_hours(retention.adult) > duration_hours(current.rule.adult):
                resolution.retention[retention.record_class] = Applied(pack.ref, retention)
        resolution.minors.extend(Applied(pack.ref, r) for r in pack.minors if _in_force(r, on))
        resolution.breach.extend(Applied(pack.ref, r) for r in pack.breach if _in_force(r, on))
        for access in (r for r in pack.access if _in_force(r, on)):
            known = resolution.access.get(access.right)
            if known is None or duration_hours(access.deadline) < duration_hours(known.rule.deadline):
                resolution.access[access.right] = Applied(pack.ref, access)
    resolution.decisions.update({kind: _decide(kind, applied) for kind, applied in by_kind.items()})
    return resolution
