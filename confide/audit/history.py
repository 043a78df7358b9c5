"""A client's access history in plain language, and the proof bundle their browser verifies."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime

from confide.audit import merkle
from confide.audit.actions import AuditAction
from confide.audit.commitment import canonical
from confide.audit.log import checkpoint_latest, consistency_proof, inclusion_proof, log_integrate, verifier_key
from confide.audit.models import AuditEvent, LogLeaf
from confide.practices.models import Member, Practice

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
}
ROLES = {
    "owner": "practice owner",
    "clinician": "clinician",
    "supervisor": "clinical supervisor",
    "staff": "practice staff",
    "client": "you",
    "operator": "system administrator",
}


@dataclass(frozen=True)
class HistoryRow:
    seq: int
    who: str
    role: str
    what: str
    when: datetime
    why: str
    action: str


def history_rows(*, practice_id: uuid.UUID, client_id: uuid.UUID, viewer: Member) -> list[HistoryRow]:
    events = (
        AuditEvent.objects.filter(practice_id=practice_id, client_id=client_id)
        .select_related("actor__user")
        .order_by("-client_seq")
    )
    rows = []
    for e in events:
        who = "You" if e.actor_id == viewer.id else (str(e.actor.user) if e.actor else "The system administrator")
        rows.append(
            HistoryRow(
                seq=e.client_seq or 0,
                who=who,
                role=ROLES.get(e.actor_role, e.actor_role),
                what=PHRASES.get(e.action, e.action),
                when=e.created_at,
                why=e.purpose,
                action=e.action,
            )
        )
    return rows


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode()


def proof_bundle(*, practice: Practice, client_id: uuid.UUID, since: int | None) -> dict[str, object]:
    """Everything a browser needs to check the client's history against a signed checkpoint."""
    while log_integrate(practice_id=practice.id):
        pass
    checkpoint = checkpoint_latest(practice_id=practice.id)
    if checkpoint is None:
        return {"size": 0, "entries": []}
    size = checkpoint.size
    events = {e.id: e for e in AuditEvent.objects.filter(practice_id=practice.id, client_id=client_id)}
    leaves = LogLeaf.objects.filter(practice_id=practice.id, event_id__in=list(events), index__lt=size)
    entries = []
    for leaf in leaves.order_by("index"):
        event = events[leaf.event_id]
        entries.append(
            {
                "index": leaf.index,
                "seq": event.client_seq,
                "canonical": canonical(event.canonical_fields()).decode(),
                "salt": _b64(bytes(event.salt)) if event.salt is not None else None,
                "leaf": _b64(bytes(leaf.leaf_hash)),
                "proof": [_b64(h) for h in inclusion_proof(practice.id, leaf.index, size)],
            }
        )
    consistency = None
    if since is not None and 0 < since <= size:
        consistency = {"from": since, "proof": [_b64(h) for h in consistency_proof(practice.id, since, size)]}
    return {
        "verifier_key": verifier_key(practice),
        "checkpoint": checkpoint.note,
        "size": size,
        "root": _b64(bytes(checkpoint.root)),
        "entries": entries,
        "consistency": consistency,
        "empty_root": _b64(merkle.EMPTY_ROOT),
    }
