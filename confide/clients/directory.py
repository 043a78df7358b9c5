"""The practice directory: client names under one practice key, for fast name search.

Searching 10,000 names would otherwise unwrap 10,000 client keys. The directory key is one
raw AES-256-GCM key per practice, wrapped by the master key; shredding a client erases its
entry. Each entry's associated data binds practice and client, so entries cannot be swapped.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from django.db import connection, transaction

from confide.practices.models import Practice
from confide.vault.keyring import FastKey
from confide.vault.sealing import directory_ad, directory_key, master_key


def practice_directory_key(*, practice_id: uuid.UUID) -> FastKey:
    wrapped = Practice.objects.filter(pk=practice_id).values_list("wrapped_directory_key", flat=True).first()
    if wrapped is None:
        with transaction.atomic():
            practice = Practice.objects.select_for_update().get(pk=practice_id)
            if practice.wrapped_directory_key is None:
                practice.wrapped_directory_key = master_key().new_fast_key(
                    associated_data=directory_ad(practice_id=practice_id)
                )
                practice.save(update_fields=["wrapped_directory_key"])
            wrapped = practice.wrapped_directory_key
    return directory_key(practice_id=practice_id, wrapped=bytes(wrapped))


def _ad(practice_hex: str, client_hex: str) -> bytes:
    return f"confide:v1:directory|{practice_hex}|{client_hex}".encode()


def directory_seal(*, practice_id: uuid.UUID, client_id: uuid.UUID, name: str) -> bytes:
    key = practice_directory_key(practice_id=practice_id)
    return key.encrypt(name.encode(), associated_data=_ad(practice_id.hex, client_id.hex))


def directory_rows(
    *, practice_id: uuid.UUID, client_ids: list[uuid.UUID] | None = None
) -> Iterator[tuple[str, str, str]]:
    """Yield (client id as hex, name, status) for the practice's live clients, optionally only some.

    Raw SQL and hex ids on purpose: at 10,000 rows, building UUID objects per row costs more
    than the decryption itself; callers build them for the rows they keep.
    """
    key = practice_directory_key(practice_id=practice_id)
    sql = "SELECT id, name_dir_ct, status FROM clients_client WHERE practice_id = %s AND shredded_at IS NULL"
    params = [practice_id.hex if connection.vendor == "sqlite" else str(practice_id)]
    wanted = None if client_ids is None else {c.hex for c in client_ids}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for raw_id, ciphertext, status in cursor.fetchall():
            client_hex = raw_id if isinstance(raw_id, str) else raw_id.hex
            client_hex = client_hex.replace("-", "")
            if wanted is not None and client_hex not in wanted:
                continue
            name = key.decrypt(bytes(ciphertext or b""), associated_data=_ad(practice_id.hex, client_hex)).decode()
            yield client_hex, name, status
