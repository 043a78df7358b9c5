"""Documents: streamed through Tink's streaming AEAD under a per-document key.

The document key is wrapped by the client's data key, the file on disk is named by a
random id (never the uploaded name), and name and type are stored encrypted.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import tink
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from tink import streaming_aead

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.lib.lookup import one_or_404
from confide.practices.models import Member
from confide.records.crypto import document_ad
from confide.records.models import Document

streaming_aead.register()
_TEMPLATE = streaming_aead.streaming_aead_key_templates.AES256_GCM_HKDF_1MB
_SIGNATURES = {"application/pdf": b"%PDF-", "image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
NAME_MAX = 200


@dataclass(frozen=True)
class DocumentMeta:
    id: uuid.UUID
    name: str
    content_type: str
    size: int


def _path(doc: Document) -> Path:
    return Path(settings.CONFIDE_DOCUMENTS_DIR) / str(doc.practice_id) / f"{doc.id}.bin"


def _content_type(head: bytes) -> str:
    for content_type, signature in _SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
            return "text/plain"
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 3:  # a multi-byte character cut at the sample's end is fine
                return "text/plain"
    raise ValidationError({"file": "Upload a PDF, PNG, JPEG or plain-text file."})


def _clean_name(name: str) -> str:
    name = Path(name.replace("\\", "/")).name.strip()
    if not name or len(name) > NAME_MAX or any(ord(c) < 32 for c in name):
        raise ValidationError({"file": "Give the file a plain name of up to 200 characters."})
    return name


def document_upload(*, actor: Member, client: Client, upload: UploadedFile[bytes], channel: Channel) -> Document:
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": "The file is empty."})
    if size > settings.CONFIDE_DOCUMENT_MAX_BYTES:
        limit = filesizeformat(settings.CONFIDE_DOCUMENT_MAX_BYTES)
        raise ValidationError({"file": f"Files can be at most {limit}."})
    upload.seek(0)
    content_type = _content_type(upload.read(512))
    name = _clean_name(upload.name or "document")
    upload.seek(0)

    doc = Document(id=uuid.uuid4(), practice_id=client.practice_id, client=client, uploaded_by=actor, size=size)
    key = client.data_key()
    handle = tink.new_keyset_handle(_TEMPLATE)
    doc.wrapped_stream_key = key.wrap_keyset(handle, associated_data=_ad(doc, "stream_key"))
    doc.meta_ct = key.encrypt(
        json.dumps({"name": name, "type": content_type}).encode(), associated_data=_ad(doc, "meta")
    )
    path = _path(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    try:
        with (
            partial.open("wb") as raw,
            handle.primitive(streaming_aead.StreamingAead).new_encrypting_stream(raw, _ad(doc, "content")) as sink,
        ):
            for chunk in upload.chunks():
                sink.write(chunk)
        with transaction.atomic():
            doc.save(force_insert=True)
            event_record(
                actor=actor,
                action=AuditAction.DOCUMENT_UPLOAD,
                channel=channel,
                client_id=client.id,
                object_type="document",
                object_id=str(doc.id),
            )
            partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    return doc


def _ad(doc: Document, column: str) -> bytes:
    return document_ad(practice_id=doc.practice_id, document_id=doc.id, client_id=doc.client_id, column=column)


def _meta(doc: Document, client: Client) -> DocumentMeta:
    meta = json.loads(client.data_key().decrypt(bytes(doc.meta_ct), associated_data=_ad(doc, "meta")))
    return DocumentMeta(doc.id, meta["name"], meta["type"], doc.size)


def documents_for(*, client: Client) -> list[DocumentMeta]:
    """Names and types of the client's documents (reading a name is covered by the record read)."""
    return [
        _meta(d, client)
        for d in Document.objects.filter(practice_id=client.practice_id, client=client).order_by("-created_at")
    ]


def document_open(
    *, actor: Member, client: Client, document_id: uuid.UUID | str, channel: Channel, seal: str = ""
) -> tuple[DocumentMeta, Iterator[bytes]]:
    """Return the metadata and a stream of decrypted chunks; the read is audited first (as a sealed entry
    with ``seal``: read for a disclosure the client may not be told of yet)."""
    doc = one_or_404(Document.objects.all(), practice_id=client.practice_id, client=client, pk=document_id)
    meta = _meta(doc, client)
    handle = client.data_key().unwrap_keyset(bytes(doc.wrapped_stream_key), associated_data=_ad(doc, "stream_key"))
    with transaction.atomic():
        event_record(
            actor=actor,
            action=AuditAction.DOCUMENT_READ,
            channel=channel,
            client_id=client.id,
            object_type="document",
            object_id=str(doc.id),
            seal=seal,
        )

    def chunks() -> Iterator[bytes]:
        with (
            _path(doc).open("rb") as raw,
            handle.primitive(streaming_aead.StreamingAead).new_decrypting_stream(raw, _ad(doc, "content")) as source,
        ):
            while block := source.read(64 * 1024):
                yield block

    return meta, chunks()
