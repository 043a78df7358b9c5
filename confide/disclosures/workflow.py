"""What a disclosure situation requires, from the resolved rule packs (pure core).

The clinician picks a situation; this turns the deciding rule (and every other applicable one)
into what the screen shows and the workflow enforces: who must or may be told, deadlines as
tasks, what to record, whether and when the client may be told, whether it is accountable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from confide.rulepacks.resolve import Decision
from confide.rulepacks.schema import NoticePolicy, Obligation, duration_hours


@dataclass(frozen=True)
class Deadline:
    title: str
    hours: float
    business_days: bool


@dataclass(frozen=True)
class Requirements:
    kind: str
    obligation: Obligation
    rule_id: str
    pack: str
    title: str
    trigger: str
    must_tell: list[str]
    may_tell: list[str]
    deadlines: list[Deadline]
    must_record: list[str]
    notice_policy: NoticePolicy
    notice_timing: str
    notice_exceptions: list[str]
    accountable: bool
    psychotherapy_notes_allowed: bool
    citations: list[str]
    explanation: str
    item_prefixes: tuple[str, ...] | None = None  # None: any item; else only keys starting with these
    needs_approval: bool = True


def requirements_of(decision: Decision) -> Requirements:
    rule = decision.deciding.rule
    recipients = [r for a in decision.rules if a.rule.obligation is not Obligation.PENDING for r in a.rule.recipients]
    deadlines: list[Deadline] = []
    if decision.deadline is not None and decision.deadline.rule.deadline is not None:
        timed = decision.deadline.rule
        assert timed.deadline is not None
        for label, value in (("First report", timed.deadline.initial), ("Written report", timed.deadline.written)):
            if value is not None:
                deadlines.append(
                    Deadline(f"{label}: {timed.title}", duration_hours(value), timed.deadline.business_days)
                )
    notice = decision.notice.rule.client_notification
    records = [item for a in decision.rules for item in a.rule.must_record]
    return Requirements(
        kind=decision.kind.value,
        obligation=decision.obligation,
        rule_id=rule.id,
        pack=decision.deciding.pack,
        title=rule.title,
        trigger=rule.trigger,
        must_tell=sorted({r.who for r in recipients if r.must}),
        may_tell=sorted({r.who for r in recipients if not r.must}),
        deadlines=deadlines,
        must_record=list(dict.fromkeys(records)),
        notice_policy=notice.policy,
        notice_timing=notice.timing or "",
        notice_exceptions=list(notice.exceptions),
        accountable=any(a.rule.accounting_of_disclosures != "exempt" for a in decision.rules),
        psychotherapy_notes_allowed=decision.psychotherapy_notes_allowed,
        citations=[f"{c.cite} ({c.verification.value})" for a in decision.rules for c in a.rule.citations],
        explanation=decision.explanation,
    )


def due_at(start: dt.datetime, deadline: Deadline) -> dt.datetime:
    """When a deadline falls; business days skip Saturdays and Sundays."""
    if not deadline.business_days:
        return start + dt.timedelta(hours=deadline.hours)
    moment, days = start, int(deadline.hours // 24)
    while days:
        moment += dt.timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


def notice_problem(
    *, policy: NoticePolicy, notice: str, notice_on: dt.date | None, reason: str, today: dt.date
) -> dict[str, str]:
    """Field errors for a client-notice choice the rule does not allow."""
    if notice == "delayed" and (notice_on is None or notice_on <= today):
        return {"notice_on": "Give the future date on which the client will be told."}
    if notice in ("delayed", "withheld") and not reason.strip():
        return {"notice_reason": "Record why the client is not told now."}
    if notice == "withheld" and policy is NoticePolicy.REQUIRED:
        return {"notice": "The rule requires telling the client; you may only delay it, with a reason."}
    return {}
