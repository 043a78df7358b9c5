"""The proofs a client's browser checks for a page of their history (confide/static/confide/verify-history.js).

The bundle answers for the numbers on the page: each entry's inclusion in the signed log, the client's head
in the checkpoint's map of heads (so the history provably ends there), a consistency proof from the
browser's last visit and from the anchor the signer keeps outside the database; and, for each lifted seal on
the page, the entries it held with their proofs in the first signed checkpoint that included them.
"""

from __future__ import annotations

import base64
import uuid

from django.conf import settings

from confide.audit.actions import AuditAction
from confide.audit.anchor import anchor_open
from confide.audit.commitment import canonical
from confide.audit.heads import HeadMap
from confide.audit.integrate import LogIntegrityError, heads_stored, log_integrate
from confide.audit.log import checkpoint_latest, consistency_proof, inclusion_proofs, verifier_key
from confide.audit.models import AuditEvent, Checkpoint, LogLeaf
from confide.audit.seals import entries_opened
from confide.audit.witnessing import witnessed
from confide.practices.models import Practice

MAX_SPAN = 500  # the most entries one proof bundle answers for


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def proof_bundle(
    *,
    practice: Practice,
    client_id: uuid.UUID,
    since: int | None,
    first: int | None = None,
    last: int | None = None,
    seqs: list[int] | None = None,
) -> dict[str, object]:
    """Everything a browser needs to check the client's entries numbered ``first`` to ``last`` (no ``last``:
    up to their signed head), or exactly those in ``seqs`` (a filtered page); at most ``MAX_SPAN``."""
    try:
        while log_integrate(practice_id=practice.id):
            pass
    except LogIntegrityError as exc:
        return {"problem": str(exc)}
    for _ in range(3):  # another request may sign between the two reads: read both again
        checkpoint = checkpoint_latest(practice_id=practice.id)
        heads = HeadMap.of(heads_stored(practice.id).values())
        if checkpoint is None or bytes(checkpoint.heads_root) == heads.root():
            break
    else:
        return {"problem": "the stored client heads differ from the signed ones"}
    if checkpoint is None:
        return {"size": 0, "entries": [], "client": str(client_id), "head": None}
    size = checkpoint.size
    position = heads.position(client_id)
    head, newest = None, 0
    if position is not None:
        mine = heads.heads[position]
        newest = mine.seq
        proof = [_b64(h) for h in heads.proof(position)]
        head = {"seq": mine.seq, "index": mine.index, "position": position, "proof": proof}
    top = last if last is not None else newest
    if seqs:
        wanted: list[int] | range = sorted(set(seqs))[:MAX_SPAN]
    elif first is not None and first <= top:
        wanted = range(first, min(top, first + MAX_SPAN - 1) + 1)
    else:
        wanted = []
    entries = _entries(practice.id, client_id, size, wanted) if wanted else []
    return {
        "verifier_key": verifier_key(practice),
        "checkpoint": checkpoint.note,
        "size": size,
        "root": _b64(bytes(checkpoint.root)),
        "client": str(client_id),
        "head": head,
        "entries": entries,
        "consistency": _consistency(practice.id, since, size),
        "seen": _seen(practice.id, since),
        "anchor": _anchor(practice, size),
        "witnessed": _witnessed(practice.id, size),
    }


def _entries(
    practice_id: uuid.UUID, client_id: uuid.UUID, size: int, wanted: list[int] | range
) -> list[dict[str, object]]:
    rows = AuditEvent.objects.filter(practice_id=practice_id, client_id=client_id, client_seq__isnull=False)
    if isinstance(wanted, range):  # one indexed range, not an IN list of hundreds
        rows = rows.filter(client_seq__gte=wanted.start, client_seq__lt=wanted.stop)
    else:
        rows = rows.filter(client_seq__in=wanted)
    events = {e.id: e for e in rows}
    leaves = LogLeaf.objects.filter(practice_id=practice_id, event_id__in=list(events), index__lt=size)
    ordered = list(leaves.order_by("index"))
    proofs = inclusion_proofs(practice_id, [leaf.index for leaf in ordered], size)
    entries = [_entry(leaf, events[leaf.event_id], proofs[leaf.index]) for leaf in ordered]
    lifts = [events[leaf.event_id] for leaf in ordered if events[leaf.event_id].action == AuditAction.SEAL_LIFT]
    if lifts:
        opened = entries_opened(practice_id=practice_id, client_id=client_id, lifts=lifts)
        for entry, leaf in zip(entries, ordered, strict=True):
            if events[leaf.event_id].action == AuditAction.SEAL_LIFT:
                entry["revealed"] = _revealed(practice_id, opened.get(leaf.event_id, []), size)
    return entries


def _entry(leaf: LogLeaf, event: AuditEvent, proof: list[bytes]) -> dict[str, object]:
    return {
        "index": leaf.index,
        "seq": event.client_seq,
        "canonical": canonical(event.canonical_fields()).decode(),
        "salt": _b64(bytes(event.salt)) if event.salt is not None else None,
        "leaf": _b64(bytes(leaf.leaf_hash)),
        "proof": [_b64(h) for h in proof],
    }


def _revealed(practice_id: uuid.UUID, held: list[AuditEvent], size: int) -> list[dict[str, object]]:
    """The entries a lifted seal held, each with its proof in the served checkpoint and in the first signed
    checkpoint that included it (with that checkpoint's consistency to the served one): the browser proves
    each was in the log since that checkpoint's signed time, i.e. since it was recorded, not added later."""
    leaves = {
        leaf.event_id: leaf
        for leaf in LogLeaf.objects.filter(practice_id=practice_id, event_id__in=[e.id for e in held], index__lt=size)
    }
    proofs = inclusion_proofs(practice_id, [leaf.index for leaf in leaves.values()], size)
    found: list[dict[str, object]] = []
    for event in held:
        leaf = leaves.get(event.id)
        if leaf is None:
            continue  # not logged (yet): the browser counts it as missing
        entry = _entry(leaf, event, proofs[leaf.index])
        first = Checkpoint.objects.filter(practice_id=practice_id, size__gt=leaf.index, size__lte=size)
        since = first.order_by("size").first()
        if since is not None:
            entry["since"] = {
                "checkpoint": since.note,
                "proof": [_b64(h) for h in inclusion_proofs(practice_id, [leaf.index], since.size)[leaf.index]],
                "consistency": [_b64(h) for h in consistency_proof(practice_id, since.size, size)]
                if since.size < size
                else [],
            }
        found.append(entry)
    return found


def _consistency(practice_id: uuid.UUID, since: int | None, size: int) -> dict[str, object] | None:
    if since is None or not 0 < since <= size:
        return None
    return {"from": since, "proof": [_b64(h) for h in consistency_proof(practice_id, since, size)]}


def _seen(practice_id: uuid.UUID, since: int | None) -> str | None:
    """The checkpoint the browser saw on its last visit, as stored: it must still be there, unchanged."""
    if since is None:
        return None
    return Checkpoint.objects.filter(practice_id=practice_id, size=since).values_list("note", flat=True).first()


def _anchor(practice: Practice, size: int) -> dict[str, object] | None:
    """The newest checkpoint the signer kept outside the database, and how the served one extends it."""
    opened = anchor_open(practice)
    if opened is None:
        return None
    kept, anchored = opened
    proof = consistency_proof(practice.id, anchored.size, size) if 0 < anchored.size < size else []
    return {"checkpoint": kept, "proof": [_b64(h) for h in proof]}


def _witnessed(practice_id: uuid.UUID, size: int) -> dict[str, object] | None:
    """The newest checkpoint the practice's witnesses cosigned, with their cosignature lines and their
    keys, and how the served checkpoint extends it: the browser counts the witnesses whose cosignature
    verifies (a witness's word is only as good as its key, which the practice publishes)."""
    found = witnessed(practice_id, size)
    if found is None:
        return None
    checkpoint, lines = found
    proof = consistency_proof(practice_id, checkpoint.size, size) if checkpoint.size < size else []
    return {
        "checkpoint": checkpoint.note + "".join(f"{line}\n" for line in lines),
        "proof": [_b64(h) for h in proof],
        "witnesses": [vkey for _, vkey in settings.CONFIDE_WITNESSES],
    }
