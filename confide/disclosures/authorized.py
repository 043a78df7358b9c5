"""Releases the client authorized (an active consent directive), alongside the legal exceptions.

No second clinician is needed — the client decided — and, as an authorized disclosure, it is not
accountable (45 CFR 164.528(a)(1)(iv)); it is still recorded in the transparency log. Only what
the directive names can be chosen, never psychotherapy notes, and a withdrawn or expired permission
stops the release at once.
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from confide.clients.models import Client
from confide.consent.fhir import CATEGORIES
from confide.consent.models import Directive
from confide.disclosures.workflow import Requirements
from confide.rulepacks.schema import NoticePolicy, Obligation

PREFIX = "authorized:"
# What each directive category lets the clinician pick (identity is always needed to identify the client).
ITEMS = {"diagnoses": ("diagnoses",), "progress_notes": ("note:",), "summary": (), "attendance": ()}


def directives_active(*, client: Client) -> list[Directive]:
    today = timezone.localdate()
    return [
        d
        for d in Directive.objects.filter(practice_id=client.practice_id, client=client, status=Directive.Status.ACTIVE)
        if d.valid_to is None or today < d.valid_to
    ]


def authorized_requirements(directive: Directive) -> Requirements:
    recipient = directive.open("recipient_name", key=directive.client.data_key())
    until = f" until {directive.valid_to:%d %b %Y}" if directive.valid_to else " until withdrawn"
    what = ", ".join(CATEGORIES[c] for c in directive.categories)
    return Requirements(
        kind=f"{PREFIX}{directive.id}",
        obligation=Obligation.PERMISSIVE,
        rule_id="client.directive",
        pack=f"directive {directive.id}",
        title=f"Release the client authorized: {recipient}",
        trigger=f"The client permitted sharing {what} with {recipient}{until}.",
        must_tell=[],
        may_tell=[recipient],
        deadlines=[],
        must_record=["what was sent", "that it matched the client's permission"],
        notice_policy=NoticePolicy.NOT_REQUIRED,
        notice_timing="",
        notice_exceptions=[],
        accountable=False,
        psychotherapy_notes_allowed=False,
        citations=["45 CFR 164.508 (authorization); 164.528(a)(1)(iv) (not accountable) (verified_secondary)"],
        explanation="Authorized by the client's own sharing permission, which they can withdraw at any time.",
        item_prefixes=("identity", *(p for c in directive.categories for p in ITEMS.get(c, ()))),
        needs_approval=False,
    )


def directive_of(requirements: Requirements) -> uuid.UUID | None:
    return uuid.UUID(requirements.kind.removeprefix(PREFIX)) if requirements.kind.startswith(PREFIX) else None
