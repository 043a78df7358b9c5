"""Emergency access (45 CFR 164.312(a)(2)(ii)): open an author's psychotherapy notes through the
practice escrow. It needs both escrow holders' age identities, writes the notes only into an
age-encrypted file for a named recipient, and is audited with its reason."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pyrage
from django.db import transaction

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.records.crypto import private_note_context
from confide.records.models import AuthorKey, PsychotherapyNote
from confide.vault import author
from confide.vault.keyring import VaultError


def escrow_export(
    *, member_id: uuid.UUID, client_id: uuid.UUID, identities: tuple[str, str], recipient: str, out: Path, reason: str
) -> int:
    """Decrypt one author's notes about one client into an age file; return how many."""
    if not reason.strip():
        raise VaultError("give the reason for emergency access; it is recorded")
    notes = list(PsychotherapyNote.objects.filter(author_id=member_id, client_id=client_id).order_by("created_at"))
    exported = []
    for key in AuthorKey.objects.filter(member_id=member_id).exclude(wrap_escrow=None):
        private = author.escrow_open(bytes(key.wrap_escrow or b""), identities=identities)
        for note in (n for n in notes if n.author_key_id == key.id):
            context = private_note_context(
                practice_id=note.practice_id, note_id=note.id, author_id=note.author_id, client_id=note.client_id
            )
            body = author.open_sealed(private, bytes(note.body_ct), context=context).decode()
            exported.append({"id": str(note.id), "created_at": note.created_at.isoformat(), "body": body})
    if not notes:
        raise VaultError("this author has no psychotherapy notes about this client")
    try:
        sealed = pyrage.encrypt(json.dumps(exported, indent=2).encode(), [pyrage.x25519.Recipient.from_str(recipient)])
    except pyrage.RecipientError as exc:
        raise VaultError(f"the recipient is not an age X25519 key: {exc}") from None
    with transaction.atomic():
        event_record(
            actor=None,
            practice_id=notes[0].practice_id,
            action=AuditAction.ESCROW_OPEN,
            channel=Channel.CLI,
            client_id=client_id,
            object_type="member",
            object_id=str(member_id),
            purpose=reason[:64],
        )
        out.write_bytes(sealed)
    return len(exported)
