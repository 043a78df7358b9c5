"""Progress notes: part of the record, encrypted under the client's key; signed notes are sealed."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.lib.lookup import one_or_404
from confide.practices.models import Member
from confide.records.crypto import progress_note_ad
from confide.records.models import ProgressNote

BODY_MAX = 50_000


@dataclass(frozen=True)
class NoteView:
    id: uuid.UUID
    body: str
    status: str
    author: str
    author_id: uuid.UUID
    created_at: datetime
    signed_at: datetime | None
    amends_id: uuid.UUID | None
    seal_ok: bool | None


def _clean_body(body: object) -> str:
    if not isinstance(body, str) or not body.strip():
        raise ValidationError({"body": "Write the note before saving it."})
    if len(body) > BODY_MAX:
        raise ValidationError({"body": f"Keep a note to {BODY_MAX:,} characters or fewer."})
    if "\x00" in body:
        raise ValidationError({"body": "The note contains characters that cannot be stored."})
    return body.replace("\r\n", "\n")


def seal_body(note: ProgressNote, client: Client, body: str) -> None:
    key = client.data_key()
    note.body_ct = key.encrypt(
        body.encode(),
        associated_data=progress_note_ad(practice_id=client.practice_id, note_id=note.id, client_id=client.id),
    )


def open_body(note: ProgressNote, client: Client) -> str:
    ad = progress_note_ad(practice_id=client.practice_id, note_id=note.id, client_id=client.id)
    return client.data_key().decrypt(bytes(note.body_ct), associated_data=ad).decode()


def progress_note_create(
    *, actor: Member, client: Client, body: object, channel: Channel, amends: ProgressNote | None = None
) -> ProgressNote:
    """Create a draft (the caller obtained ``client`` through the access funnel with write access)."""
    text = _clean_body(body)
    note = ProgressNote(id=uuid.uuid4(), practice_id=client.practice_id, client=client, author=actor, amends=amends)
    seal_body(note, client, text)
    with transaction.atomic():
        note.save(force_insert=True)
        event_record(
            actor=actor,
            action=AuditAction.NOTE_AMEND if amends else AuditAction.NOTE_CREATE,
            channel=channel,
            client_id=client.id,
            object_type="progress-note",
            object_id=str(note.id),
        )
    return note


def _own_note(*, actor: Member, client: Client, note_id: uuid.UUID | str) -> ProgressNote:
    return one_or_404(ProgressNote.objects.all(), practice_id=client.practice_id, client=client, pk=note_id)


def progress_note_update(
    *, actor: Member, client: Client, note_id: uuid.UUID | str, body: object, channel: Channel
) -> ProgressNote:
    note = _own_note(actor=actor, client=client, note_id=note_id)
    if note.author_id != actor.id:
        raise ValidationError({"body": "Only the author can edit a draft."})
    if note.status != ProgressNote.Status.DRAFT:
        raise ValidationError({"body": "A signed note is sealed. Add an amendment instead."})
    seal_body(note, client, _clean_body(body))
    note.updated_at = timezone.now()
    with transaction.atomic():
        note.save(update_fields=["body_ct", "updated_at"])
        event_record(
            actor=actor,
            action=AuditAction.NOTE_UPDATE,
            channel=channel,
            client_id=client.id,
            object_type="progress-note",
            object_id=str(note.id),
        )
    return note


def progress_note_sign(*, actor: Member, client: Client, note_id: uuid.UUID | str, channel: Channel) -> ProgressNote:
    """Seal a draft: record the SHA-256 of its body, the signer and the time; it never changes again."""
    note = _own_note(actor=actor, client=client, note_id=note_id)
    if note.author_id != actor.id or note.status != ProgressNote.Status.DRAFT:
        raise ValidationError({"note": "Only the author can sign, and only a draft."})
    body = open_body(note, client)
    with transaction.atomic():
        updated = ProgressNote.objects.filter(pk=note.pk, status=ProgressNote.Status.DRAFT).update(
            status=ProgressNote.Status.SIGNED,
            signed_at=timezone.now(),
            content_hash=hashlib.sha256(body.encode()).digest(),
        )
        if not updated:
            raise ValidationError({"note": "This note was signed already."})
        event_record(
            actor=actor,
            action=AuditAction.NOTE_SIGN,
            channel=channel,
            client_id=client.id,
            object_type="progress-note",
            object_id=str(note.id),
        )
    note.refresh_from_db()
    return note


def progress_note_amend(
    *, actor: Member, client: Client, note_id: uuid.UUID | str, body: object, channel: Channel
) -> ProgressNote:
    original = _own_note(actor=actor, client=client, note_id=note_id)
    if original.status != ProgressNote.Status.SIGNED:
        raise ValidationError({"note": "Edit the draft itself; amendments are for signed notes."})
    return progress_note_create(actor=actor, client=client, body=body, channel=channel, amends=original)


def progress_notes_for(*, actor: Member, client: Client, channel: Channel) -> list[NoteView]:
    """Every progress note of the client, decrypted, newest first; each one shown is audited."""
    notes = list(
        ProgressNote.objects.filter(practice_id=client.practice_id, client=client)
        .select_related("author__user")
        .order_by("-created_at")
    )
    views = []
    for note in notes:
        body = open_body(note, client)
        seal_ok = (
            None if note.content_hash is None else hashlib.sha256(body.encode()).digest() == bytes(note.content_hash)
        )
        views.append(
            NoteView(
                note.id,
                body,
                note.status,
                str(note.author.user),
                note.author_id,
                note.created_at,
                note.signed_at,
                note.amends_id,
                seal_ok,
            )
        )
    if notes:
        with transaction.atomic():  # one event naming every note shown, not one per note
            event_record(
                actor=actor,
                action=AuditAction.NOTE_READ,
                channel=channel,
                client_id=client.id,
                object_type="progress-note",
                object_ids=[str(n.id) for n in notes],
            )
    return views
