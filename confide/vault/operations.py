"""Key operations: master-key rotation, client-key rotation with re-encryption, crypto-shredding.

Each one is a service the CLI calls; each leaves an audit record per practice or client.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from confide.accounts.sessions import sessions_reseal
from confide.audit.actions import AuditAction, Channel
from confide.audit.appendonly import LOCKED
from confide.audit.models import AuditEvent
from confide.audit.services import event_record
from confide.clients.models import ENCRYPTED_COLUMNS, INDEXED_COLUMNS, Client
from confide.clients.sealed import SealedRow
from confide.holds.services import hold_check
from confide.practices.models import Practice
from confide.records.crypto import document_ad, progress_note_ad
from confide.records.models import Document, ProgressNote, PsychotherapyNote
from confide.vault.keyring import MasterKey
from confide.vault.sealing import RELOAD_SECONDS, age_identity, directory_ad, key_ad, master_key, master_key_forget

BATCH = 500


def _write_key_file(path: Path, key: MasterKey) -> None:
    """Replace the key file atomically (write, fsync, rename), owner-only."""
    tmp = path.with_name(path.name + ".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    identity = age_identity()
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.serialize_age(identity=identity) if identity else key.serialize().encode())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _clients_in_batches() -> Iterator[list[Client]]:
    batch: list[Client] = []
    for client in (
        Client.objects.exclude(wrapped_key=b"").only("id", "practice_id", "wrapped_key").iterator(chunk_size=BATCH)
    ):
        batch.append(client)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _reseal(current: MasterKey, model: type[Model], field: str, purpose: str) -> int:
    """Seal each row's ``field`` (a secret sealed directly under the master key) again under the new primary:
    sign-in addresses and mail waiting to be sent must open after the old key is dropped."""
    count = 0
    for pk, sealed in model._default_manager.exclude(**{field: b""}).values_list("pk", field).iterator():
        resealed = current.seal_secret(current.open_secret(bytes(sealed), purpose=purpose), purpose=purpose)
        model._default_manager.filter(pk=pk).update(**{field: resealed})
        count += 1
    return count


@dataclass(frozen=True)
class RotationReport:
    clients: int
    mfa_secrets: int
    addresses: int = 0  # sign-in e-mails, sealed under the master key
    waiting_mail: int = 0  # outbox envelopes
    sessions: int = 0  # sign-in sessions, sealed at rest


def master_key_rotate() -> RotationReport:
    """Rewrap every client key (and MFA secret) under a new master key; no data is re-encrypted.

    The file first holds old and new keys (new primary), so a crash midway loses nothing;
    only after every wrap is redone is the old key dropped.
    """
    path = Path(settings.CONFIDE_MASTER_KEY_FILE)
    _write_key_file(path, master_key().with_new_primary())
    master_key_forget()
    # Every running process must seal under the new primary before anything is resealed: one that still held
    # the old keyset could seal a secret under the old key after the reseal read past it, lost with the old key.
    time.sleep(RELOAD_SECONDS + 0.1)
    current, clients = master_key(), 0
    for batch in _clients_in_batches():
        for client in batch:
            ad = key_ad(practice_id=client.practice_id, client_id=client.id)
            client.wrapped_key = current.wrap(
                current.unwrap(bytes(client.wrapped_key), associated_data=ad), associated_data=ad
            )
        # executemany, not bulk_update: a CASE over 500 rows costs SQLite far more than 500 updates.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE clients_client SET wrapped_key = %s WHERE id = %s",
                [(bytes(c.wrapped_key), c.id.hex if connection.vendor == "sqlite" else c.id) for c in batch],
            )
        clients += len(batch)
    for practice in Practice.objects.exclude(wrapped_directory_key=None):
        ad = directory_ad(practice_id=practice.id)
        wrapped = bytes(practice.wrapped_directory_key or b"")
        practice.wrapped_directory_key = current.rewrap_raw(wrapped, associated_data=ad)
        practice.save(update_fields=["wrapped_directory_key"])
    mfa = get_mfa_adapter()
    secrets = 0
    for authenticator in Authenticator.objects.exclude(type=Authenticator.Type.WEBAUTHN).iterator():
        data = dict(authenticator.data)
        for field in ("secret", "seed"):
            if field in data:
                data[field] = mfa.encrypt(mfa.decrypt(data[field]))
                secrets += 1
        Authenticator.objects.filter(pk=authenticator.pk).update(data=data)
    addresses = _reseal(current, apps.get_model("accounts", "User"), "email_sealed", "login-email")
    mail = _reseal(current, apps.get_model("outbox", "OutgoingMail"), "envelope_ct", "outgoing-mail")
    sessions = sessions_reseal()
    _write_key_file(path, current.without_old_keys())
    master_key_forget()
    with transaction.atomic():
        for practice_id in Practice.objects.values_list("id", flat=True):
            event_record(actor=None, practice_id=practice_id, action=AuditAction.MASTER_KEY_ROTATE, channel=Channel.CLI)
    return RotationReport(
        clients=clients, mfa_secrets=secrets, addresses=addresses, waiting_mail=mail, sessions=sessions
    )


def client_key_rotate(*, client_id: uuid.UUID) -> None:
    """Give the client's keyset a new primary key; old ciphertexts stay readable until re-encrypted."""
    from confide.vault.tasks import client_reencrypt_task

    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client_id, shredded_at=None)
        ad = key_ad(practice_id=client.practice_id, client_id=client.id)
        client.wrapped_key = master_key().rotate_data_key(bytes(client.wrapped_key), associated_data=ad, keep_old=True)
        client.needs_reencryption = True
        client.save(update_fields=["wrapped_key", "needs_reencryption"])
        event_record(
            actor=None,
            practice_id=client.practice_id,
            action=AuditAction.CLIENT_KEY_ROTATE,
            channel=Channel.CLI,
            client_id=client.id,
            object_type="client-key",
        )
        transaction.on_commit(lambda: client_reencrypt_task.enqueue(str(client.id)))


def client_reencrypt(*, client_id: uuid.UUID) -> int:
    """Re-encrypt every ciphertext of the client under the primary key, then drop old keys."""
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client_id)
        if not client.needs_reencryption or client.shredded_at is not None:
            return 0
        key, count = client.data_key(), 0
        for column in ENCRYPTED_COLUMNS:
            if getattr(client, f"{column}_ct") is not None:
                setattr(client, f"{column}_ct", client.seal(column, client.open(column, key=key), key=key))
                count += 1
        for note in ProgressNote.objects.filter(client=client):
            ad = progress_note_ad(practice_id=client.practice_id, note_id=note.id, client_id=client.id)
            note.body_ct = key.encrypt(key.decrypt(bytes(note.body_ct), associated_data=ad), associated_data=ad)
            note.save(update_fields=["body_ct"])
            count += 1
        for doc in Document.objects.filter(client=client):
            meta_ad, stream_ad = (
                document_ad(practice_id=client.practice_id, document_id=doc.id, client_id=client.id, column=column)
                for column in ("meta", "stream_key")
            )
            doc.meta_ct = key.encrypt(key.decrypt(bytes(doc.meta_ct), associated_data=meta_ad), associated_data=meta_ad)
            stream_key = key.unwrap_keyset(bytes(doc.wrapped_stream_key), associated_data=stream_ad)
            doc.wrapped_stream_key = key.wrap_keyset(stream_key, associated_data=stream_ad)
            doc.save(update_fields=["meta_ct", "wrapped_stream_key"])
            count += 1
        sealed = [m for m in apps.get_models() if issubclass(m, SealedRow)]  # holds, grants, measures, consent, …
        for model in (m for m in sealed if m._meta.db_table not in LOCKED):
            for row in model._default_manager.filter(practice_id=client.practice_id, client=client):
                row.reseal(key=key)
                row.save(update_fields=[f"{c}_ct" for c in row.SEALED])
                count += 1
        # The accounting of disclosures is append-only: its rows cannot be rewritten, so the old keys that
        # open them stay in the keyset (dropping them would destroy a record the law requires us to keep).
        kept = any(
            m._default_manager.filter(practice_id=client.practice_id, client=client).exists()
            for m in sealed
            if m._meta.db_table in LOCKED
        )
        if not kept:
            ad = key_ad(practice_id=client.practice_id, client_id=client.id)
            client.wrapped_key = master_key().rotate_data_key(
                bytes(client.wrapped_key), associated_data=ad, keep_old=False
            )
        client.needs_reencryption = False
        client.save(update_fields=[*(f"{c}_ct" for c in ENCRYPTED_COLUMNS), "wrapped_key", "needs_reencryption"])
        event_record(
            actor=None,
            practice_id=client.practice_id,
            action=AuditAction.CLIENT_REENCRYPT,
            channel=Channel.CLI,
            client_id=client.id,
            object_type="client-key",
            purpose=str(count),
        )
    return count


def client_shred(*, client_id: uuid.UUID, reason: str) -> None:
    """Destroy the client's key and search artefacts: afterwards nothing of the client decrypts.

    Psychotherapy notes are sealed to their authors, not the client key, so they are deleted;
    document files, messages with their files, and journal entries are deleted too. The client row stays as
    a tombstone with the audit record.
    """
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client_id)
        hold_check(client_id=client.id)
        paths = [
            Path(settings.CONFIDE_DOCUMENTS_DIR) / str(d.practice_id) / f"{d.id}.bin" for d in client.documents.all()
        ]
        PsychotherapyNote.objects.filter(client=client).delete()
        _messages_delete(client)
        # The log keeps each leaf; without its salt an event's commitment can no longer be
        # linked to or re-derived from anything, while the tree stays valid.
        AuditEvent.objects.filter(practice_id=client.practice_id, client_id=client.id).update(salt=None)
        client.wrapped_key = b""
        for column in INDEXED_COLUMNS:
            setattr(client, f"{column}_bidx", None)
        client.name_dir_ct = None
        client.status = Client.Status.SHREDDED
        client.shredded_at = timezone.now()
        client.portal_member = None
        fields = ["wrapped_key", *(f"{c}_bidx" for c in INDEXED_COLUMNS), "name_dir_ct", "status", "shredded_at"]
        client.save(update_fields=[*fields, "portal_member"])
        event_record(
            actor=None,
            practice_id=client.practice_id,
            action=AuditAction.CLIENT_SHRED,
            channel=Channel.CLI,
            client_id=client.id,
            object_type="client",
            purpose=reason[:64],
        )
        transaction.on_commit(lambda: _unlink_all(paths))


def _messages_delete(client: Client) -> None:
    """Messages, their files and the journal: sealed under the client's key, so already unreadable once it
    is gone; deleted too, with the content keys sealed to each mailbox, so that nothing of them is left."""
    from confide.journal.models import JournalEntry  # noqa: PLC0415 (the vault sits below these apps)
    from confide.messaging.models import Attachment, Message, MessageKey, MessageRead  # noqa: PLC0415

    messages = Message.objects.filter(practice_id=client.practice_id, client=client)
    Attachment.objects.filter(practice_id=client.practice_id, client=client).delete()
    MessageKey.objects.filter(message__in=messages).delete()
    MessageRead.objects.filter(message__in=messages).delete()
    messages.delete()
    JournalEntry.objects.filter(practice_id=client.practice_id, client=client).delete()


def _unlink_all(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
