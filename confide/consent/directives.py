"""The client's sharing choices (consent directives): grant, revoke, list, export as FHIR."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.consent.fhir import CATEGORIES, PURPOSES, RECIPIENT_KINDS, DirectiveFacts, consent_resource
from confide.consent.models import Directive
from confide.consent.selectors import resolution_for
from confide.lib.lookup import one_or_404
from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.rulepacks.resolve import Decision


@dataclass(frozen=True)
class DirectiveView:
    id: str
    recipient: str
    recipient_kind: str
    categories: list[str]
    purpose: str
    valid_from: dt.date
    valid_to: dt.date | None
    active: bool


def _own(member: Member, client: Client) -> None:
    if not member.has(Permission.PORTAL_DIRECTIVE_MANAGE) or client.portal_member_id != member.id:
        raise Http404


def directive_grant(
    *,
    member: Member,
    client: Client,
    recipient_kind: str,
    recipient_name: str,
    categories: list[str],
    purpose: str,
    valid_to: dt.date | None,
    channel: Channel,
) -> Directive:
    _own(member, client)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if recipient_kind not in RECIPIENT_KINDS:
        errors["recipient_kind"] = "Choose who this is."
    if not recipient_name.strip() or len(recipient_name) > 150:
        errors["recipient_name"] = "Give the person's or organisation's name (up to 150 characters)."
    if not categories or any(c not in CATEGORIES for c in categories):
        errors["categories"] = "Choose at least one kind of information."
    if purpose not in PURPOSES:
        errors["purpose"] = "Choose a purpose."
    if valid_to is not None and valid_to <= today:
        errors["valid_to"] = "The end date must be in the future."
    if errors:
        raise ValidationError(errors)
    resolution = resolution_for(practice=client.practice, client=client)
    directive = Directive(
        practice_id=client.practice_id,
        client=client,
        recipient_kind=recipient_kind,
        categories=sorted(set(categories)),
        purpose=purpose,
        valid_from=today,
        valid_to=valid_to,
        pack_refs=resolution.refs if resolution else [],
    )
    directive.seal("recipient_name", recipient_name.strip(), key=client.data_key())
    with transaction.atomic():
        directive.save()
        event_record(
            actor=member,
            action=AuditAction.DIRECTIVE_GRANT,
            channel=channel,
            client_id=client.id,
            object_type="directive",
            object_id=str(directive.id),
            purpose="consent",
        )
    return directive


def directive_revoke(*, member: Member, client: Client, directive_id: object, channel: Channel) -> None:
    """Withdraw a permission at once; the row stays (inactive) as the record of what was allowed when."""
    _own(member, client)
    with transaction.atomic():
        directive = directive_get(client=client, directive_id=directive_id, lock=True)
        if directive.status == Directive.Status.REVOKED:
            return
        directive.status, directive.revoked_at = Directive.Status.REVOKED, timezone.now()
        directive.save(update_fields=["status", "revoked_at"])
        event_record(
            actor=member,
            action=AuditAction.DIRECTIVE_REVOKE,
            channel=channel,
            client_id=client.id,
            object_type="directive",
            object_id=str(directive.id),
            purpose="consent",
        )


def directive_get(*, client: Client, directive_id: object, lock: bool = False) -> Directive:
    rows = Directive.objects.select_for_update() if lock else Directive.objects.all()
    return one_or_404(rows, practice_id=client.practice_id, client=client, pk=str(directive_id))


def _active(directive: Directive, today: dt.date) -> bool:
    return directive.status == Directive.Status.ACTIVE and (directive.valid_to is None or today < directive.valid_to)


def directive_list(*, client: Client) -> list[DirectiveView]:
    key, today = client.data_key(), timezone.localdate()
    return [
        DirectiveView(
            id=str(d.id),
            recipient=d.open("recipient_name", key=key),
            recipient_kind=RECIPIENT_KINDS.get(d.recipient_kind, d.recipient_kind),
            categories=[CATEGORIES[c] for c in d.categories],
            purpose=PURPOSES.get(d.purpose, d.purpose),
            valid_from=d.valid_from,
            valid_to=d.valid_to,
            active=_active(d, today),
        )
        for d in Directive.objects.filter(practice_id=client.practice_id, client=client).order_by("-created_at")
    ]


def directive_fhir(*, member: Member, client: Client, directive_id: object, channel: Channel) -> dict[str, Any]:
    _own(member, client)
    directive = directive_get(client=client, directive_id=directive_id)
    with transaction.atomic():
        event_record(
            actor=member,
            action=AuditAction.DIRECTIVE_EXPORT,
            channel=channel,
            client_id=client.id,
            object_type="directive",
            object_id=str(directive.id),
        )
    facts = DirectiveFacts(
        id=str(directive.id),
        client_id=str(client.id),
        practice_name=client.practice.name,
        recipient_name=directive.open("recipient_name", key=client.data_key()),
        categories=list(directive.categories),
        purpose=directive.purpose,
        valid_from=directive.valid_from,
        valid_to=directive.valid_to,
        active=_active(directive, timezone.localdate()),
        created=timezone.localdate(directive.created_at),
        pack_refs=list(directive.pack_refs),
    )
    return consent_resource(facts)


def unblockable(*, client: Client) -> list[Decision]:
    """The legal exceptions a directive cannot block here, for the portal's explanation."""
    resolution = resolution_for(practice=client.practice, client=client)
    if resolution is None:
        return []
    seen: set[str] = set()
    found = []
    for decision in resolution.decisions.values():
        if decision.overrides_client_directive and decision.deciding.rule.id not in seen:
            seen.add(decision.deciding.rule.id)
            found.append(decision)
    return found
