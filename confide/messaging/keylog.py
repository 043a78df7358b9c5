"""Key transparency for a thread (decision 19): where in the practice's signed log each key a page seals to
was published, so the sender's browser seals only to keys the log holds (static/confide/keylog.js).

A key is published by one event, MAILBOX_PUBLISH, whose committed fields name the practice, the member
who published it (the actor) and the key's id (the hash of its two public keys); a key its owner gave up
has a later MAILBOX_RETIRE, which is sent with it, so a row whose retirement was undone in the database is
refused too. The answer carries, per
key, that event's committed bytes with its salt, its leaf and an RFC 9162 inclusion proof in the newest
signed checkpoint, with the checkpoint and the practice's verifier key: the browser recomputes the leaf
from the bytes and the root from the proof and checks the checkpoint's signature. A key whose row was
written behind the server's back has no such event, and one published openly stays in the log for good
(a client's own in their history).

Nothing here is a new read of client data: the answer goes with the recipients the page was shown, which
`recipients_recorded` has already written into the client's history.
"""

from __future__ import annotations

from collections.abc import Iterable

from confide.audit.actions import AuditAction
from confide.audit.commitment import canonical
from confide.audit.integrate import LogIntegrityError, log_integrate
from confide.audit.log import checkpoint_latest, consistency_proof, inclusion_proofs, verifier_key
from confide.audit.models import AuditEvent, LogLeaf
from confide.messaging.http import b64
from confide.messaging.models import Mailbox
from confide.practices.models import Practice


def keys_logged(*, practice: Practice, mailboxes: Iterable[Mailbox], since: int | None = None) -> dict[str, object]:
    """For each mailbox, its publication in the signed log (``None`` when the log holds none) and its
    retirement if any, the checkpoint the proofs lead to, and how that checkpoint extends the one of size
    ``since`` (the last this browser checked). ``{"problem": …}`` when the log cannot be brought up to date."""
    boxes = list(mailboxes)
    try:
        while log_integrate(practice_id=practice.id):
            pass
    except LogIntegrityError as exc:
        return {"problem": str(exc)}
    checkpoint = checkpoint_latest(practice_id=practice.id)
    found: dict[str, object] = {box.key_id: None for box in boxes}
    if checkpoint is None:
        return {"size": 0, "keys": found}
    size = checkpoint.size
    events = {
        event.id: event
        for event in AuditEvent.objects.filter(
            practice_id=practice.id,
            action__in=[AuditAction.MAILBOX_PUBLISH, AuditAction.MAILBOX_RETIRE],
            object_type="mailbox",
            object_id__in=[box.key_id for box in boxes],
        )
    }
    owners = {box.key_id: box.member_id for box in boxes}
    leaves = [
        leaf
        for leaf in LogLeaf.objects.filter(practice_id=practice.id, event_id__in=list(events), index__lt=size)
        if events[leaf.event_id].action == AuditAction.MAILBOX_RETIRE
        or events[leaf.event_id].actor_id == owners[events[leaf.event_id].object_id]
    ]
    proofs = inclusion_proofs(practice.id, [leaf.index for leaf in leaves], size)
    retired: dict[str, dict[str, object]] = {}
    for leaf in sorted(leaves, key=lambda leaf: leaf.index):
        event = events[leaf.event_id]
        entry = {
            "index": leaf.index,
            "canonical": canonical(event.canonical_fields()).decode(),
            "salt": b64(bytes(event.salt)) if event.salt is not None else None,
            "proof": [b64(h) for h in proofs[leaf.index]],
        }
        if event.action == AuditAction.MAILBOX_RETIRE:
            retired[event.object_id] = entry
        else:
            found[event.object_id] = entry
    for key_id, entry in retired.items():  # given up by its owner: the browser seals nothing to it
        published = found.get(key_id)
        found[key_id] = {**published, "retired": entry} if isinstance(published, dict) else {"retired": entry}
    return {
        "verifier_key": verifier_key(practice),
        "checkpoint": checkpoint.note,
        "size": size,
        "root": b64(bytes(checkpoint.root)),
        "keys": found,
        "consistency": [b64(h) for h in consistency_proof(practice.id, since, size)]
        if since is not None and 0 < since < size
        else [],
    }
