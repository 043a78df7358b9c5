"""What an administrator with write access to the database, but not the master key, does to a client's
history: each function rewrites the database as such an attacker would (triggers dropped first).

Used by the operator's verifier tests (tests/audit/test_attacks.py) and by the browser's
(tests/browser/test_history_attacks.py): every attack must be reported by both.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable

from django.db import connection

from confide.audit import note
from confide.audit.commitment import commitment
from confide.audit.log import origin, signing_key
from confide.audit.models import AuditEvent, Checkpoint, ClientCounter, LogHead, LogLeaf, LogState, PendingEvent
from confide.clients.models import Client
from confide.practices.models import Practice
from tests.attacker import drop_append_only_triggers


def _events(client: Client) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(practice_id=client.practice_id, client_id=client.id).order_by("client_seq"))


def delete_newest(client: Client) -> None:
    """A member hides their latest look at the record."""
    AuditEvent.objects.filter(pk=_events(client)[-1].pk).delete()


def delete_middle(client: Client) -> None:
    AuditEvent.objects.filter(pk=_events(client)[1].pk).delete()


def edit(client: Client) -> None:
    AuditEvent.objects.filter(pk=_events(client)[-1].pk).update(actor_role="staff")


def clear_salt_and_rewrite(client: Client) -> None:
    """Shredding's one allowed update (clearing a salt), then the entry rewritten: without a salt the
    commitment cannot be recomputed, so the rewrite would not show there."""
    newest = _events(client)[-1]
    AuditEvent.objects.filter(pk=newest.pk).update(salt=None, action="portal:self:read", purpose="")


def reorder(client: Client) -> None:
    """Two entries swap places in the client's history."""
    first, second = _events(client)[-2:]
    AuditEvent.objects.filter(pk=first.pk).update(client_seq=10**9)
    AuditEvent.objects.filter(pk=second.pk).update(client_seq=first.client_seq)
    AuditEvent.objects.filter(pk=first.pk).update(client_seq=second.client_seq)


def insert_forged(client: Client) -> None:
    """A well-formed event of the attacker's making, next in the client's numbering (the counter moved too)."""
    template = _events(client)[-1]
    counter = ClientCounter.objects.get(practice_id=client.practice_id, client_id=client.id)
    forged = AuditEvent(
        practice_id=template.practice_id,
        actor_id=template.actor_id,
        actor_role=template.actor_role,
        action=template.action,
        channel=template.channel,
        client_id=client.id,
        client_seq=counter.last_seq + 1,
        object_type=template.object_type,
        object_id=template.object_id,
        created_at=template.created_at,
        salt=os.urandom(32),
    )
    forged.commitment = commitment(bytes(forged.salt or b""), forged.canonical_fields())
    forged.tag = os.urandom(32)  # the real tag needs the master key
    forged.save(force_insert=True)
    ClientCounter.objects.filter(pk=counter.pk).update(last_seq=counter.last_seq + 1)
    PendingEvent.objects.create(event_id=forged.pk, practice_id=client.practice_id)  # queued like a real one


def roll_back_to(practice_id: uuid.UUID, size: int) -> None:
    """Make the database exactly what it was at log size ``size``: leaves, subtree hashes, checkpoints,
    state and heads together, and the events of the removed leaves gone."""
    removed = list(LogLeaf.objects.filter(practice_id=practice_id, index__gte=size).values_list("event_id", flat=True))
    LogLeaf.objects.filter(practice_id=practice_id, index__gte=size).delete()
    with connection.cursor() as cursor:  # every complete subtree reaching past the new end
        cursor.execute(
            'DELETE FROM audit_lognode WHERE practice_id = %s AND (("index" + 1) << level) > %s',
            [practice_id.hex if connection.vendor == "sqlite" else str(practice_id), size],
        )
    Checkpoint.objects.filter(practice_id=practice_id, size__gt=size).delete()
    LogState.objects.filter(practice_id=practice_id).update(size=size)
    AuditEvent.objects.filter(id__in=removed).delete()
    LogHead.objects.filter(practice_id=practice_id).delete()
    for leaf in LogLeaf.objects.filter(practice_id=practice_id).order_by("index"):
        event = AuditEvent.objects.get(pk=leaf.event_id)
        if event.client_id is not None:
            LogHead.objects.update_or_create(
                practice_id=practice_id,
                client_id=event.client_id,
                defaults={"seq": event.client_seq or 0, "leaf_index": leaf.index},
            )


def truncate_tail(client: Client) -> None:
    """The log's last entry (the client's newest) removed with everything that points to it."""
    state = LogState.objects.get(practice_id=client.practice_id)
    roll_back_to(client.practice_id, state.size - 1)


def replay_old_checkpoint(client: Client) -> None:
    """The whole log rolled back to an older checkpoint, which is then served as the newest."""
    older = Checkpoint.objects.filter(practice_id=client.practice_id).order_by("-size")[1]
    roll_back_to(client.practice_id, older.size)


def delete_old_checkpoint(client: Client) -> None:
    """The checkpoint before the newest (the one a client saw on their last visit, say) removed."""
    older = Checkpoint.objects.filter(practice_id=client.practice_id).order_by("-size")[1]
    Checkpoint.objects.filter(pk=older.pk).delete()


def delete_newest_checkpoint(client: Client) -> None:
    Checkpoint.objects.filter(
        pk=Checkpoint.objects.filter(practice_id=client.practice_id).order_by("-size")[0].pk
    ).delete()


def fork(client: Client) -> None:
    """A second, validly signed checkpoint of the newest size over a different tree takes the place of the
    first. Only the signer can make one (the test borrows its key): it stands for a fork made earlier."""
    practice = Practice.objects.get(pk=client.practice_id)
    newest = Checkpoint.objects.filter(practice_id=practice.id).order_by("-size")[0]
    signed = note.open_note(newest.note, verifier=_verifier(practice))
    other = note.Checkpoint(signed.origin, signed.size, os.urandom(32), signed.extensions)
    text = note.sign(other, name=origin(practice), key=signing_key(practice.id))
    Checkpoint.objects.filter(pk=newest.pk).update(note=text, root=other.root)


def _verifier(practice: Practice) -> str:
    from confide.audit.log import verifier_key

    return verifier_key(practice)


ATTACKS: dict[str, Callable[[Client], None]] = {
    "delete the newest entry": delete_newest,
    "truncate the log's tail": truncate_tail,
    "delete an entry in the middle": delete_middle,
    "edit an entry": edit,
    "clear a salt and rewrite an entry": clear_salt_and_rewrite,
    "reorder two entries": reorder,
    "insert a forged entry": insert_forged,
    "delete an old signed checkpoint": delete_old_checkpoint,
    "delete the newest signed checkpoint": delete_newest_checkpoint,
    "replay an old checkpoint": replay_old_checkpoint,
    "fork the log": fork,
}


def attack(name: str, client: Client) -> None:
    drop_append_only_triggers()
    ATTACKS[name](client)
