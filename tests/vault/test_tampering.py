"""Ciphertexts moved between rows, columns or clients fail loudly; so does a wrong master key;
and the database administrator, holding the database and the master key, reads no psychotherapy note."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from pytest_django.fixtures import Settings

from confide.audit.actions import Channel
from confide.clients.models import Client
from confide.records.author_keys import author_key_unlock
from confide.records.crypto import private_note_context
from confide.records.models import AuthorKey, ProgressNote, PsychotherapyNote
from confide.records.private_notes import private_note_create
from confide.records.progress import progress_note_create, progress_notes_for
from confide.vault import author
from confide.vault.checks import master_key_loads
from confide.vault.keyring import MasterKey, VaultError
from confide.vault.sealing import master_key, master_key_forget
from tests.cast import PASSWORD, Cast


def test_a_name_swapped_between_clients_fails(cast: Cast) -> None:
    a, b = Client.objects.get(pk=cast.client.pk), Client.objects.get(pk=cast.other_client.pk)
    a.name_ct = b.name_ct
    with pytest.raises(VaultError, match="does not authenticate for this place"):
        a.open("name")


def test_a_value_moved_to_another_column_fails(cast: Cast) -> None:
    client = Client.objects.get(pk=cast.client.pk)
    client.email_ct = client.name_ct
    with pytest.raises(VaultError, match="does not authenticate for this place"):
        client.open("email")


def test_a_note_moved_to_another_row_fails(cast: Cast) -> None:
    other = progress_note_create(actor=cast.clinician, client=cast.client, body="second", channel=Channel.CLI)
    ProgressNote.objects.filter(pk=other.pk).update(body_ct=bytes(cast.note.body_ct))
    with pytest.raises(VaultError, match="does not authenticate for this place"):
        progress_notes_for(actor=cast.clinician, client=cast.client, channel=Channel.CLI)


def test_a_wrapped_key_moved_to_another_client_fails(cast: Cast) -> None:
    a, b = Client.objects.get(pk=cast.client.pk), Client.objects.get(pk=cast.other_client.pk)
    a.wrapped_key = b.wrapped_key
    with pytest.raises(VaultError, match="data key does not unwrap with this master key"):
        a.data_key()


def test_a_wrong_master_key_fails_loudly(cast: Cast, tmp_path: Path, settings: Settings) -> None:
    wrong = tmp_path / "wrong.key"
    MasterKey.load(wrong, create=True)
    settings.CONFIDE_MASTER_KEY_FILE = wrong
    master_key_forget()
    try:
        with pytest.raises(VaultError, match="does not unwrap"):
            Client.objects.get(pk=cast.client.pk).open("name")
    finally:
        master_key_forget()


def test_a_missing_master_key_fails_the_system_check(tmp_path: Path, settings: Settings) -> None:
    settings.CONFIDE_MASTER_KEY_FILE = tmp_path / "missing.key"
    settings.PRODUCTION = True  # production never creates one
    master_key_forget()
    try:
        assert [m.id for m in master_key_loads(None)] == ["confide.E001"]
    finally:
        master_key_forget()


def test_the_dba_with_the_master_key_reads_no_psychotherapy_note(cast: Cast) -> None:
    """Play the administrator: every row of the database, and the master key, but no password."""
    secret = b"canary-dba-psychotherapy"
    private_note_create(actor=cast.clinician, client=cast.client, body=secret.decode(), channel=Channel.CLI)
    mk = master_key()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, body_ct FROM records_psychotherapynote")
        rows = cursor.fetchall()
        cursor.execute("SELECT wrap_password, wrap_recovery, public_keyset FROM records_authorkey")
        wraps = [bytes(v) for row in cursor.fetchall() for v in row if v is not None]
    assert rows and all(secret not in bytes(body) for _, body in rows)
    for blob in wraps:  # the master key opens none of the author-key wraps, under any label
        for purpose in ("mfa", "author", "password", "recovery"):
            with pytest.raises(VaultError, match="secret does not decrypt with this master key"):
                mk.open_secret(blob, purpose=purpose)
        assert secret not in blob
    key = AuthorKey.objects.get(member=cast.clinician)
    with pytest.raises(VaultError, match="does not unwrap with this secret"):  # nor does a guessed password
        author.unwrap(
            bytes(key.wrap_password or b""),
            kek=author.password_kek(
                "guess", salt=bytes(key.kek_salt), params=author.KdfParams.from_json(key.kdf_params)
            ),
            associated_data=b"",
        )
    # …while the author, with the password, does read it.
    private = author_key_unlock(member=cast.clinician, password=PASSWORD, channel=Channel.CLI)
    note = PsychotherapyNote.objects.get()
    assert author.open_sealed(private, bytes(note.body_ct), context=_context(note)) == secret


def _context(note: PsychotherapyNote) -> bytes:
    return private_note_context(
        practice_id=note.practice_id, note_id=note.id, author_id=note.author_id, client_id=note.client_id
    )
