"""A sign-in e-mail is never stored as itself: the account's ``email`` column (and allauth's e-mail address
table) holds a keyed blind index of it, shaped like an address that can never be delivered
(``<hex>@login.invalid``, RFC 2606), and the address itself is sealed under the master key. Typing the
address at sign-in or password reset finds the account through the same index; mail to the account opens
the sealed address. A copied database therefore names no one by their sign-in e-mail."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from confide.vault.sealing import blind_index, master_key

DOMAIN = "login.invalid"
_PURPOSE = "login-email"
_LABEL = {"table": "accounts_user", "column": "email"}  # the keyed index's derivation label


def normalize(email: str) -> str:
    """How an address is compared: trimmed and lower-cased (as allauth compares them)."""
    return email.strip().lower()


def login_key(email: str) -> str:
    """The stored form of a sign-in e-mail. Whatever is typed is hashed, a stored key too: a key copied out
    of the database and typed as an address finds no one, so it cannot be turned back into the address."""
    digest = blind_index(normalize(email), **_LABEL).hex()
    return f"{digest}@{DOMAIN}"


def is_login_key(value: str) -> bool:
    local, _, domain = value.partition("@")
    return domain == DOMAIN and len(local) == 32 and all(c in "0123456789abcdef" for c in local)


def address_seal(email: str) -> bytes:
    return master_key().seal_secret(normalize(email), purpose=_PURPOSE)


def address_open(sealed: bytes | memoryview) -> str:
    return master_key().open_secret(bytes(sealed), purpose=_PURPOSE)


def address_for(value: str) -> str:
    """The deliverable address behind a stored key (or ``value`` itself when it is an address); an empty
    string when no account holds the key."""
    if not is_login_key(value):
        return value
    user = get_user_model().objects.filter(email=value).only("email_sealed").first()
    return address_open(user.email_sealed) if user is not None and user.email_sealed else ""
