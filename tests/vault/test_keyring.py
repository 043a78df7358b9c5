"""The key hierarchy core, without Django."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confide.vault.keyring import BLIND_INDEX_BYTES, MasterKey, VaultError

MASTER = MasterKey.generate()
WRAPPED = MASTER.new_data_key(associated_data=b"client-1")
KEY = MASTER.unwrap(WRAPPED, associated_data=b"client-1")


@given(plaintext=st.binary(max_size=4096), ad=st.binary(max_size=256))
def test_it_round_trips_any_bytes(plaintext: bytes, ad: bytes) -> None:
    assert KEY.decrypt(KEY.encrypt(plaintext, associated_data=ad), associated_data=ad) == plaintext


@given(plaintext=st.binary(min_size=1, max_size=512))
def test_ciphertext_never_contains_the_plaintext(plaintext: bytes) -> None:
    if len(plaintext) >= 8:
        assert plaintext not in KEY.encrypt(plaintext, associated_data=b"ad")


def test_a_ciphertext_moved_to_another_place_fails() -> None:
    ciphertext = KEY.encrypt(b"secret", associated_data=b"row-1|name")
    with pytest.raises(VaultError, match="does not authenticate for this place"):
        KEY.decrypt(ciphertext, associated_data=b"row-2|name")


def test_a_tampered_ciphertext_fails() -> None:
    ciphertext = bytearray(KEY.encrypt(b"secret", associated_data=b"ad"))
    ciphertext[-1] ^= 1
    with pytest.raises(VaultError, match="does not authenticate for this place"):
        KEY.decrypt(bytes(ciphertext), associated_data=b"ad")


def test_a_data_key_does_not_unwrap_for_another_client() -> None:
    with pytest.raises(VaultError, match="data key does not unwrap with this master key"):
        MASTER.unwrap(WRAPPED, associated_data=b"client-2")


def test_a_wrong_master_key_fails_loudly() -> None:
    with pytest.raises(VaultError, match="data key does not unwrap with this master key"):
        MasterKey.generate().unwrap(WRAPPED, associated_data=b"client-1")


def test_each_client_gets_a_different_random_key() -> None:
    other = MASTER.unwrap(MASTER.new_data_key(associated_data=b"client-1"), associated_data=b"client-1")
    with pytest.raises(VaultError, match="does not authenticate for this place"):
        other.decrypt(KEY.encrypt(b"x", associated_data=b"ad"), associated_data=b"ad")


def test_the_master_key_survives_serialization() -> None:
    again = MasterKey.deserialize(MASTER.serialize())
    assert (
        again.unwrap(WRAPPED, associated_data=b"client-1").decrypt(
            KEY.encrypt(b"x", associated_data=b"a"), associated_data=b"a"
        )
        == b"x"
    )
    assert again.blind_index("a@b.test", table="t", column="c") == MASTER.blind_index("a@b.test", table="t", column="c")


def test_blind_indexes_differ_by_column_and_are_truncated() -> None:
    a = MASTER.blind_index("a@b.test", table="clients", column="email")
    b = MASTER.blind_index("a@b.test", table="clients", column="phone")
    assert a != b and len(a) == BLIND_INDEX_BYTES


def test_it_creates_the_key_file_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "master.key"
    created = MasterKey.load(path, create=True)
    assert path.stat().st_mode & 0o777 == 0o600
    assert MasterKey.load(path, create=False).blind_index("x", table="t", column="c") == created.blind_index(
        "x", table="t", column="c"
    )


def test_a_missing_key_file_is_refused_without_create(tmp_path: Path) -> None:
    with pytest.raises(VaultError, match="cannot be read"):
        MasterKey.load(tmp_path / "absent.key", create=False)


def test_a_garbage_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    path.write_text('{"version": 1, "keyset": {}}')
    with pytest.raises(VaultError, match="not a Confide master key"):
        MasterKey.load(path, create=False)


def test_secrets_are_bound_to_their_purpose() -> None:
    sealed = MASTER.seal_secret("JBSWY3DP", purpose="mfa")
    assert MASTER.open_secret(sealed, purpose="mfa") == "JBSWY3DP"
    with pytest.raises(VaultError, match="secret does not decrypt with this master key"):
        MASTER.open_secret(sealed, purpose="other")


def test_unwrapped_keys_do_not_outlive_the_request(db: None) -> None:
    from confide.vault import sealing

    with sealing.request_key_cache():
        assert sealing._request_keys.get() == {}
    assert sealing._request_keys.get() is None
