"""Sealed entries: what the law lets the practice keep from a client for a time, logged at once.

A sealed entry (``event_record(..., seal=...)``) is logged like any other, so it cannot be backdated or
added later, but it takes no number of the client's visible history and never moves their head in the
signed map: the client's pages, their proofs and every value their browser sees are the same whether or
not anything was sealed. The domain that owns a seal names it (``disclosure:<id>``) and decides when it
lifts. Lifting records one visible entry of the client's history that names the seal and how many
entries it held; from then on the history shows those entries under it, with the first signed
checkpoint that held each, and the accounting shows what they concern.

``seals_lifted`` is the one answer to "what has this client been shown" that the history and the
accounting both use, so the two pages cannot disagree.
"""

from __future__ import annotations

import uuid

from confide.audit.actions import AuditAction, Channel
from confide.audit.counters import clients_lock
from confide.audit.lifts import seals_lifted
from confide.audit.models import AuditEvent, SealCounter, SealLift
from confide.audit.services import event_record
from confide.practices.models import Member


class SealBrokenError(RuntimeError):
    """A sealed entry of the client is missing: lifting now would show fewer than were recorded."""


def seal_name(kind: str, object_id: object) -> str:
    return f"{kind}:{object_id}"


def seal_lift(
    *, actor: Member | None, practice_id: uuid.UUID, client_id: uuid.UUID, seal: str, channel: Channel
) -> AuditEvent | None:
    """Lift a seal inside the caller's transaction: one visible entry naming the seal and how many entries it
    held (the client's browser checks it is shown all of them). ``None`` if it was lifted already (the lift
    row's unique constraint: never twice).

    Refused (``SealBrokenError``) when one of the seal's entries is missing, e.g. deleted from the database
    before its release: the count would match what is left, and the client could not tell. The seal's
    counter says how many were handed out and how many were logged; `confide audit verify` names the gap."""
    # The client's counter row is locked (as ``event_record`` locks it before sealing): no entry slips in
    # between the count and the lift.
    clients_lock(practice_id=practice_id, client_ids=[client_id])
    if SealLift.objects.filter(practice_id=practice_id, client_id=client_id, seal=seal).exists():
        return None
    counter = SealCounter.objects.filter(practice_id=practice_id, client_id=client_id, seal=seal).first()
    held = AuditEvent.objects.filter(
        practice_id=practice_id, client_id=client_id, seal=seal, sealed_seq__isnull=False
    ).count()
    if counter is not None and (held != counter.last or counter.logged > held):
        raise SealBrokenError("an entry held back under this seal is missing: run `confide audit verify`")
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


def entries_opened(
    *, practice_id: uuid.UUID, client_id: uuid.UUID, lifts: list[AuditEvent]
) -> dict[int, list[AuditEvent]]:
    """The entries each of these lifting events showed, by its id, in sealed order (one query). Only a
    lifting event ``seals_lifted`` accepts counts: the answer the accounting also uses."""
    if not lifts:
        return {}
    lifted = seals_lifted(practice_id=practice_id, client_id=client_id)
    by_seal = {e.object_id: e.id for e in lifts if lifted.get(e.object_id) == e.id}
    held = AuditEvent.objects.filter(
        practice_id=practice_id, client_id=client_id, seal__in=list(by_seal), sealed_seq__isnull=False
    ).select_related("actor__user")
    opened: dict[int, list[AuditEvent]] = {}
    for event in held.order_by("sealed_seq"):
        opened.setdefault(by_seal[event.seal], []).append(event)
    return opened
