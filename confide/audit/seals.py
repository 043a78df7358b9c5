"""Sealed entries: what the law lets the practice keep from a client for a time, logged at once.

A sealed entry (``event_record(..., seal=...)``) is logged like any other, so it cannot be backdated or
added later, but it takes no number of the client's visible history and never moves their head in the
signed map: the client's pages, their proofs and every value their browser sees are the same whether or
not anything was sealed. The domain that owns a seal names it (``disclosure:<id>``) and decides when it
lifts. Lifting records one visible entry of the client's history that names the seal and how many
entries it held; from then on the history shows those entries under it, with the first signed
checkpoint that held each, and the accounting shows what they concern.

``seals_hidden`` is the one answer to "what may this client not see yet" that the history and the
accounting both use, so the two pages cannot disagree.
"""

from __future__ import annotations

import uuid

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent, ClientCounter, SealLift
from confide.audit.services import event_record
from confide.practices.models import Member


class SealBrokenError(RuntimeError):
    """A sealed entry of the client is missing: lifting now would show fewer than were recorded."""


def seal_name(kind: str, object_id: object) -> str:
    return f"{kind}:{object_id}"


def seals_lifted(*, practice_id: uuid.UUID, client_id: uuid.UUID) -> dict[str, int]:
    """The client's lifted seals and, for each, the visible event that lifted it. A lift row without its
    own lifting event (written into the database by hand) lifts nothing."""
    rows = dict(SealLift.objects.filter(practice_id=practice_id, client_id=client_id).values_list("seal", "event_id"))
    events = dict(
        AuditEvent.objects.filter(
            practice_id=practice_id, client_id=client_id, action=AuditAction.SEAL_LIFT, id__in=list(rows.values())
        ).values_list("id", "object_id")
    )
    return {seal: event for seal, event in rows.items() if events.get(event) == seal}


def seals_hidden(*, practice_id: uuid.UUID, client_id: uuid.UUID) -> set[str]:
    """The seals whose entries the client may not see yet: the history and the accounting both leave them out."""
    used = (
        AuditEvent.objects.filter(practice_id=practice_id, client_id=client_id, sealed_seq__isnull=False)
        .values_list("seal", flat=True)
        .distinct()
    )
    return set(used) - set(seals_lifted(practice_id=practice_id, client_id=client_id))


def seal_is_lifted(*, practice_id: uuid.UUID, client_id: uuid.UUID, seal: str) -> bool:
    return SealLift.objects.filter(practice_id=practice_id, client_id=client_id, seal=seal).exists()


def seal_lift(
    *, actor: Member | None, practice_id: uuid.UUID, client_id: uuid.UUID, seal: str, channel: Channel
) -> AuditEvent | None:
    """Lift a seal inside the caller's transaction: one visible entry naming the seal and how many entries it
    held (the client's browser checks it is shown all of them). ``None`` if it was lifted already.

    Refused (``SealBrokenError``) when any of the client's sealed entries is missing, e.g. deleted from the
    database before its release: the count would match what is left, and the client could not tell. The
    operator's `confide audit verify` names the gap."""
    # The counter row's lock (as ``event_record`` takes it before sealing): no entry slips in after the count.
    counters = ClientCounter.objects.select_for_update().filter(practice_id=practice_id, client_id=client_id)
    reserved = next(iter(counters.values_list("last_sealed", flat=True)), 0)
    if seal_is_lifted(practice_id=practice_id, client_id=client_id, seal=seal):
        return None
    sealed = AuditEvent.objects.filter(practice_id=practice_id, client_id=client_id, sealed_seq__isnull=False)
    if sealed.count() != reserved:
        raise SealBrokenError("a sealed entry of this client is missing: run `confide audit verify`")
    held = sealed.filter(seal=seal).count()
    event = event_record(
        actor=actor,
        practice_id=practice_id,
        action=AuditAction.SEAL_LIFT,
        channel=channel,
        client_id=client_id,
        object_type="sealed-entries",
        object_id=seal,
        purpose=str(held),
    )
    SealLift.objects.create(practice_id=practice_id, client_id=client_id, seal=seal, event_id=event.id)
    return event
