"""Keep an unlocked private key between requests without the database ever holding it.

The server session stores the private key encrypted under a random key that lives only
in an HttpOnly, SameSite=Strict cookie: the sessions table alone opens nothing, and the
unlock ends with the session (idle timeout, sign-out).
"""

from __future__ import annotations

import base64
import binascii
import os

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from confide.records.models import AuthorKey
from confide.vault import author
from confide.vault.keyring import VaultError

COOKIE = "confide_pn"
_SESSION = "confide_pn_key"


def _ad(key: AuthorKey) -> bytes:
    return f"confide:v1:unlock|{key.id}".encode()


def unlock_remember(request: HttpRequest, response: HttpResponse, *, key: AuthorKey, private: bytes) -> None:
    cookie_key = os.urandom(32)
    request.session[_SESSION] = {
        "key": str(key.id),
        "blob": base64.b64encode(author.wrap(private, kek=cookie_key, associated_data=_ad(key))).decode(),
    }
    response.set_cookie(
        COOKIE,
        base64.urlsafe_b64encode(cookie_key).decode(),
        httponly=True,
        samesite="Strict",
        secure=settings.PRODUCTION,
        max_age=None,
    )


def unlocked_private(request: HttpRequest, *, key: AuthorKey) -> bytes | None:
    stored = request.session.get(_SESSION)
    cookie = request.COOKIES.get(COOKIE)
    if not isinstance(stored, dict) or stored.get("key") != str(key.id) or not cookie:
        return None
    try:
        kek = base64.urlsafe_b64decode(cookie)
        return author.unwrap(base64.b64decode(stored["blob"]), kek=kek, associated_data=_ad(key))
    except (VaultError, ValueError, binascii.Error):
        return None


def unlock_forget(request: HttpRequest, response: HttpResponse) -> None:
    request.session.pop(_SESSION, None)
    response.delete_cookie(COOKIE, samesite="Strict")
