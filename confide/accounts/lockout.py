"""The sign-in lockout (django-axes behind allauth): who is signing in, from where, and when it pauses.

Two limits, both over the cool-off window:
- an **account at an address** pauses after ``CONFIDE_LOCKOUT_FAILURES`` failures (5): someone guessing one
  person's password. Account B at the same address is untouched, and an unknown e-mail pauses no one.
- an **address** pauses after ``CONFIDE_LOCKOUT_ADDRESS_FAILURES`` failures over all accounts (30): someone
  trying many accounts from one place. It is higher, because a clinic's staff may share one address.

The account is recorded as a keyed blind index of the e-mail (master-key derived), never the e-mail itself:
a copied database holds no one's sign-in name in the lockout tables. Whether an account exists is never
told: an unknown e-mail fails, counts and pauses exactly as a known one does.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from confide.accounts import identity
from confide.vault.sealing import blind_index

_LABEL = {"table": "axes_accessattempt", "column": "username"}  # the keyed index's derivation label


def client_address(request: HttpRequest) -> str:
    """The address the lockout counts by: the peer, or the client a trusted proxy names, as decided once by
    confide.web.proxy (a forwarded header is never read here: anyone can send one). An IPv6 address counts by
    its /64 network: one host is given a whole /64 and could otherwise try from a fresh address each time."""
    peer = str(request.META.get("REMOTE_ADDR", ""))
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return peer
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)  # the /64's first address
    return peer


def account_key(email: str) -> str:
    """What the lockout tables hold for an e-mail: its keyed blind index (lower-cased, trimmed)."""
    return blind_index(identity.normalize(email), **_LABEL).hex()


def attempted_account(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the account a sign-in names (the form's ``login`` field, or the ``email``
    allauth re-authenticates with), as its blind index; None when none was given."""
    # allauth hands on the account's keyed index (from the sign-in form, or the account's own on a
    # re-authentication): an account that holds it is counted by its address, whatever else was posted. An
    # index no account holds cannot be turned back, so the typed text counts instead, exactly as a known one.
    given = (credentials or {}).get("email")
    if isinstance(given, str) and identity.is_login_key(given):
        given = identity.address_for(given)
    given = given or request.POST.get("login")
    return account_key(given) if isinstance(given, str) and given.strip() else None


def cool_off() -> dt.timedelta:
    """How long a pause lasts after the last failure (CONFIDE_LOCKOUT_MINUTES)."""
    length = get_cool_off()
    assert isinstance(length, dt.timedelta)  # AXES_COOLOFF_TIME is always set (confide/settings.py)
    return length


def cool_off_start() -> dt.datetime:
    """Failures before this no longer count."""
    return timezone.now() - cool_off()


def address_failures(address: str) -> int:
    """Failed sign-ins from ``address`` over every account within the cool-off window."""
    rows = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=cool_off_start())
    return int(rows.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class LockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """axes' database handler (an account at an address), plus the higher limit for the address alone."""

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return address_failures(client_address(request)) >= settings.CONFIDE_LOCKOUT_ADDRESS_FAILURES

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        """axes decides whether this failure pauses the sign-in by the account's own count alone: the address
        limit must answer too, or the page would say "wrong password" to a paused address."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and self.is_locked(request, credentials):  # again, if axes said so already
            request.axes_locked_out = True
            request.axes_credentials = credentials
