"""The one way anything records an audit event.

Callers invoke these inside the same ``transaction.atomic()`` as the access they
describe: if the event cannot be written, the transaction - and so the access - fails.
In the request this costs one counter update and read (the client's next sequence number, O(1) at any
history length) and two inserts (the event and its place in the integrator's queue); the Merkle log is
built within seconds, in batches, by ``confide.audit.integrate``.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.commitment import SALT_BYTES, commitment
from confide.audit.counters import clients_lock, sealed_take, seqs_take
from confide.audit.lifts import seals_lifted
from confide.audit.models import AuditEvent, PendingEvent
from confide.audit.tags import event_tag, tag_key
from confide.practices.models import Member


class AuditOutsideTransactionError(RuntimeError):
    """An audit event was requested outside the transaction of the access it records."""


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransactionError("record audit events inside the access's transaction")


def _commit(event: AuditEvent, key: bytes) -> AuditEvent:
    event.salt = os.urandom(SALT_BYTES)
    event.commitment = commitment(bytes(event.salt), event.canonical_fields())
    event.tag = event_tag(key, event.commitment)
    return event


def _schedule_integration(practice_id: uuid.UUID) -> None:
    """Ask for the log to be extended soon: at most one job per practice every two seconds."""
    if cache.add(f"confide:log-integrate:{practice_id}", 1, timeout=2):
        from confide.audit.tasks import log_integrate_task

        transaction.on_commit(lambda: log_integrate_task.enqueue(str(practice_id)))


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
    seal: str = "",
    object_ids: Sequence[str] = (),
) -> AuditEvent:
    """Record one event; ``actor=None`` (with ``practice_id``) is the operator at the CLI. With ``seal``
    the event is a sealed entry of the client's history: logged at once, shown to the client only once the
    seal is lifted (confide.audit.seals). ``object_ids``: one event about several objects of ``object_type``
    (e.g. every note a chart showed)."""
    _require_transaction()
    action, channel = AuditAction(action), Channel(channel)  # an unknown value is refused here, not stored
    if len(object_ids) == 1 and not object_id:  # one object: named as any single object is
        object_id, object_ids = object_ids[0], ()
    practice = actor.practice_id if actor is not None else practice_id
    if practice is None:
        raise ValueError("an operator event needs the practice")
    event = AuditEvent(
        practice_id=practice,
        actor=actor,
        actor_role=actor.role if actor is not None else "operator",
        action=action,
        channel=channel,
        client_id=client_id,
        object_type=object_type,
        object_id=object_id,
        object_ids=_ids(object_ids),
        purpose=purpose,
        created_at=timezone.now(),
    )
    event.seal = seal = _seal_open(practice, [client_id], seal)
    if client_id is not None and seal:
        event.sealed_seq = sealed_take(practice_id=practice, client_id=client_id, seal=seal, count=1)
    elif client_id is not None:
        event.client_seq = seqs_take(practice_id=practice, wanted=Counter([client_id]))[client_id]
    _commit(event, tag_key(practice)).save(force_insert=True)
    PendingEvent.objects.create(event_id=event.id, practice_id=practice)
    _schedule_integration(practice)
    return event


def _ids(object_ids: Sequence[str]) -> str:
    if any(not i or " " in i for i in object_ids):
        raise ValueError("object ids are non-empty and without spaces")
    return " ".join(object_ids)


def _seal_open(practice_id: uuid.UUID, client_ids: Iterable[uuid.UUID | None], seal: str) -> str:
    """The seal to record under: none once it is lifted (the lifting entry counted what it held). The
    clients' counter rows are locked first, as ``seal_lift`` locks them before it counts: an entry cannot
    slip under a seal between its count and its lifting."""
    if not seal:
        return ""
    given = list(client_ids)
    clients = [c for c in given if c is not None]
    if len(clients) != len(given) or len(seal) > 80 or " " in seal:
        raise ValueError("a sealed entry belongs to a client and names its seal in at most 80 characters")
    clients_lock(practice_id=practice_id, client_ids=clients)
    lifted = any(seal in seals_lifted(practice_id=practice_id, client_id=c) for c in set(clients))
    return "" if lifted else seal


def events_record_bulk(
    *,
    actor: Member,
    action: AuditAction,
    channel: Channel,
    items: Iterable[tuple[uuid.UUID, str, str]],
    seal: str = "",
) -> None:
    """Record one event per (client id, object type, object id), e.g. each note shown (sealed with ``seal``)."""
    _require_transaction()
    action, channel = AuditAction(action), Channel(channel)
    rows = list(items)
    if not rows:
        return
    wanted = Counter(cid for cid, _, _ in rows)
    seal = _seal_open(actor.practice_id, wanted, seal)
    if seal:
        seqs = {
            c: sealed_take(practice_id=actor.practice_id, client_id=c, seal=seal, count=n) for c, n in wanted.items()
        }
    else:
        seqs = seqs_take(practice_id=actor.practice_id, wanted=wanted)
    key = tag_key(actor.practice_id)
    now = timezone.now()
    events = []
    for client_id, object_type, object_id in rows:
        events.append(
            _commit(
                AuditEvent(
                    practice_id=actor.practice_id,
                    actor=actor,
                    actor_role=actor.role,
                    action=action,
                    channel=channel,
                    client_id=client_id,
                    client_seq=None if seal else seqs[client_id],
                    sealed_seq=seqs[client_id] if seal else None,
                    seal=seal,
                    object_type=object_type,
                    object_id=object_id,
                    created_at=now,
                ),
                key,
            )
        )
        seqs[client_id] += 1
    AuditEvent.objects.bulk_create(events)
    PendingEvent.objects.bulk_create([PendingEvent(event_id=e.id, practice_id=actor.practice_id) for e in events])
    _schedule_integration(actor.practice_id)


def events_record_for_clients(
    *, actor: Member, action: AuditAction, channel: Channel, client_ids: Iterable[uuid.UUID]
) -> None:
    """Record one event per client shown, e.g. each name in a list."""
    events_record_bulk(
        actor=actor, action=action, channel=channel, items=((cid, "client", str(cid)) for cid in client_ids)
    )
