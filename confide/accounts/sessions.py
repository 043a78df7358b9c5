"""Sessions that a copy of the database can neither read nor use.

A session carries what a sign-in is in the middle of: allauth keeps the typed address there between steps and
a TOTP secret while it is being set up. Django's database store only signs that data (base64 of compressed
JSON), and keeps each row under the session's key, which is the browser's cookie itself: anyone who reads
``django_session`` could read the data and, sending a key as their cookie, *be* that person, second factor
and all. Here a row is kept under a keyed hash of the session key (master-key derived; the cookie cannot be
recovered from it), and its data is sealed under the master key, bound to that row. A session that does not
open (another row's data, a master key rotated since, a row written before this store) is an empty one: its
holder is signed out, never shown an error.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from confide.vault.keyring import VaultError
from confide.vault.sealing import master_key

PREFIX = "sealed:v1:"
_LABEL = {"table": "django_session", "column": "session_key"}  # the keyed hash's derivation label


def stored_key(session_key: str) -> str:
    """The row's key for a session key (the cookie): a keyed hash, 32 hex digits (the column holds 40)."""
    return master_key().blind_index(session_key, **_LABEL).hex()


def _seal(signed: str, row: str) -> str:
    return PREFIX + base64.b64encode(master_key().seal_secret(signed, purpose=f"session|{row}")).decode()


def _open(data: str, row: str) -> str | None:
    if not data.startswith(PREFIX):
        return None
    try:
        return master_key().open_secret(base64.b64decode(data[len(PREFIX) :], validate=True), purpose=f"session|{row}")
    except (binascii.Error, VaultError):
        return None


class SessionStore(db.SessionStore):
    def _row(self) -> str:
        assert self.session_key is not None  # only a session with a key has a row
        return stored_key(self.session_key)

    def encode(self, session_dict: dict[str, Any]) -> str:
        return _seal(super().encode(session_dict), self._row())

    def decode(self, session_data: bytes | str) -> dict[str, Any]:
        text = session_data if isinstance(session_data, str) else session_data.decode(errors="replace")
        signed = _open(text, self._row()) if self.session_key else None
        return {} if signed is None else dict(super().decode(signed))

    def _get_session_from_db(self) -> Session | None:
        if self.session_key is None:
            return None
        found = Session.objects.filter(session_key=self._row(), expire_date__gt=timezone.now()).first()
        if found is None:
            self._session_key = None
        return found

    async def _aget_session_from_db(self) -> Session | None:  # Confide serves WSGI: the same, in a thread
        return await sync_to_async(self._get_session_from_db)()

    def exists(self, session_key: str) -> bool:
        return Session.objects.filter(session_key=stored_key(session_key)).exists()

    async def aexists(self, session_key: str) -> bool:
        return await sync_to_async(self.exists)(session_key)

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        self._get_or_create_session_key()  # type: ignore[attr-defined]
        return Session(session_key=self._row(), session_data=self.encode(data), expire_date=self.get_expiry_date())

    async def acreate_model_instance(self, data: dict[str, Any]) -> Session:
        return await sync_to_async(self.create_model_instance)(data)

    def delete(self, session_key: str | None = None) -> None:
        key = session_key or self.session_key
        if key is not None:
            Session.objects.filter(session_key=stored_key(key)).delete()

    async def adelete(self, session_key: str | None = None) -> None:
        await sync_to_async(self.delete)(session_key)


def sessions_reseal() -> int:
    """Seal every live session again under the master key's primary (master-key rotation, while the old key
    still opens them), so a rotation signs no one out; expired sessions are deleted. Returns how many moved."""
    Session.objects.filter(expire_date__lt=timezone.now()).delete()
    count = 0
    for row, data in Session.objects.values_list("session_key", "session_data").iterator():
        signed = _open(data, row)
        # Only if the row is as read: a request that saved it meanwhile sealed it under the new key already.
        if signed is not None and Session.objects.filter(session_key=row, session_data=data).update(
            session_data=_seal(signed, row)
        ):
            count += 1
    return count
