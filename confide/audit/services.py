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
    actor: Member,
    action: AuditAction,
    channel: Channel,
    client_id: uuid.UUID | None = None,
    object_type: str = "",
    object_id: str = "",
    purpose: str = "",
) -> AuditEvent:
    _require_transaction()
    return AuditEvent.objects.create(
        practice_id=actor.practice_id,
        actor=actor,
        actor_role=actor.role,
        action=action,
        channel=channel,
        client_id=client_id,
        object_type=object_type,
        object_id=object_id,
        purpose=purpose,
    )


def events_record_for_clients(
    *, actor: Member, action: AuditAction, channel: Channel, client_ids: Iterable[uuid.UUID]
) -> None:
    """Record one event per client shown, e.g. each name in a list."""
    _require_transaction()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            practice_id=actor.practice_id,
            actor=actor,
            actor_role=actor.role,
            action=action,
            channel=channel,
            client_id=client_id,
            object_type="client",
            object_id=str(client_id),
        )
        for client_id in client_ids
    )
