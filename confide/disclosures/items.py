"""The pieces of a record a clinician may choose to disclose (minimum necessary), and their contents."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.practices.models import Member
from confide.records.documents import document_open, documents_for
from confide.records.models import ProgressNote, PsychotherapyNote
from confide.records.progress import open_body

BASIC = {"identity": "Name, date of birth and client number", "contact": "E-mail and phone", "diagnoses": "Diagnoses"}


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    private: bool = False  # a psychotherapy note: needs a rule that allows it and its author's key


def items_available(*, client: Client, member: Member) -> list[Item]:
    items = [Item(key, label) for key, label in BASIC.items()]
    signed = ProgressNote.objects.filter(
        practice_id=client.practice_id, client=client, status=ProgressNote.Status.SIGNED
    )
    items += [
        Item(f"note:{n.id}", f"Progress note of {timezone.localtime(n.created_at):%d %b %Y}")
        for n in signed.order_by("created_at")
    ]
    items += [Item(f"document:{d.id}", f"Document: {d.name}") for d in documents_for(client=client)]
    own = PsychotherapyNote.objects.filter(practice_id=client.practice_id, client=client, author=member)
    items += [
        Item(f"private:{n.id}", f"Private session note of {timezone.localtime(n.created_at):%d %b %Y} (yours)", True)
        for n in own.order_by("created_at")
    ]
    return items


@dataclass(frozen=True)
class Contents:
    texts: list[tuple[str, str]]  # (title, text)
    files: list[tuple[str, bytes]]  # (file name inside the package, bytes)


def items_read(
    *,
    client: Client,
    member: Member,
    keys: list[str],
    private_bodies: dict[str, str],
    channel: Channel,
    seal: str = "",
) -> Contents:
    """Decrypt the chosen items (each read audited, sealed with the disclosure while it is held back)."""
    key = client.data_key()
    texts: list[tuple[str, str]] = []
    if "identity" in keys:
        texts.append(
            (
                BASIC["identity"],
                f"{client.open('name', key=key)}\nDate of birth: {client.open('dob', key=key) or '—'}\n"
                f"Client number: {client.open('number', key=key)}",
            )
        )
    if "contact" in keys:
        texts.append(
            (BASIC["contact"], f"{client.open('email', key=key) or '—'}\n{client.open('phone', key=key) or '—'}")
        )
    if "diagnoses" in keys:
        texts.append((BASIC["diagnoses"], client.open("diagnoses", key=key) or "—"))
    note_ids = [k.split(":", 1)[1] for k in keys if k.startswith("note:")]
    notes = ProgressNote.objects.filter(practice_id=client.practice_id, client=client, pk__in=note_ids)
    for note in notes.order_by("created_at"):
        texts.append((f"Progress note of {timezone.localtime(note.created_at):%d %b %Y}", open_body(note, client)))
    for key_name in (k for k in keys if k.startswith("private:")):
        texts.append(("Private session note", private_bodies[key_name.split(":", 1)[1]]))
    if notes:
        with transaction.atomic():  # one event naming every note put into the package
            event_record(
                actor=member,
                action=AuditAction.NOTE_READ,
                channel=channel,
                client_id=client.id,
                object_type="progress-note",
                object_ids=[str(n.id) for n in notes],
                seal=seal,
            )
    files = []
    for document_id in (k.split(":", 1)[1] for k in keys if k.startswith("document:")):
        meta, chunks = document_open(actor=member, client=client, document_id=document_id, channel=channel, seal=seal)
        files.append((f"documents/{meta.id}-{meta.name}", b"".join(chunks)))
    return Contents(texts, files)
