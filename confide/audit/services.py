"""The one way anything records an audit event.

Callers invoke these inside the same ``transaction.atomic()`` as the access they
describe: if the event cannot be written, the transaction - and so the access - fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.practices.models import Member


class AuditOutsideTransactionError(RuntimeError):
    """An audit event was requested outside the transaction of the access it records."""


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransactionError("record audit events inside the access's transaction")


def event_record(
    *,
    actor: Member | None,
    action: AuditAction,
    channel: Channel,
    client_id: uuid.UUID | None = None,
    object_type: str = "",
    object_id: str = "",
    purpose: str = "",
    practice_id: uuid.UUID | None = None,
) -> AuditEvent:
    """Record one event; ``actor=None`` (with ``practice_id``) is the operator at the CLI."""
    _require_transaction()
    practice = actor.practice_id if actor is not None else practice_id
    if practice is None:
        raise ValueError("an operator event needs the practice")
    return AuditEvent.objects.create(
        practice_id=practice,
        actor=actor,
        actor_role=actor.role if actor is not None else "operator",
        action=action,
        channel=channel,
        client_id=client_id,
        object_type=object_type,
        object_id=object_id,
        purpose=purpose,
    )


def events_record_bulk(
    *, actor: Member, action: AuditAction, channel: Channel, items: Iterable[tuple[uuid.UUID, str, str]]
) -> None:
    """Record one event per (client id, object type, object id), e.g. each note shown."""
    _require_transaction()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            practice_id=actor.practice_id,
            actor=actor,
            actor_role=actor.role,
            action=action,
            channel=channel,
            client_id=client_id,
            object_type=object_type,
            object_id=object_id,
        )
        for client_id, object_type, object_id in items
    )


def events_record_for_clients(
    *, actor: Member, action: AuditAction, channel: Channel, client_ids: Iterable[uuid.UUID]
) -> None:
    """Record one event per client shown, e.g. each name in a list."""
    events_record_bulk(
        actor=actor, action=action, channel=channel, items=((cid, "client", str(cid)) for cid in client_ids)
    )
