"""A client's access history in plain language, a page at a time, and the proofs their browser checks.

The page is read newest first by the client's sequence number (one indexed range, whatever the history's
length). The proof bundle answers for the numbers on the page: each entry's inclusion in the signed log,
the client's head in the checkpoint's map of heads (so the history provably ends there), a consistency
proof from the browser's last visit and from the anchor the signer keeps outside the database.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime

from confide.audit.actions import AuditAction
from confide.audit.anchor import anchor_open
from confide.audit.commitment import canonical
from confide.audit.heads import HeadMap
from confide.audit.integrate import LogIntegrityError, heads_stored, log_integrate
from confide.audit.log import checkpoint_latest, consistency_proof, inclusion_proofs, verifier_key
from confide.audit.models import AuditEvent, Checkpoint, LogLeaf
from confide.audit.seals import seals_lifted
from confide.practices.models import Member, Practice

PAGE = 50
MAX_SPAN = 500  # the most entries one proof bundle answers for

PHRASES: dict[str, str] = {
    AuditAction.CLIENT_CREATE: "created your record",
    AuditAction.CLIENT_READ: "opened your record",
    AuditAction.CLIENT_LIST: "saw your name in a list of clients",
    AuditAction.CLIENT_INVITE: "invited you to this portal",
    AuditAction.CLIENT_PORTAL_READ: "opened your portal",
    AuditAction.INVITATION_ACCEPT: "accepted the portal invitation",
    AuditAction.CARETEAM_ADD: "added someone to your care team",
    AuditAction.CARETEAM_REMOVE: "removed someone from your care team",
    AuditAction.NOTE_CREATE: "wrote a progress note",
    AuditAction.NOTE_UPDATE: "edited a draft progress note",
    AuditAction.NOTE_READ: "read a progress note",
    AuditAction.NOTE_SIGN: "signed a progress note",
    AuditAction.NOTE_AMEND: "amended a progress note",
    AuditAction.PN_CREATE: "wrote a private process note (readable only by its author)",
    AuditAction.PN_READ: "re-read their own private process note",
    AuditAction.DOCUMENT_UPLOAD: "added a document",
    AuditAction.DOCUMENT_READ: "opened a document",
    AuditAction.ESCROW_OPEN: "used emergency access to private notes",
    AuditAction.CLIENT_KEY_ROTATE: "renewed the encryption key of your record",
    AuditAction.CLIENT_REENCRYPT: "re-encrypted your record under the new key",
    AuditAction.CLIENT_SHRED: "destroyed the encryption key of your record",
    AuditAction.AGREEMENT_READ: "opened an agreement to read it",
    AuditAction.AGREEMENT_SIGN: "signed an agreement",
    AuditAction.AGREEMENT_DOWNLOAD: "downloaded a signed agreement or its receipt",
    AuditAction.CONSENT_REMIND: "sent a reminder to review your agreement",
    AuditAction.DIRECTIVE_GRANT: "gave permission to share information",
    AuditAction.DIRECTIVE_REVOKE: "withdrew a permission to share information",
    AuditAction.DIRECTIVE_EXPORT: "exported a sharing permission",
    AuditAction.DISCLOSURE_REQUEST: "prepared a disclosure the law allows or requires",
    AuditAction.DISCLOSURE_READ: "read a prepared disclosure",
    AuditAction.DISCLOSURE_DECIDE: "reviewed a disclosure as a second clinician",
    AuditAction.DISCLOSURE_RELEASE: "disclosed information (see your accounting of disclosures)",
    AuditAction.DISCLOSURE_NOTICE: "sent you a notice about a disclosure",
    AuditAction.DISCLOSURE_WITHHOLDING_END: "decided you can now be told about a disclosure",
    AuditAction.ACCOUNTING_READ: "read your accounting of disclosures",
    AuditAction.ACCOUNTING_CORRECT: "corrected an entry in your accounting of disclosures",
    AuditAction.BREAKGLASS_OPEN: "opened your record in an emergency (break-glass access)",
    AuditAction.BREAKGLASS_REVIEW: "reviewed an emergency access to your record",
    AuditAction.HOLD_PLACE: "placed a legal hold on your record",
    AuditAction.HOLD_RELEASE: "released a legal hold on your record",
    AuditAction.APPOINTMENT_CREATE: "scheduled a session with you",
    AuditAction.APPOINTMENT_UPDATE: "updated a session (time or attendance)",
    AuditAction.APPOINTMENT_CHANGE_REQUEST: "asked to change a session",
    AuditAction.APPOINTMENT_REMIND: "sent you a session reminder",
    AuditAction.MEASURE_ASSIGN: "asked you to fill in a questionnaire",
    AuditAction.MEASURE_RECORD: "recorded a questionnaire",
    AuditAction.MEASURE_READ: "looked at your questionnaire results",
    AuditAction.WARNING_ACKNOWLEDGE: "reviewed an alert from your questionnaire results",
    AuditAction.SEAL_LIFT: "showed you entries the law allowed the practice to hold back until now",
}
ROLES = {
    "owner": "practice owner",
    "clinician": "clinician",
    "supervisor": "clinical supervisor",
    "staff": "practice staff",
    "client": "you",
    "operator": "system administrator",
}


# What a client can filter by: plain groups of actions.
KINDS: dict[str, tuple[str, tuple[AuditAction, ...]]] = {
    "read": (
        "Looked at your record",
        (
            AuditAction.CLIENT_READ, AuditAction.CLIENT_LIST, AuditAction.NOTE_READ, AuditAction.PN_READ,
            AuditAction.DOCUMENT_READ, AuditAction.AGREEMENT_READ, AuditAction.MEASURE_READ,
            AuditAction.DISCLOSURE_READ, AuditAction.ACCOUNTING_READ, AuditAction.CLIENT_PORTAL_READ,
        ),
    ),
    "wrote": (
        "Wrote or changed your record",
        (
            AuditAction.CLIENT_CREATE, AuditAction.NOTE_CREATE, AuditAction.NOTE_UPDATE, AuditAction.NOTE_SIGN,
            AuditAction.NOTE_AMEND, AuditAction.PN_CREATE, AuditAction.DOCUMENT_UPLOAD, AuditAction.MEASURE_RECORD,
            AuditAction.MEASURE_ASSIGN, AuditAction.WARNING_ACKNOWLEDGE,
        ),
    ),
    "shared": (
        "Sharing and disclosures",
        (
            AuditAction.DIRECTIVE_GRANT, AuditAction.DIRECTIVE_REVOKE, AuditAction.DIRECTIVE_EXPORT,
            AuditAction.DISCLOSURE_REQUEST, AuditAction.DISCLOSURE_DECIDE, AuditAction.DISCLOSURE_RELEASE,
            AuditAction.DISCLOSURE_NOTICE, AuditAction.ACCOUNTING_CORRECT, AuditAction.AGREEMENT_DOWNLOAD,
            AuditAction.SEAL_LIFT, AuditAction.DISCLOSURE_WITHHOLDING_END,
        ),
    ),
    "emergency": (
        "Emergency access, holds and keys",
        (
            AuditAction.BREAKGLASS_OPEN, AuditAction.BREAKGLASS_REVIEW, AuditAction.ESCROW_OPEN,
            AuditAction.HOLD_PLACE, AuditAction.HOLD_RELEASE, AuditAction.CLIENT_KEY_ROTATE,
            AuditAction.CLIENT_REENCRYPT, AuditAction.CLIENT_SHRED,
        ),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class HistoryRow:
    seq: int
    who: str
    role: str
    what: str
    when: datetime
    why: str
    action: str
    # What the entry commits to, as its canonical bytes say it: the browser compares each row with them.
    actor: str
    role_code: str
    time: str
    purpose: str
    mine: bool  # the viewer's own (decided by id: a name anyone can change in the database)
    sealed_seq: int | None = None  # an entry that was held back: its number in the sealed stream
    revealed: tuple[HistoryRow, ...] = ()  # under a lifting entry: the entries it showed


@dataclass(frozen=True)
class HistoryPage:
    rows: list[HistoryRow]
    older: int | None  # the ``before`` of the next page, if there is one
    first: bool  # the newest entries: the browser checks the history ends at the signed head
    # The numbers this page answers for, shown or not: from the next page's boundary (1 on the oldest
    # page) up to ``before`` - 1 (on the first page: up to the signed head, which the browser learns).
    low: int
    high: int | None


def _reason(purpose: str) -> str:
    if "." in purpose and " " not in purpose:  # a rule id of a rule pack, not words
        return "a reason the law allows or requires"
    return purpose


def history_page(
    *, practice_id: uuid.UUID, client_id: uuid.UUID, viewer: Member, before: int | None = None, kind: str = ""
) -> HistoryPage:
    """One page of the client's history, newest first: entries numbered below ``before``."""
    # Sealed entries have no number here: they appear only under the entry that lifted their seal.
    events = AuditEvent.objects.filter(practice_id=practice_id, client_id=client_id, client_seq__isnull=False)
    if before is not None:
        events = events.filter(client_seq__lt=before)
    if kind in KINDS:
        events = events.filter(action__in=KINDS[kind][1])
    page = list(events.select_related("actor__user").order_by("-client_seq", "id")[: PAGE + 1])
    opened = _opened(practice_id, client_id, [e for e in page[:PAGE] if e.action == AuditAction.SEAL_LIFT])
    rows = [_row(e, viewer, tuple(_row(r, viewer) for r in opened.get(e.id, ()))) for e in page[:PAGE]]
    older = rows[-1].seq if len(page) > PAGE else None
    return HistoryPage(
        rows=rows,
        older=older,
        first=before is None,
        low=older if older is not None else 1,
        high=before - 1 if before is not None else None,
    )


def _opened(practice_id: uuid.UUID, client_id: uuid.UUID, lifts: list[AuditEvent]) -> dict[int, list[AuditEvent]]:
    """The entries each lifting event showed, by the lifting event's id (one query for the page)."""
    if not lifts:
        return {}
    lifted = {seal: event for seal, event in seals_lifted(practice_id=practice_id, client_id=client_id).items()}
    by_seal = {e.object_id: e.id for e in lifts if lifted.get(e.object_id) == e.id}
    held = AuditEvent.objects.filter(
        practice_id=practice_id, client_id=client_id, seal__in=list(by_seal), sealed_seq__isnull=False
    ).select_related("actor__user")
    opened: dict[int, list[AuditEvent]] = {}
    for e in held.order_by("sealed_seq"):
        opened.setdefault(by_seal[e.seal], []).append(e)
    return opened


def _row(e: AuditEvent, viewer: Member, revealed: tuple[HistoryRow, ...] = ()) -> HistoryRow:
    mine = e.actor_id == viewer.id
    who = "You" if mine else (str(e.actor.user) if e.actor else "The system administrator")
    return HistoryRow(
        seq=e.client_seq or 0,
        who=who,
        role=ROLES.get(e.actor_role, e.actor_role),
        what=PHRASES.get(e.action, "did something else with your record"),
        when=e.created_at,
        why="" if e.action == AuditAction.SEAL_LIFT else _reason(e.purpose),
        action=e.action,
        actor=str(e.actor_id) if e.actor_id else "",
        role_code=e.actor_role,
        time=e.created_at.isoformat(),
        purpose=e.purpose,
        mine=mine,
        sealed_seq=e.sealed_seq,
        revealed=revealed,
    )


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
        opened = _opened(practice_id, client_id, lifts)
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
