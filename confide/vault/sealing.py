"""Django-side vault glue: the process's master key and associated-data builders."""

from __future__ import annotations

import functools
import uuid

from django.conf import settings

from confide.vault.keyring import DataKey, MasterKey


@functools.cache
def master_key() -> MasterKey:
    """Load the master key once per process; development creates it on first use."""
    return MasterKey.load(settings.CONFIDE_MASTER_KEY_FILE, create=not settings.PRODUCTION)


def key_ad(*, practice_id: uuid.UUID, client_id: uuid.UUID) -> bytes:
    return f"confide:v1:client-key|{practice_id}|{client_id}".encode()


def field_ad(*, practice_id: uuid.UUID, table: str, column: str, row_id: uuid.UUID, client_id: uuid.UUID) -> bytes:
    """Bind a ciphertext to its place, so a copy into another row, column or client fails."""
    return f"confide:v1:field|{practice_id}|{table}|{column}|{row_id}|{client_id}".encode()


def new_wrapped_key(*, practice_id: uuid.UUID, client_id: uuid.UUID) -> bytes:
    return master_key().new_data_key(associated_data=key_ad(practice_id=practice_id, client_id=client_id))


def unwrap_key(*, wrapped: bytes, practice_id: uuid.UUID, client_id: uuid.UUID) -> DataKey:
    return master_key().unwrap(wrapped, associated_data=key_ad(practice_id=practice_id, client_id=client_id))


def blind_index(value: str, *, table: str, column: str) -> bytes:
    return master_key().blind_index(value, table=table, column=column)
