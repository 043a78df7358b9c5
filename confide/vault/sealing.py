"""Django-side vault glue: the process's master key and associated-data builders."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path

from django.conf import settings

from confide.vault.keyring import DataKey, FastKey, MasterKey, VaultError, read_age_identity

_loaded: tuple[object, MasterKey] | None = None
_checked_at = 0.0
RELOAD_SECONDS = 1.0  # how soon a running process sees a new key file (a stat() costs ~15 µs; once a second)


def _signature(path: Path) -> object:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


def master_key() -> MasterKey:
    """The master key, reloaded whenever its file changes (so a running server follows a
    rotation done by `confide keys rotate-master`); development creates it on first use."""
    global _loaded, _checked_at
    now = time.monotonic()
    if _loaded is not None and now - _checked_at < RELOAD_SECONDS:
        return _loaded[1]
    _checked_at = now
    path = Path(settings.CONFIDE_MASTER_KEY_FILE)
    signature = _signature(path)
    if _loaded is None or _loaded[0] != signature or signature is None:
        identity = age_identity()
        key = (
            MasterKey.load_age(path, identity=identity)
            if identity
            else MasterKey.load(path, create=not settings.PRODUCTION)
        )
        _loaded = (_signature(path), key)
    return _loaded[1]


def age_identity() -> str:
    """The age identity that opens an age-encrypted master key file, if one is configured."""
    path = settings.CONFIDE_MASTER_KEY_AGE_IDENTITY_FILE
    if path is None:
        return ""
    return read_age_identity(Path(path))


def master_key_forget() -> None:
    """Drop the loaded key, so the next use reads the file again."""
    global _loaded
    _loaded = None


def _with_reload[T](unwrap: Callable[[MasterKey], T]) -> T:
    """Unwrap; if that fails, the key file may have been rotated within the last second: reload once."""
    try:
        return unwrap(master_key())
    except VaultError:
        master_key_forget()
        return unwrap(master_key())


def key_ad(*, practice_id: uuid.UUID, client_id: uuid.UUID) -> bytes:
    return f"confide:v1:client-key|{practice_id}|{client_id}".encode()


def field_ad(*, practice_id: uuid.UUID, table: str, column: str, row_id: uuid.UUID, client_id: uuid.UUID) -> bytes:
    """Bind a ciphertext to its place, so a copy into another row, column or client fails."""
    return f"confide:v1:field|{practice_id}|{table}|{column}|{row_id}|{client_id}".encode()


def new_wrapped_key(*, practice_id: uuid.UUID, client_id: uuid.UUID) -> bytes:
    return master_key().new_data_key(associated_data=key_ad(practice_id=practice_id, client_id=client_id))


# Unwrapped client keys live only as long as one request (or one CLI unit of work):
# a fresh dict per request, dropped at its end, never shared across requests.
_request_keys: ContextVar[dict[tuple[uuid.UUID, bytes], DataKey | FastKey] | None] = ContextVar(
    "confide_keys", default=None
)


@contextlib.contextmanager
def request_key_cache() -> Iterator[None]:
    token = _request_keys.set({})
    try:
        yield
    finally:
        _request_keys.reset(token)


def unwrap_key(*, wrapped: bytes, practice_id: uuid.UUID, client_id: uuid.UUID) -> DataKey:
    cache = _request_keys.get()
    if cache is not None and isinstance(cached := cache.get((client_id, wrapped)), DataKey):
        return cached
    ad = key_ad(practice_id=practice_id, client_id=client_id)
    key = _with_reload(lambda mk: mk.unwrap(wrapped, associated_data=ad))
    if cache is not None:
        cache[(client_id, wrapped)] = key
    return key


def directory_ad(*, practice_id: uuid.UUID) -> bytes:
    return f"confide:v1:directory-key|{practice_id}".encode()


def directory_key(*, practice_id: uuid.UUID, wrapped: bytes) -> FastKey:
    """The practice's directory key (cached for the request like client keys)."""
    cache = _request_keys.get()
    if cache is not None and isinstance(cached := cache.get((practice_id, wrapped)), FastKey):
        return cached
    ad = directory_ad(practice_id=practice_id)
    key = _with_reload(lambda mk: mk.unwrap_fast_key(wrapped, associated_data=ad))
    if cache is not None:
        cache[(practice_id, wrapped)] = key
    return key


def blind_index(value: str, *, table: str, column: str) -> bytes:
    return master_key().blind_index(value, table=table, column=column)
