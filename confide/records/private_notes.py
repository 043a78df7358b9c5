"""Psychotherapy notes (45 CFR 164.501): sealed to their author's key, listed to their author only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.practices.models import Member
from confide.records.author_keys import author_key_current
from confide.records.crypto import private_note_context
from confide.records.models import AuthorKey, PsychotherapyNote
from confide.records.progress import BODY_MAX
from confide.vault import author
from confide.vault.keyring import VaultError


@dataclass(frozen=True)
class PrivateNoteView:
    id: uuid.UUID
    created_at: datetime
    body: str | None  # None: locked, or sealed to a key the author reset


def _context(note: PsychotherapyNote) -> bytes:
    return private_note_context(
        practice_id=note.practice_id, note_id=note.id, author_id=note.author_id, client_id=note.client_id
    )


def private_note_create(*, actor: Member, client: Client, body: object, channel: Channel) -> PsychotherapyNote:
    """Seal a note to the author's public key: writing never needs the private key."""
    if not isinstance(body, str) or not body.strip():
        raise ValidationError({"body": "Write the note before saving it."})
    if len(body) > BODY_MAX or "\x00" in body:
        raise ValidationError({"body": f"Keep a note to {BODY_MAX:,} characters of ordinary text."})
    key = author_key_current(member=actor)
    if key is None:
        raise ValidationError({"body": "Set up private notes before writing one."})
    note = PsychotherapyNote(
        id=uuid.uuid4(), practice_id=client.practice_id, client=client, author=actor, author_key=key
    )
    note.body_ct = author.seal(bytes(key.public_keyset), body.encode(), context=_context(note))
    with transaction.atomic():
        note.save(force_insert=True)
        event_record(
            actor=actor,
            action=AuditAction.PN_CREATE,
            channel=channel,
            client_id=client.id,
            object_type="psychotherapy-note",
            object_id=str(note.id),
        )
    return note


def private_notes_for(
    *,
    actor: Member,
    client: Client,
    key: AuthorKey | None,
    private: bytes | None,
    channel: Channel,
    only: set[str] | None = None,
    seal: str = "",
) -> list[PrivateNoteView]:
    """The actor's own notes about the client (``only`` those ids, if given); bodies only when unlocked with
    the matching key. The read is one event, sealed with ``seal`` (read for a held-back disclosure)."""
    notes = list(
        PsychotherapyNote.objects.filter(practice_id=client.practice_id, client=client, author=actor).order_by(
            "-created_at"
        )
    )
    if only is not None:
        notes = [n for n in notes if str(n.id) in only]
    views, opened = [], []
    for note in notes:
        body = None
        if private is not None and key is not None and note.author_key_id == key.id:
            try:
                body = author.open_sealed(private, bytes(note.body_ct), context=_context(note)).decode()
                opened.append(note)
            except VaultError:
                body = None
        views.append(PrivateNoteView(note.id, note.created_at, body))
    if opened:
        with transaction.atomic():  # one event naming every note opened
            event_record(
                actor=actor,
                action=AuditAction.PN_READ,
                channel=channel,
                client_id=client.id,
                object_type="psychotherapy-note",
                object_ids=[str(n.id) for n in opened],
                seal=seal,
            )
    return views
