"""Key rotation and crypto-shredding, end to end."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings

from confide.audit.actions import AuditAction
from confide.audit.models import AuditEvent
from confide.clients.models import Client
from confide.consent.models import Directive, Signature
from confide.records.models import PsychotherapyNote
from confide.records.private_notes import private_note_create
from confide.records.progress import progress_notes_for
from confide.vault.keyring import MasterKey, VaultError
from confide.vault.sealing import key_ad, master_key_forget
from tests.browser.helpers import fresh_totp
from tests.cast import Cast
from tests.consent.helpers import grant, sign


def _notes(cast: Cast) -> list[str]:
    client = Client.objects.get(pk=cast.client.pk)
    return [n.body for n in progress_notes_for(actor=cast.clinician, client=client, channel="cli")]  # type: ignore[arg-type]


def test_master_rotation_rewraps_every_client_key_and_mfa_secret(cast: Cast, own_master_key: Path) -> None:
    old = MasterKey.load(own_master_key, create=False)
    call_command("keys", "rotate-master", stdout=StringIO())
    new = MasterKey.load(own_master_key, create=False)
    client = Client.objects.get(pk=cast.client.pk)
    ad = key_ad(practice_id=client.practice_id, client_id=client.id)
    with pytest.raises(VaultError, match="data key does not unwrap with this master key"):
        old.unwrap(bytes(client.wrapped_key), associated_data=ad)
    assert new.unwrap(bytes(client.wrapped_key), associated_data=ad).key_count == 1
    assert client.open("name") == "Jordan Canary-Client"
    assert _notes(cast) == ["Session canary-note body"]
    totp = TOTP(Authenticator.objects.get(user=cast.clinician.user, type=Authenticator.Type.TOTP))
    assert totp.validate_code(fresh_totp())
    assert AuditEvent.objects.filter(action=AuditAction.MASTER_KEY_ROTATE).count() == 2  # one per practice


def test_client_rotation_keeps_old_ciphertexts_readable_then_reencrypts(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    before = bytes(Client.objects.get(pk=cast.client.pk).name_ct)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command("keys", "rotate-client", str(cast.client.id), stdout=StringIO())
    client = Client.objects.get(pk=cast.client.pk)
    assert client.needs_reencryption and client.data_key().key_count == 2
    assert client.open("name") == "Jordan Canary-Client" and bytes(client.name_ct) == before
    for callback in callbacks:  # the queued background job (the test backend runs it at once)
        callback()
    client = Client.objects.get(pk=cast.client.pk)
    assert not client.needs_reencryption and client.data_key().key_count == 1
    assert bytes(client.name_ct) != before and client.open("name") == "Jordan Canary-Client"
    assert _notes(cast) == ["Session canary-note body"]
    response = _as(cast.clinician.user).get(f"/clients/{cast.client.id}/documents/{cast.document.id}/")
    assert b"".join(response.streaming_content) == b"Intake form canary-document text"  # type: ignore[attr-defined]


def test_client_rotation_reencrypts_signatures_and_directives(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    signature, directive = sign(cast), grant(cast)
    before = bytes(signature.typed_name_ct), bytes(directive.recipient_name_ct)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("keys", "rotate-client", str(cast.client.id), stdout=StringIO())
    key = Client.objects.get(pk=cast.client.pk).data_key()
    assert key.key_count == 1  # the old key is gone, so everything must have been re-sealed
    signature, directive = Signature.objects.get(), Directive.objects.get()
    assert (bytes(signature.typed_name_ct), bytes(directive.recipient_name_ct)) != before
    assert signature.open("typed_name", key=key) == "Jordan Canary-Client"
    assert directive.open("recipient_name", key=key) == "Dr Grace Canary-GP"


def _as(user: object) -> HttpClient:
    http = HttpClient()
    http.force_login(user)  # type: ignore[arg-type]
    return http


def test_shredding_leaves_nothing_that_decrypts(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    private_note_create(actor=cast.clinician, client=cast.client, body="private", channel="cli")  # type: ignore[arg-type]
    document_file = Path(settings.CONFIDE_DOCUMENTS_DIR) / str(cast.client.practice_id) / f"{cast.document.id}.bin"
    assert document_file.exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "keys",
            "shred",
            str(cast.client.id),
            confirm=str(cast.client.id),
            reason="erasure request",
            stdout=StringIO(),
        )
    client = Client.objects.get(pk=cast.client.pk)
    with pytest.raises(VaultError, match="data key does not unwrap with this master key"):
        client.data_key()
    assert client.email_bidx is None and client.status == "shredded"
    assert not PsychotherapyNote.objects.filter(client=client).exists()
    assert not document_file.exists()
    assert AuditEvent.objects.filter(action=AuditAction.CLIENT_SHRED, client_id=client.id).exists()
    assert _as(cast.clinician.user).get(f"/clients/{client.id}/").status_code == 404
    assert "Jordan" not in _as(cast.clinician.user).get("/clients/").content.decode()


def test_shredding_needs_the_id_repeated(cast: Cast) -> None:
    with pytest.raises(CommandError, match="--confirm"):
        call_command("keys", "shred", str(cast.client.id), confirm="yes", reason="x", stdout=StringIO())
    assert Client.objects.get(pk=cast.client.pk).shredded_at is None


def test_a_running_process_follows_a_key_file_rotated_elsewhere(cast: Cast, own_master_key: Path) -> None:
    from confide.vault.operations import _write_key_file
    from confide.vault.sealing import master_key

    before = master_key()
    rotated = before.with_new_primary()
    _write_key_file(own_master_key, rotated)  # as another process's rotation would
    client = Client.objects.get(pk=cast.client.pk)
    ad = key_ad(practice_id=client.practice_id, client_id=client.id)
    Client.objects.filter(pk=client.pk).update(
        wrapped_key=rotated.without_old_keys().wrap(client.data_key(), associated_data=ad)
    )
    _write_key_file(own_master_key, rotated.without_old_keys())
    # Within the recheck second this process still holds the old key: the unwrap fails,
    # reloads the file once, and succeeds.
    assert Client.objects.get(pk=cast.client.pk).open("name") == "Jordan Canary-Client"
    assert master_key() is not before and master_key().key_count == 1


def test_names_stay_searchable_after_a_master_rotation(cast: Cast, own_master_key: Path) -> None:
    call_command("keys", "rotate-master", stdout=StringIO())
    response = _as(cast.clinician.user).post("/clients/", {"q": "canary"})
    assert "Jordan Canary-Client" in response.content.decode()


def test_an_age_encrypted_master_key_loads_and_survives_rotation(
    cast: Cast, tmp_path: Path, settings: Settings
) -> None:
    import pyrage

    from confide.vault.sealing import master_key

    identity = pyrage.x25519.Identity.generate()
    (tmp_path / "identity.txt").write_text(f"{identity}\n")
    sealed = tmp_path / "master.key.age"
    sealed.write_bytes(master_key().serialize_age(identity=str(identity)))
    settings.CONFIDE_MASTER_KEY_FILE = sealed
    settings.CONFIDE_MASTER_KEY_AGE_IDENTITY_FILE = tmp_path / "identity.txt"
    master_key_forget()
    try:
        assert Client.objects.get(pk=cast.client.pk).open("name") == "Jordan Canary-Client"
        call_command("keys", "rotate-master", stdout=StringIO())
        assert b"keyset" not in sealed.read_bytes()  # still encrypted at rest
        master_key_forget()
        assert Client.objects.get(pk=cast.client.pk).open("name") == "Jordan Canary-Client"
    finally:
        master_key_forget()
