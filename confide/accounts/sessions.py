"""Sessions sealed at rest: django_session holds only ciphertext under the master key.

A session carries what a sign-in is in the middle of: allauth keeps the typed address there between steps and
a TOTP secret while it is being set up, before it is sealed in the authenticator table. Django's database
store only signs the data (base64 of compressed JSON), so a copy of the database would show both. Here the
signed data is sealed under the master key, bound to the session's own key, so a row copied onto another
session's key does not open either. A session that does not open (another row's data, a master key rotated
since, a row written before this store) is an empty one: its holder is signed out, never shown an error.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.contrib.sessions.backends import db
from django.utils import timezone

from confide.vault.keyring import VaultError
from confide.vault.sealing import master_key

PREFIX = "sealed:v1:"


def _purpose(session_key: str | None) -> str:  # a store without a key has no row to open
    return f"session|{session_key}"


class SessionStore(db.SessionStore):
    def encode(self, session_dict: dict[str, Any]) -> str:
        signed = super().encode(session_dict)
        sealed = master_key().seal_secret(signed, purpose=_purpose(self.session_key))
        return PREFIX + base64.b64encode(sealed).decode()

    def decode(self, session_data: bytes | str) -> dict[str, Any]:
        if isinstance(session_data, bytes):
            session_data = session_data.decode("ascii", errors="replace")
        if not session_data.startswith(PREFIX):
            return {}
        try:
            sealed = base64.b64decode(session_data[len(PREFIX) :], validate=True)
            signed = master_key().open_secret(sealed, purpose=_purpose(self.session_key))
        except (binascii.Error, VaultError):
            return {}
        decoded: dict[str, Any] = super().decode(signed)
        return decoded


def sessions_reseal() -> int:
    """Seal every live session again under the master key's primary (master-key rotation, while the old key
    still opens them), so a rotation signs no one out; expired sessions are deleted. Returns how many moved."""
    Session = SessionStore.get_model_class()
    Session.objects.filter(expire_date__lt=timezone.now()).delete()
    count = 0
    for key, data in Session.objects.values_list("session_key", "session_data").iterator():
        store = SessionStore(session_key=key)
        decoded = store.decode(data)
        if decoded:
            Session.objects.filter(session_key=key).update(session_data=store.encode(decoded))
            count += 1
    return count
