"""The author-key core, without Django: wraps, HPKE sealing, recovery-key format."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from confide.vault import author
from confide.vault.keyring import VaultError

PUBLIC, PRIVATE = author.new_key_pair()
KEK = bytes(range(32))


@given(secret=st.binary(max_size=2048), ad=st.binary(max_size=128))
def test_a_wrap_round_trips(secret: bytes, ad: bytes) -> None:
    assert author.unwrap(author.wrap(secret, kek=KEK, associated_data=ad), kek=KEK, associated_data=ad) == secret


@given(note=st.text(max_size=2000), context=st.binary(max_size=128))
@settings(max_examples=50)
def test_a_sealed_note_opens_only_with_its_context(note: str, context: bytes) -> None:
    sealed = author.seal(PUBLIC, note.encode(), context=context)
    assert author.open_sealed(PRIVATE, sealed, context=context).decode() == note
    with pytest.raises(VaultError, match="note does not open with this key"):
        author.open_sealed(PRIVATE, sealed, context=context + b"x")


def test_another_authors_key_does_not_open_a_note() -> None:
    _, other_private = author.new_key_pair()
    with pytest.raises(VaultError, match="note does not open with this key"):
        author.open_sealed(other_private, author.seal(PUBLIC, b"note", context=b"c"), context=b"c")


@given(raw=st.binary(min_size=32, max_size=32))
def test_recovery_keys_survive_formatting(raw: bytes) -> None:
    assert author.parse_recovery_key(author.format_recovery_key(raw).lower()) == raw


def test_a_password_kek_depends_on_password_and_salt() -> None:
    params = author.KdfParams(memory_kib=8192, time_cost=1, parallelism=1)
    a = author.password_kek("pw", salt=b"0" * 16, params=params)
    assert a != author.password_kek("pw2", salt=b"0" * 16, params=params)
    assert a != author.password_kek("pw", salt=b"1" * 16, params=params)
    assert a == author.password_kek("pw", salt=b"0" * 16, params=params)
