"""Every guard of the vault, each with a test that fails when the guard is broken (issue 11).

The pure cores (`keyring`, `author`) are tested without the database; the operations
(rotation, re-encryption, shredding) through the real services and the `keys` command.
"""

from __future__ import annotations

import base64
import json
import re
from io import StringIO
from pathlib import Path

import pyrage
import pytest
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from argon2 import PasswordHasher, Type
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks

from confide.accounts.models import User
from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.breakglass.services import breakglass_open
from confide.clients.directory import directory_rows
from confide.clients.models import ENCRYPTED_COLUMNS, Client
from confide.clients.sealed import SealedRow
from confide.clients.services import client_create
from confide.consent.models import Directive, Signature
from confide.holds.models import LegalHold
from confide.holds.services import UnderLegalHoldError, hold_place, hold_release
from confide.outbox.models import OutgoingMail
from confide.outbox.services import mail_send
from confide.practices.models import Practice
from confide.practices.services import practice_create
from confide.records.crypto import document_ad, progress_note_ad
from confide.records.documents import document_open, document_upload
from confide.records.models import Document, ProgressNote, PsychotherapyNote
from confide.records.private_notes import private_note_create
from confide.records.progress import progress_notes_for
from confide.vault import author, operations
from confide.vault.keyring import BLIND_INDEX_BYTES, MasterKey, VaultError, read_age_identity
from confide.vault.operations import client_key_rotate, client_reencrypt, client_shred, master_key_rotate
from confide.vault.sealing import directory_ad, key_ad, master_key, master_key_forget
from tests.cast import PASSWORD, TOTP_SECRET, Cast
from tests.consent.helpers import grant, sign
from tests.disclosures.helpers import released
from tests.measures.helpers import record

# --- Artefacts written by an earlier release -----------------------------------------------
# A key file, and what it wrapped, sealed and derived, as stored on disk and in the database.
# A release that reads them differently strands every practice's data: they must keep opening.

OLD_KEY_FILE = (
    '{"version": 1, "keyset": {"primaryKeyId": 528854590, "key": [{"keyData": {"typeUrl": '
    '"type.googleapis.com/google.crypto.tink.AesGcmKey", "value": "GiBs6+/ML8mYtdICO06TCjByOUETEjtRYue6z/n8xEQlag==", '
    '"keyMaterialType": "SYMMETRIC"}, "status": "ENABLED", "keyId": 528854590, "outputPrefixType": "TINK"}]}, '
    '"index_root": "ncr6uwwafKXSZfgf0TCWVBWkkH2NeC9yX7PaetXxUOc="}'
)
OLD_KEY_AD = b"confide:v1:client-key|p|c"
OLD_WRAPPED_KEY = base64.b64decode(
    "Eo0BAR+Frj4RwDYQ6KZhNrYShbWFbHqUXLxVpze5MJxa2wOd50TD6hGD2mCdWGVEgWNZsqZlr73y5v/33sLltPmv3/wPEpZ9WpVnamxgt5BIP1mIp8V"
    "c0IG8IA3KMjboA3OY+uXwVDLTOFC9fhMtAM3QuYptRRkKIVvEGa9h2Im7hTVxQE+zisTARsgorIGj"
)
OLD_FIELD = base64.b64decode("AS61wqCEVxk4NdKn4+sDm3TI/Sjv0kgPb93lidjFUmB6phBEglZT")  # b"Jordan", AD b"field"
OLD_MFA_SECRET = base64.b64decode("AR+Frj5bam/1ASwkI52b6xGpjgGiEMAH5FjAEJpAip5lvJPQn95gpbs=")
OLD_EMAIL_BIDX = bytes.fromhex("52d0684c55eb3791d96e747b280de23a")
OLD_LOG_SEED = bytes.fromhex("ea7b777c4a629c4cb0f99dbd22a10346816ac122b4d33246354090c6ef92eac9")
OLD_DIRECTORY_KEY = base64.b64decode(
    "AR+Frj7hk4YqyhYBi7dRFqwafg5ecC1UXXVQ+dVb4W7El+ZbhfgzLRHoDJVq5r05Vf/nNlL5T9s3EniPRFdrVGg="
)
OLD_DIRECTORY_NAME = base64.b64decode("gfj1DXF6aizh0GBSIp61icY1wHm7cL2pGNt8yAuRDgc7lQ==")  # b"Jordan", AD b"name"
OLD_RECOVERY_WRAP = base64.b64decode("rsW51CXhMmj9jOTpwxDKlqGz7htkkvQ0VQUvpKQ+7blM4vnzxIFzy02q")  # key bytes(range(32))

MASTER = MasterKey.generate()
AD = b"confide:v1:client-key|practice|client-a"
WRAPPED = MASTER.new_data_key(associated_data=AD)
CHEAP = author.KdfParams(memory_kib=8192, time_cost=1, parallelism=1)


def _key_material(key: MasterKey) -> set[str]:
    """The secret AES key values in a serialized master key."""
    return {k["keyData"]["value"] for k in json.loads(key.serialize())["keyset"]["key"]}


# --- keyring: the master key and its file ----------------------------------------------------


def test_a_key_file_from_an_earlier_release_still_opens_everything_it_protected() -> None:
    old = MasterKey.deserialize(OLD_KEY_FILE)
    assert old.unwrap(OLD_WRAPPED_KEY, associated_data=OLD_KEY_AD).decrypt(OLD_FIELD, associated_data=b"field") == (
        b"Jordan"
    )
    assert old.open_secret(OLD_MFA_SECRET, purpose="mfa") == "JBSWY3DP"
    directory = old.unwrap_fast_key(OLD_DIRECTORY_KEY, associated_data=b"dir")
    assert directory.decrypt(OLD_DIRECTORY_NAME, associated_data=b"name") == b"Jordan"


def test_blind_indexes_and_derived_secrets_do_not_change_between_releases() -> None:
    """Stored blind indexes must keep matching lookups; published log verifier keys must stay valid."""
    old = MasterKey.deserialize(OLD_KEY_FILE)
    assert old.blind_index("jordan@client.test", table="clients_client", column="email") == OLD_EMAIL_BIDX
    assert old.derive_secret(info="log-signing:p") == OLD_LOG_SEED


def test_a_wrong_master_key_is_refused_with_a_vault_error() -> None:
    with pytest.raises(VaultError, match="data key does not unwrap with this master key"):
        MasterKey.generate().unwrap(WRAPPED, associated_data=AD)
    with pytest.raises(VaultError, match="key does not unwrap with this master key"):
        MasterKey.generate().unwrap_raw(MASTER.new_fast_key(associated_data=AD), associated_data=AD)
    with pytest.raises(VaultError, match="secret does not decrypt with this master key"):
        MasterKey.generate().open_secret(MASTER.seal_secret("seed", purpose="mfa"), purpose="mfa")


def test_a_keyset_wrapped_for_client_a_does_not_unwrap_as_client_b() -> None:
    with pytest.raises(VaultError, match="does not unwrap"):
        MASTER.unwrap(WRAPPED, associated_data=b"confide:v1:client-key|practice|client-b")
    fast = MASTER.new_fast_key(associated_data=b"directory|a")
    with pytest.raises(VaultError, match="does not unwrap"):
        MASTER.unwrap_fast_key(fast, associated_data=b"directory|b")


def test_a_master_key_file_is_refused_unless_it_is_whole() -> None:
    good = json.loads(MASTER.serialize())
    broken = [
        "not json",
        json.dumps([good]),  # a list, not an object
        json.dumps({"keyset": good["keyset"]}),  # no index root
        json.dumps({**good, "keyset": {"key": []}}),  # no key
        json.dumps({**good, "index_root": good["index_root"][:8] + "!" + good["index_root"][8:]}),  # not base64
    ]
    for text in broken:
        with pytest.raises(VaultError, match="not a Confide master key"):
            MasterKey.deserialize(text)


def test_the_index_root_must_be_32_bytes() -> None:
    keyset = json.loads(MASTER.serialize())
    for size in (0, 31, 33):
        text = json.dumps({**keyset, "index_root": base64.b64encode(bytes(size)).decode()})
        with pytest.raises(VaultError, match="must be 32 bytes"):
            MasterKey.deserialize(text)
    assert len(base64.b64decode(keyset["index_root"])) == 32


def test_a_serialized_master_key_opens_what_the_original_wrapped() -> None:
    again = MasterKey.deserialize(MASTER.serialize())
    assert _key_material(again) == _key_material(MASTER)
    again.unwrap(WRAPPED, associated_data=AD)
    assert again.derive_secret(info="x") == MASTER.derive_secret(info="x")


def test_a_new_key_file_is_created_owner_only_even_in_missing_folders(tmp_path: Path) -> None:
    path = tmp_path / "var" / "keys" / "master.key"
    created = MasterKey.load(path, create=True)
    assert path.stat().st_mode & 0o777 == 0o600
    again = MasterKey.load(path, create=True)  # an existing file is read, never replaced
    assert _key_material(again) == _key_material(created)
    beside = MasterKey.load(path.with_name("second.key"), create=True)  # the folder exists now
    assert _key_material(beside) != _key_material(created)


def test_a_key_file_another_process_created_first_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "master.key"
    theirs = MasterKey.generate()
    path.write_text(theirs.serialize())
    monkeypatch.setattr(Path, "exists", lambda self: False)  # we looked just before they wrote it
    mine = MasterKey.load(path, create=True)
    monkeypatch.undo()
    assert _key_material(mine) == _key_material(theirs)
    assert json.loads(path.read_text())["index_root"] == json.loads(theirs.serialize())["index_root"]


def test_a_missing_key_file_is_never_created_without_create(tmp_path: Path) -> None:
    path = tmp_path / "absent.key"
    with pytest.raises(VaultError, match="cannot be read"):
        MasterKey.load(path, create=False)
    assert not path.exists()


def test_an_age_encrypted_key_file_opens_only_with_its_identity(tmp_path: Path) -> None:
    identity, other = str(pyrage.x25519.Identity.generate()), str(pyrage.x25519.Identity.generate())
    path = tmp_path / "master.key.age"
    path.write_bytes(MASTER.serialize_age(identity=identity))
    assert b"index_root" not in path.read_bytes()
    assert _key_material(MasterKey.load_age(path, identity=identity)) == _key_material(MASTER)
    MasterKey.load_age(path, identity=identity).unwrap(WRAPPED, associated_data=AD)
    with pytest.raises(VaultError, match="does not open with this age identity"):
        MasterKey.load_age(path, identity=other)
    with pytest.raises(VaultError, match="does not open with this age identity"):
        MasterKey.load_age(path, identity="AGE-SECRET-KEY-NOT-ONE")
    with pytest.raises(VaultError, match="cannot be read"):
        MasterKey.load_age(tmp_path / "absent.age", identity=identity)


def test_the_age_identity_is_found_among_the_comments_age_keygen_writes(tmp_path: Path) -> None:
    identity = pyrage.x25519.Identity.generate()
    path = tmp_path / "identity.txt"
    path.write_text(f"# created: 2026-12-01T00:00:00Z\n# public key: {identity.to_public()}\n{identity}\n")
    assert read_age_identity(path) == str(identity)
    path.write_text(f"# public key: {identity.to_public()}\n")
    with pytest.raises(VaultError, match="holds no age identity"):
        read_age_identity(path)


# --- keyring: data keys, rotation, blind indexes, the directory key ----------------------------


def test_a_ciphertext_moved_to_another_row_column_or_client_fails() -> None:
    key = MASTER.unwrap(WRAPPED, associated_data=AD)
    ciphertext = key.encrypt(b"Jordan", associated_data=b"field|clients|name|row-1|client-a")
    for elsewhere in (b"field|clients|name|row-2|client-a", b"field|clients|email|row-1|client-a", b"field|x|name|r|b"):
        with pytest.raises(VaultError, match="does not authenticate for this place"):
            key.decrypt(ciphertext, associated_data=elsewhere)
    assert key.decrypt(ciphertext, associated_data=b"field|clients|name|row-1|client-a") == b"Jordan"


def test_a_subordinate_keyset_unwraps_only_in_its_place_and_under_its_data_key() -> None:
    import tink
    from tink import streaming_aead

    streaming_aead.register()
    key = MASTER.unwrap(WRAPPED, associated_data=AD)
    stream = tink.new_keyset_handle(streaming_aead.streaming_aead_key_templates.AES256_GCM_HKDF_4KB)
    wrapped = key.wrap_keyset(stream, associated_data=b"document|stream_key")
    again = key.unwrap_keyset(wrapped, associated_data=b"document|stream_key")
    assert again.keyset_info() == stream.keyset_info()
    with pytest.raises(VaultError, match="keyset does not unwrap with this data key"):
        key.unwrap_keyset(wrapped, associated_data=b"document|meta")
    other = MASTER.unwrap(MASTER.new_data_key(associated_data=AD), associated_data=AD)
    with pytest.raises(VaultError, match="keyset does not unwrap with this data key"):
        other.unwrap_keyset(wrapped, associated_data=b"document|stream_key")


def test_a_client_key_rotation_keeps_old_ciphertexts_then_drops_the_old_key() -> None:
    key = MASTER.unwrap(WRAPPED, associated_data=AD)
    old = key.encrypt(b"before", associated_data=b"f")
    rotated_wrap = MASTER.rotate_data_key(WRAPPED, associated_data=AD, keep_old=True)
    rotated = MASTER.unwrap(rotated_wrap, associated_data=AD)
    assert rotated.key_count == 2 and rotated.primary_key_id != key.primary_key_id
    assert rotated.decrypt(old, associated_data=b"f") == b"before"  # not yet re-encrypted: still readable
    new = rotated.encrypt(b"after", associated_data=b"f")
    with pytest.raises(VaultError, match="does not authenticate"):  # the old keyset does not open new data
        key.decrypt(new, associated_data=b"f")
    finished_wrap = MASTER.rotate_data_key(rotated_wrap, associated_data=AD, keep_old=False)
    finished = MASTER.unwrap(finished_wrap, associated_data=AD)
    assert finished.key_count == 1 and finished.primary_key_id == rotated.primary_key_id
    assert finished.decrypt(new, associated_data=b"f") == b"after"
    with pytest.raises(VaultError, match="does not authenticate"):  # the old key is gone
        finished.decrypt(old, associated_data=b"f")
    with pytest.raises(VaultError, match="does not unwrap"):  # the rotated keyset stays bound to its client
        MASTER.rotate_data_key(rotated_wrap, associated_data=b"another client", keep_old=False)


def test_a_master_key_rotation_keeps_old_wraps_open_until_the_old_key_is_dropped() -> None:
    both = MASTER.with_new_primary()
    assert both.key_count == 2 and _key_material(MASTER) < _key_material(both)
    rewrapped = both.wrap(both.unwrap(WRAPPED, associated_data=AD), associated_data=AD)
    fast = both.rewrap_raw(MASTER.new_fast_key(associated_data=b"dir"), associated_data=b"dir")
    new_only = both.without_old_keys()
    assert new_only.key_count == 1 and not _key_material(MASTER) & _key_material(new_only)
    assert _key_material(new_only) == _key_material(both) - _key_material(MASTER)
    new_only.unwrap(rewrapped, associated_data=AD)
    new_only.unwrap_fast_key(fast, associated_data=b"dir")
    with pytest.raises(VaultError, match="does not unwrap"):
        new_only.unwrap(WRAPPED, associated_data=AD)  # a wrap that was not redone is lost, not silently kept
    with pytest.raises(VaultError, match="does not unwrap"):
        MASTER.unwrap(rewrapped, associated_data=AD)  # the old key alone opens nothing rewrapped
    assert new_only.blind_index("x", table="t", column="c") == MASTER.blind_index("x", table="t", column="c")
    assert new_only.derive_secret(info="log") == MASTER.derive_secret(info="log")


def test_each_data_key_and_directory_key_is_fresh() -> None:
    a = MASTER.unwrap(MASTER.new_data_key(associated_data=AD), associated_data=AD)
    b = MASTER.unwrap(MASTER.new_data_key(associated_data=AD), associated_data=AD)
    with pytest.raises(VaultError, match="does not authenticate"):
        b.decrypt(a.encrypt(b"x", associated_data=b"f"), associated_data=b"f")
    raw_a = MASTER.unwrap_raw(MASTER.new_fast_key(associated_data=b"d"), associated_data=b"d")
    raw_b = MASTER.unwrap_raw(MASTER.new_fast_key(associated_data=b"d"), associated_data=b"d")
    assert len(raw_a) == 32 and raw_a != raw_b


def test_blind_indexes_are_keyed_per_table_and_column() -> None:
    email = MASTER.blind_index("a@b.test", table="clients_client", column="email")
    assert email != MASTER.blind_index("a@b.test", table="clients_client", column="phone")
    assert email != MASTER.blind_index("a@b.test", table="other_table", column="email")
    assert email != MASTER.blind_index("a@b.test.", table="clients_client", column="email")
    assert email != MasterKey.generate().blind_index("a@b.test", table="clients_client", column="email")
    assert email == MASTER.blind_index("a@b.test", table="clients_client", column="email")
    assert len(email) == BLIND_INDEX_BYTES


def test_derived_secrets_are_separate_per_purpose_and_per_master_key() -> None:
    a = MASTER.derive_secret(info="log-signing:a")
    assert len(a) == 32 and a == MASTER.derive_secret(info="log-signing:a")
    assert a != MASTER.derive_secret(info="log-signing:b")
    assert a != MasterKey.generate().derive_secret(info="log-signing:a")


def test_sealed_secrets_open_only_for_their_purpose() -> None:
    sealed = MASTER.seal_secret("JBSWY3DP", purpose="mfa")
    assert b"JBSWY3DP" not in sealed
    assert MASTER.open_secret(sealed, purpose="mfa") == "JBSWY3DP"
    with pytest.raises(VaultError, match="does not decrypt"):
        MASTER.open_secret(sealed, purpose="mfa2")


def test_the_directory_key_never_reuses_a_nonce_and_binds_its_place() -> None:
    fast = MASTER.unwrap_fast_key(MASTER.new_fast_key(associated_data=b"d"), associated_data=b"d")
    one, two = (fast.encrypt(b"Jordan", associated_data=b"p|c") for _ in range(2))
    assert one[:12] != two[:12] and one != two
    assert fast.decrypt(one, associated_data=b"p|c") == fast.decrypt(two, associated_data=b"p|c") == b"Jordan"
    with pytest.raises(VaultError, match="does not authenticate for this place"):
        fast.decrypt(one, associated_data=b"p|other")
    for damaged in (one[:-1], one[:5], b""):
        with pytest.raises(VaultError, match="does not authenticate for this place"):
            fast.decrypt(damaged, associated_data=b"p|c")


# --- author: password, recovery key, HPKE, escrow --------------------------------------------


def test_the_password_kek_is_argon2id_with_exactly_the_configured_parameters() -> None:
    for params in (CHEAP, author.KdfParams(memory_kib=16384, time_cost=2, parallelism=2)):
        hasher = PasswordHasher(
            time_cost=params.time_cost,
            memory_cost=params.memory_kib,
            parallelism=params.parallelism,
            hash_len=32,
            salt_len=16,
            type=Type.ID,
        )
        encoded = hasher.hash("pw", salt=b"s" * 16)
        assert base64.b64decode(encoded.rsplit("$", 1)[1] + "==") == author.password_kek(
            "pw", salt=b"s" * 16, params=params
        )


def test_each_argon2_parameter_changes_the_key() -> None:
    base = author.password_kek("pw", salt=b"s" * 16, params=CHEAP)
    for params in (
        author.KdfParams(memory_kib=16384, time_cost=1, parallelism=1),
        author.KdfParams(memory_kib=8192, time_cost=2, parallelism=1),
        author.KdfParams(memory_kib=8192, time_cost=1, parallelism=2),
    ):
        assert author.password_kek("pw", salt=b"s" * 16, params=params) != base


def test_the_argon2_parameters_stored_beside_a_wrap_are_read_back_exactly() -> None:
    params = author.KdfParams(memory_kib=16384, time_cost=2, parallelism=4)
    assert author.KdfParams.from_json(params.to_json()) == params
    assert author.KdfParams.from_json('{"memory_kib": 8192, "time_cost": 1, "parallelism": 1}') == CHEAP
    assert author.KdfParams() == author.KdfParams(memory_kib=65536, time_cost=3, parallelism=1)


def test_a_wrong_password_does_not_unwrap_the_author_key() -> None:
    _, private = author.new_key_pair()
    kek = author.password_kek("correct horse", salt=b"s" * 16, params=CHEAP)
    blob = author.wrap(private, kek=kek, associated_data=b"password")
    assert author.unwrap(blob, kek=kek, associated_data=b"password") == private
    for wrong in ("correct horsE", "correct horse "):
        with pytest.raises(VaultError, match="does not unwrap with this secret"):
            wrong_kek = author.password_kek(wrong, salt=b"s" * 16, params=CHEAP)
            author.unwrap(blob, kek=wrong_kek, associated_data=b"password")
    with pytest.raises(VaultError, match="does not unwrap with this secret"):  # another salt, same password
        author.unwrap(
            blob, kek=author.password_kek("correct horse", salt=b"t" * 16, params=CHEAP), associated_data=b"password"
        )
    with pytest.raises(VaultError, match="does not unwrap with this secret"):  # the wrap is bound to its kind
        author.unwrap(blob, kek=kek, associated_data=b"recovery")


def test_a_recovery_key_written_down_at_enrolment_still_opens_its_wrap() -> None:
    kek = author.recovery_kek(bytes(range(32)))
    assert author.unwrap(OLD_RECOVERY_WRAP, kek=kek, associated_data=b"recovery") == b"private keyset"


def test_a_wrong_recovery_key_does_not_unwrap_the_author_key() -> None:
    raw = author.new_recovery_key()
    assert len(raw) == author.RECOVERY_KEY_BYTES == 32 and raw != author.new_recovery_key()
    blob = author.wrap(b"private", kek=author.recovery_kek(raw), associated_data=b"recovery")
    assert author.unwrap(blob, kek=author.recovery_kek(raw), associated_data=b"recovery") == b"private"
    assert author.recovery_kek(raw) != raw and len(author.recovery_kek(raw)) == 32
    with pytest.raises(VaultError, match="does not unwrap with this secret"):
        author.unwrap(blob, kek=author.recovery_kek(author.new_recovery_key()), associated_data=b"recovery")
    with pytest.raises(VaultError, match="does not unwrap with this secret"):  # the raw key is not the kek
        author.unwrap(blob, kek=raw, associated_data=b"recovery")


def test_a_truncated_or_tampered_wrap_is_refused() -> None:
    kek = bytes(range(32))
    blob = author.wrap(b"private", kek=kek, associated_data=b"ad")
    flipped = bytes([blob[0] ^ 1]) + blob[1:]
    for damaged in (blob[:-1], blob[:12], blob[:5], b"", flipped):
        with pytest.raises(VaultError, match="does not unwrap with this secret"):
            author.unwrap(damaged, kek=kek, associated_data=b"ad")


def test_each_wrap_uses_a_fresh_nonce() -> None:
    kek = bytes(range(32))
    one, two = (author.wrap(b"private", kek=kek, associated_data=b"ad") for _ in range(2))
    assert one[:12] != two[:12] and b"private" not in one
    assert author.unwrap(two, kek=kek, associated_data=b"ad") == b"private"


def test_the_public_half_of_an_author_key_opens_nothing() -> None:
    public, private = author.new_key_pair()
    sealed = author.seal(public, b"canary-note", context=b"note|1")
    assert b"canary-note" not in sealed and private not in public
    with pytest.raises(VaultError, match="does not open with this key"):
        author.open_sealed(public, sealed, context=b"note|1")
    with pytest.raises(VaultError, match="does not open with this key"):
        author.open_sealed(private, sealed[:-1], context=b"note|1")
    assert author.open_sealed(private, sealed, context=b"note|1") == b"canary-note"


def test_a_recovery_key_is_shown_in_groups_of_four_and_read_back_forgivingly() -> None:
    raw = bytes(range(32))
    shown = author.format_recovery_key(raw)
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){12}", shown), shown
    assert author.parse_recovery_key(shown) == raw
    assert author.parse_recovery_key(f"  {shown.lower().replace('-', ' ')}\n") == raw
    assert author.parse_recovery_key(shown.replace("-", "")) == raw


def test_anything_but_a_whole_recovery_key_is_refused() -> None:
    shown = author.format_recovery_key(bytes(range(32)))
    for wrong in (shown[:-5], shown + "-AAAA", "0000-1111-8888", author.format_recovery_key(bytes(range(31)))):
        with pytest.raises(ValueError, match="not a recovery key"):
            author.parse_recovery_key(wrong)


def _age_pair() -> tuple[str, str]:
    identity = pyrage.x25519.Identity.generate()
    return str(identity), str(identity.to_public())


def test_escrow_opens_only_with_both_holders_identities_in_order() -> None:
    (id_a, to_a), (id_b, to_b), (id_c, _) = _age_pair(), _age_pair(), _age_pair()
    blob = author.escrow_wrap(b"private keyset", recipients=(to_a, to_b))
    assert b"private keyset" not in blob
    assert author.escrow_open(blob, identities=(id_a, id_b)) == b"private keyset"
    for identities in ((id_b, id_a), (id_a, id_a), (id_b, id_b), (id_a, id_c), (id_c, id_b)):
        with pytest.raises(VaultError, match="escrow does not open with these identities"):
            author.escrow_open(blob, identities=identities)
    with pytest.raises(VaultError, match="escrow does not open with these identities"):
        author.escrow_open(blob, identities=(id_a, "AGE-SECRET-KEY-NOT-ONE"))


def test_one_escrow_holder_alone_cannot_open_the_inner_layer() -> None:
    """Holder A's layer only reveals another age file, which only holder B opens."""
    (id_a, to_a), (id_b, to_b) = _age_pair(), _age_pair()
    blob = author.escrow_wrap(b"private keyset", recipients=(to_a, to_b))
    inner = pyrage.decrypt(blob, [pyrage.x25519.Identity.from_str(id_a)])
    assert b"private keyset" not in inner
    with pytest.raises(pyrage.DecryptError):
        pyrage.decrypt(inner, [pyrage.x25519.Identity.from_str(id_a)])
    assert pyrage.decrypt(inner, [pyrage.x25519.Identity.from_str(id_b)]) == b"private keyset"


def test_an_escrow_recipient_that_is_not_an_age_key_is_refused() -> None:
    _, to_a = _age_pair()
    for recipients in ((to_a, "age1notakey"), ("ssh-ed25519 AAAA", to_a)):
        with pytest.raises(VaultError, match="escrow recipient is not an age X25519 key"):
            author.escrow_wrap(b"private keyset", recipients=recipients)


# --- operations: master-key rotation -----------------------------------------------------------


def _mfa_secrets() -> list[bytes]:
    """Every sealed MFA secret (TOTP seeds, recovery-code seeds) as stored."""
    return [
        base64.b64decode(str(value).removeprefix("cfd1:"))
        for data in Authenticator.objects.exclude(type=Authenticator.Type.WEBAUTHN).values_list("data", flat=True)
        for field, value in data.items()
        if field in ("secret", "seed")
    ]


def _everything_opens(cast: Cast) -> None:
    """Read every kind of ciphertext the cast holds, through the services, with the key file as it is now."""
    master_key_forget()
    for client in Client.objects.filter(shredded_at=None):
        assert client.open("name") and client.open("email")
    jordan = Client.objects.get(pk=cast.client.pk)
    notes = progress_notes_for(actor=cast.clinician, client=jordan, channel=Channel.CLI)
    assert [n.body for n in notes] == ["Session canary-note body"]
    _, chunks = document_open(actor=cast.clinician, client=jordan, document_id=cast.document.id, channel=Channel.CLI)
    assert b"".join(chunks) == b"Intake form canary-document text"
    for practice_id, name in ((cast.owner.practice_id, "Jordan Canary-Client"), (cast.outsider.practice_id, "Omar")):
        assert any(row[1].startswith(name) for row in directory_rows(practice_id=practice_id))
    totp = Authenticator.objects.get(user=cast.clinician.user, type=Authenticator.Type.TOTP)
    assert get_mfa_adapter().decrypt(totp.data["secret"]) == TOTP_SECRET


def test_a_master_rotation_retires_the_old_key_from_the_key_file(cast: Cast, own_master_key: Path) -> None:
    RecoveryCodes.activate(cast.clinician.user)
    codes = RecoveryCodes(Authenticator.objects.get(user=cast.clinician.user, type=Authenticator.Type.RECOVERY_CODES))
    unused = codes.get_unused_codes()
    practice_create(  # no client yet, so no directory key
        name="Empty Practice", owner_email="erin@empty.test", owner_name="Erin Empty", owner_password=PASSWORD
    )
    old = MasterKey.load(own_master_key, create=False)

    report = master_key_rotate()
    assert master_key().key_count == 1  # this process lets go of the old key at once

    text = own_master_key.read_text()
    assert not any(material in text for material in _key_material(old))  # the old key material is gone
    new = MasterKey.load(own_master_key, create=False)
    assert new.key_count == 1 and own_master_key.stat().st_mode & 0o777 == 0o600
    assert not own_master_key.with_name("master.key.new").exists()
    # An operator who kept only the old key file opens no client keyset, directory key or MFA secret.
    clients = Client.objects.exclude(wrapped_key=b"")
    assert report.clients == clients.count() >= 3
    for client in clients:
        ad = key_ad(practice_id=client.practice_id, client_id=client.id)
        with pytest.raises(VaultError, match="data key does not unwrap with this master key"):
            old.unwrap(bytes(client.wrapped_key), associated_data=ad)
        new.unwrap(bytes(client.wrapped_key), associated_data=ad)
    practices = Practice.objects.exclude(wrapped_directory_key=None)
    assert practices.count() == 2
    for practice in practices:
        with pytest.raises(VaultError, match="key does not unwrap with this master key"):
            old.unwrap_raw(
                bytes(practice.wrapped_directory_key or b""), associated_data=directory_ad(practice_id=practice.id)
            )
    secrets = _mfa_secrets()
    assert report.mfa_secrets == len(secrets) == Authenticator.objects.filter(type=Authenticator.Type.TOTP).count() + 1
    for sealed in secrets:
        with pytest.raises(VaultError, match="secret does not decrypt with this master key"):
            old.open_secret(sealed, purpose="mfa")
    # …and everything still decrypts with the new file.
    _everything_opens(cast)
    assert codes.validate_code(unused[0]) and RecoveryCodes(codes.instance).get_unused_codes() == unused[1:]


def test_a_master_rotation_in_small_batches_rewraps_every_client(
    cast: Cast, own_master_key: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(operations, "BATCH", 2)
    for n in range(3):
        client_create(actor=cast.clinician, name=f"Batch Client {n}", email=f"b{n}@client.test", channel=Channel.CLI)
    report = master_key_rotate()
    assert report.clients == Client.objects.exclude(wrapped_key=b"").count() == 6
    assert MasterKey.load(own_master_key, create=False).key_count == 1
    _everything_opens(cast)


def test_a_master_rotation_passes_over_shredded_clients(cast: Cast, own_master_key: Path) -> None:
    client_shred(client_id=cast.other_client.id, reason="erasure request")
    report = master_key_rotate()
    assert report.clients == Client.objects.filter(shredded_at=None).count() == 2
    assert Client.objects.get(pk=cast.other_client.pk).wrapped_key == b""
    _everything_opens(cast)


def test_a_master_rotation_interrupted_midway_loses_nothing(
    cast: Cast, own_master_key: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash() -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(operations, "get_mfa_adapter", crash)  # client keys are rewrapped, MFA secrets not yet
    with pytest.raises(RuntimeError, match="power cut"):
        master_key_rotate()
    assert MasterKey.load(own_master_key, create=False).key_count == 2  # the file holds both keys
    _everything_opens(cast)
    monkeypatch.undo()
    master_key_rotate()  # the operator runs it again
    assert MasterKey.load(own_master_key, create=False).key_count == 1
    _everything_opens(cast)


def test_a_stale_temporary_key_file_does_not_corrupt_the_rotated_one(cast: Cast, own_master_key: Path) -> None:
    own_master_key.with_name("master.key.new").write_text(own_master_key.read_text() * 3)  # left by a crash
    master_key_rotate()
    assert MasterKey.load(own_master_key, create=False).key_count == 1
    _everything_opens(cast)


def test_a_master_rotation_is_recorded_in_every_practice(cast: Cast, own_master_key: Path) -> None:
    master_key_rotate()
    events = AuditEvent.objects.filter(action=AuditAction.MASTER_KEY_ROTATE)
    assert sorted(e.practice_id for e in events) == sorted(Practice.objects.values_list("id", flat=True))
    assert all(e.actor_id is None and e.channel == Channel.CLI for e in events)


# --- operations: client-key rotation and re-encryption -----------------------------------------


def _ciphertexts(cast: Cast) -> list[tuple[bytes, bytes]]:
    """Every (ciphertext, associated data) under Jordan's data key, as stored now."""
    client = Client.objects.get(pk=cast.client.pk)
    pid, cid = client.practice_id, client.id
    found = [
        (bytes(getattr(client, f"{c}_ct")), client._ad(c)) for c in ENCRYPTED_COLUMNS if getattr(client, f"{c}_ct")
    ]
    for note in ProgressNote.objects.filter(client=client):
        found.append((bytes(note.body_ct), progress_note_ad(practice_id=pid, note_id=note.id, client_id=cid)))
    for doc in Document.objects.filter(client=client):
        found.append(
            (bytes(doc.meta_ct), document_ad(practice_id=pid, document_id=doc.id, client_id=cid, column="meta"))
        )
    for model in (Signature, Directive):
        for row in model.objects.filter(client=client):
            found += [(bytes(getattr(row, f"{c}_ct")), row._ad(c)) for c in row.SEALED if getattr(row, f"{c}_ct")]
    return found


def _stream_key(cast: Cast) -> tuple[bytes, bytes]:
    doc = Document.objects.get(pk=cast.document.pk)
    ad = document_ad(practice_id=doc.practice_id, document_id=doc.id, client_id=doc.client_id, column="stream_key")
    return bytes(doc.wrapped_stream_key), ad


def test_a_client_rotation_reencrypts_everything_and_the_old_keyset_opens_none_of_it(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    sign(cast), grant(cast)
    old_key = Client.objects.get(pk=cast.client.pk).data_key()
    before = _ciphertexts(cast)
    with django_capture_on_commit_callbacks(execute=True):
        client_key_rotate(client_id=cast.client.id)
    client = Client.objects.get(pk=cast.client.pk)
    assert not client.needs_reencryption
    key = client.data_key()
    assert key.key_count == 1 and key.primary_key_id != old_key.primary_key_id
    after = _ciphertexts(cast)
    assert len(after) == len(before) >= 6 and not {c for c, _ in before} & {c for c, _ in after}
    for ciphertext, ad in after:
        key.decrypt(ciphertext, associated_data=ad)
        with pytest.raises(VaultError, match="does not authenticate for this place"):
            old_key.decrypt(ciphertext, associated_data=ad)
    wrapped, ad = _stream_key(cast)
    key.unwrap_keyset(wrapped, associated_data=ad)
    with pytest.raises(VaultError, match="keyset does not unwrap with this data key"):
        old_key.unwrap_keyset(wrapped, associated_data=ad)
    event = AuditEvent.objects.get(action=AuditAction.CLIENT_REENCRYPT, client_id=client.id)
    assert (
        event.purpose == str(_rows_to_reencrypt(cast)) and event.object_type == "client-key" and event.actor_id is None
    )
    _everything_opens(cast)


def _rows_to_reencrypt(cast: Cast) -> int:
    """What re-encryption counts: each sealed client column, and each note, document, signature, directive."""
    client = Client.objects.get(pk=cast.client.pk)
    return (
        sum(1 for c in ENCRYPTED_COLUMNS if getattr(client, f"{c}_ct") is not None)
        + ProgressNote.objects.filter(client=client).count()
        + Document.objects.filter(client=client).count()
        + Signature.objects.filter(client=client).count()
        + Directive.objects.filter(client=client).count()
    )


def test_the_reencryption_count_is_the_number_of_ciphertexts_rewritten(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    sign(cast), grant(cast)
    expected = _rows_to_reencrypt(cast)
    with django_capture_on_commit_callbacks(execute=False):  # the background job does not run: call it by hand
        client_key_rotate(client_id=cast.client.id)
    assert client_reencrypt(client_id=cast.client.id) == expected == 7
    assert client_reencrypt(client_id=cast.client.id) == 0  # done once: nothing pending


def test_reencryption_leaves_a_client_whose_key_was_not_rotated_alone(cast: Cast) -> None:
    before = _ciphertexts(cast)
    assert client_reencrypt(client_id=cast.client.id) == 0
    assert _ciphertexts(cast) == before
    assert not AuditEvent.objects.filter(action=AuditAction.CLIENT_REENCRYPT).exists()


def test_a_pending_reencryption_of_a_client_shredded_meanwhile_is_skipped(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        client_key_rotate(client_id=cast.client.id)
    client_shred(client_id=cast.client.id, reason="erasure request")
    assert client_reencrypt(client_id=cast.client.id) == 0
    assert Client.objects.get(pk=cast.client.pk).wrapped_key == b""


def test_a_shredded_clients_key_cannot_be_rotated_back_into_existence(cast: Cast) -> None:
    client_shred(client_id=cast.other_client.id, reason="erasure request")
    with pytest.raises(Client.DoesNotExist):
        client_key_rotate(client_id=cast.other_client.id)
    assert Client.objects.get(pk=cast.other_client.pk).wrapped_key == b""


def test_a_client_rotation_is_recorded_for_that_client(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_key_rotate(client_id=cast.client.id)
    event = AuditEvent.objects.get(action=AuditAction.CLIENT_KEY_ROTATE)
    assert (event.client_id, event.object_type, event.actor_id, event.channel) == (
        cast.client.id,
        "client-key",
        None,
        Channel.CLI,
    )
    assert Client.objects.get(pk=cast.client.pk).needs_reencryption and len(callbacks) == 1


# --- operations: crypto-shredding ------------------------------------------------------------


LONG_REASON = "erasure request under GDPR Art. 17, ticket 4711, received from the client in writing"


def test_shredding_makes_every_ciphertext_of_the_client_undecryptable(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    """Play the operator afterwards: every row, the master key, and the ciphertexts kept in the tombstone."""
    sign(cast), grant(cast)
    private_note_create(actor=cast.clinician, client=cast.client, body="private", channel=Channel.CLI)
    before = _ciphertexts(cast)
    aisha = AuditEvent.objects.filter(client_id=cast.other_client.id)
    assert aisha.count() >= 1 and not aisha.filter(salt=None).exists()
    file = Path(settings.CONFIDE_DOCUMENTS_DIR) / str(cast.client.practice_id) / f"{cast.document.id}.bin"
    with django_capture_on_commit_callbacks(execute=True):
        client_shred(client_id=cast.client.id, reason=LONG_REASON)
    client = Client.objects.get(pk=cast.client.pk)
    assert bytes(client.wrapped_key) == b"" and client.name_dir_ct is None
    assert (client.email_bidx, client.phone_bidx, client.number_bidx) == (None, None, None)
    with pytest.raises(VaultError, match="data key does not unwrap"):
        client.data_key()
    for ciphertext, ad in before:  # no key left in the database opens any of them
        for other in Client.objects.exclude(wrapped_key=b""):
            with pytest.raises(VaultError, match="does not authenticate"):
                other.data_key().decrypt(ciphertext, associated_data=ad)
    assert not PsychotherapyNote.objects.filter(client_id=client.id).exists() and not file.exists()
    assert client.status == Client.Status.SHREDDED and client.shredded_at is not None and client.portal_member is None
    unlinked = AuditEvent.objects.filter(client_id=client.id).exclude(action=AuditAction.CLIENT_SHRED)
    assert unlinked.count() >= 5 and not unlinked.exclude(salt=None).exists()
    assert not aisha.filter(salt=None).exists()  # other clients' events stay linkable
    assert all(row[0] != client.id.hex for row in directory_rows(practice_id=client.practice_id))
    event = AuditEvent.objects.get(action=AuditAction.CLIENT_SHRED)
    assert (event.client_id, event.object_type, event.actor_id) == (client.id, "client", None)
    assert event.purpose == LONG_REASON[:64]
    Client.objects.get(pk=cast.other_client.pk).open("name")  # nobody else is touched


def test_shredding_is_refused_under_a_legal_hold(cast: Cast) -> None:
    private_note_create(actor=cast.clinician, client=cast.client, body="private", channel=Channel.CLI)
    salts = list(AuditEvent.objects.filter(client_id=cast.client.id).values_list("salt", flat=True))
    hold = hold_place(
        actor=cast.owner, client=cast.client, reason="Subpoena in Doe v. Roe, 26-CV-42", channel=Channel.WEB
    )
    with pytest.raises(UnderLegalHoldError, match="legal hold"):
        client_shred(client_id=cast.client.id, reason="retention ended")
    with pytest.raises(CommandError, match="legal hold"):
        call_command("keys", "shred", str(cast.client.id), confirm=str(cast.client.id), reason="x", stdout=StringIO())
    _everything_opens(cast)  # nothing was destroyed
    assert PsychotherapyNote.objects.filter(client_id=cast.client.id).count() == 1
    assert (
        list(AuditEvent.objects.filter(client_id=cast.client.id).values_list("salt", flat=True))[: len(salts)] == salts
    )
    assert Client.objects.get(pk=cast.client.pk).shredded_at is None
    hold_release(actor=cast.owner, hold_id=hold.id, reason="Case dismissed on 2026-11-20.", channel=Channel.WEB)
    client_shred(client_id=cast.client.id, reason="retention ended")
    assert Client.objects.get(pk=cast.client.pk).wrapped_key == b""


def test_shredding_succeeds_when_a_document_file_is_already_gone(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    upload = SimpleUploadedFile("second.txt", b"Second canary document", content_type="text/plain")
    second = document_upload(actor=cast.clinician, client=cast.client, upload=upload, channel=Channel.CLI)
    folder = Path(settings.CONFIDE_DOCUMENTS_DIR) / str(cast.client.practice_id)
    (folder / f"{cast.document.id}.bin").unlink()
    with django_capture_on_commit_callbacks(execute=True):
        client_shred(client_id=cast.client.id, reason="erasure request")
    assert not (folder / f"{second.id}.bin").exists()
    assert Client.objects.get(pk=cast.client.pk).shredded_at is not None


def _sealed_rows_open(cast: Cast) -> int:
    """Open every sealed column of every row bound to Jordan, of every kind; return how many rows."""
    key, rows = Client.objects.get(pk=cast.client.pk).data_key(), 0
    for model in (m for m in apps.get_models() if issubclass(m, SealedRow)):
        for row in model._default_manager.filter(client_id=cast.client.id):
            for column in row.SEALED:
                row.open(column, key=key)
            rows += 1
    return rows


def test_a_client_rotation_keeps_every_sealed_record_of_the_client_readable(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    """Holds, break-glass grants, measures, disclosures and their (append-only) accounting: all under the client key."""
    sign(cast), grant(cast)
    hold_place(actor=cast.owner, client=cast.client, reason="Subpoena in Doe v. Roe, 26-CV-42", channel=Channel.WEB)
    aisha = hold_place(  # another client's row of the same kind, in the same practice: left alone
        actor=cast.owner, client=cast.other_client, reason="Subpoena in Doe v. Poe, 26-CV-43", channel=Channel.WEB
    )
    breakglass_open(
        member=cast.colleague,
        client_number="C-00001",
        reason="Client called in crisis; their clinician is on leave and I need the safety plan.",
        channel=Channel.WEB,
    )
    record(cast, "phq9", [1, 1, 1, 1, 1, 1, 1, 1, 1])  # item 9 above 0: an early warning too
    released(cast)
    sealed = [m for m in apps.get_models() if issubclass(m, SealedRow)]
    kinds = {m.__name__ for m in sealed if m._default_manager.filter(client=cast.client).exists()}
    assert kinds >= {"LegalHold", "Grant", "Administration", "EarlyWarning", "AccountingEntry", "Signature"}
    rows, old_key = _sealed_rows_open(cast), Client.objects.get(pk=cast.client.pk).data_key()
    with django_capture_on_commit_callbacks(execute=True):
        client_key_rotate(client_id=cast.client.id)
    client = Client.objects.get(pk=cast.client.pk)
    assert not client.needs_reencryption
    assert _sealed_rows_open(cast) == rows
    hold = LegalHold.objects.get(client=client)
    with pytest.raises(VaultError, match="does not authenticate for this place"):  # the hold was re-encrypted
        hold.open("reason", key=old_key)
    aisha.refresh_from_db()
    assert (
        aisha.open("reason", key=Client.objects.get(pk=cast.other_client.pk).data_key())
        == "Subpoena in Doe v. Poe, 26-CV-43"
    )
    # The accounting of disclosures is append-only, so the old key that opens it is kept…
    assert client.data_key().key_count == 2
    _everything_opens(cast)
    with django_capture_on_commit_callbacks(execute=True):  # …but only for the client it belongs to
        client_key_rotate(client_id=cast.other_client.id)
    assert Client.objects.get(pk=cast.other_client.pk).data_key().key_count == 1


def test_a_master_rotation_reseals_sign_in_addresses_and_mail_still_waiting(
    cast: Cast, own_master_key: Path, mail_server_down: None
) -> None:
    waiting = mail_send(
        practice_id=cast.owner.practice_id, kind=OutgoingMail.Kind.INVITATION, to="x@client.test", subject="s", body="b"
    )
    old = MasterKey.load(own_master_key, create=False)
    report = master_key_rotate()
    users = User.objects.all()
    assert report.addresses == users.count() >= 5 and report.waiting_mail == 1
    for user in users:  # the old key alone no longer opens an address; the running key does
        with pytest.raises(VaultError, match="secret does not decrypt with this master key"):
            old.open_secret(bytes(user.email_sealed), purpose="login-email")
    assert User.objects.get(pk=cast.client_member.user.pk).address == "jordan@client.test"
    assert User.objects.for_email(" Jordan@Client.TEST") == cast.client_member.user
    waiting.refresh_from_db()
    with pytest.raises(VaultError, match="secret does not decrypt with this master key"):
        old.open_secret(bytes(waiting.envelope_ct), purpose="outgoing-mail")
    assert json.loads(master_key().open_secret(bytes(waiting.envelope_ct), purpose="outgoing-mail"))["to"] == (
        "x@client.test"
    )
