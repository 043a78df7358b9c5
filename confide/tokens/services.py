"""Issue, authenticate and revoke personal access tokens.

A token reads ``cfd_<id>_<secret>``: the id finds the row, the secret is compared
against its SHA-256 in constant time. The plaintext is shown once, at creation.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.lib.lookup import one_or_404
from confide.practices.models import Member
from confide.practices.permissions import ROLE_PERMISSIONS, Permission
from confide.tokens.models import AccessToken

PREFIX = "cfd_"
API_SCOPES: tuple[Permission, ...] = (
    Permission.CLIENTS_CLIENT_READ,
    Permission.CLIENTS_CLIENT_CREATE,
)


def _hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def token_scopes_for(*, member: Member) -> list[Permission]:
    """The scopes this member may grant a token: API scopes their role has."""
    return [p for p in API_SCOPES if p in ROLE_PERMISSIONS[member.role_enum]]


def token_create(
    *, actor: Member, name: str, scopes: list[str], days: int | None, channel: Channel
) -> tuple[AccessToken, str]:
    if not actor.has(Permission.API_TOKEN_MANAGE):
        raise Http404
    errors: dict[str, str] = {}
    name = name.strip()
    if not name or len(name) > 80:
        errors["name"] = "Give the token a name of 1 to 80 characters."
    allowed = {p.value for p in token_scopes_for(member=actor)}
    if not scopes or not set(scopes) <= allowed:
        errors["scopes"] = "Choose at least one scope that your role allows."
    if days is not None and not 1 <= days <= 366:
        errors["days"] = "Choose an expiry between 1 and 366 days."
    if errors:
        raise ValidationError(errors)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = AccessToken.objects.create(
            practice_id=actor.practice_id,
            member=actor,
            name=name,
            secret_hash=_hash(secret),
            scopes=sorted(set(scopes)),
            expires_at=timezone.now() + timedelta(days=days) if days else None,
        )
        event_record(
            actor=actor, action=AuditAction.TOKEN_CREATE, channel=channel, object_type="token", object_id=str(token.id)
        )
    return token, f"{PREFIX}{token.id.hex}_{secret}"


def token_list(*, member: Member) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(member=member).order_by("-created_at")


def token_revoke(*, actor: Member, token_id: uuid.UUID | str, channel: Channel) -> None:
    token = one_or_404(AccessToken.objects.all(), member=actor, pk=token_id, revoked_at=None)
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        event_record(
            actor=actor, action=AuditAction.TOKEN_REVOKE, channel=channel, object_type="token", object_id=str(token.id)
        )


def token_authenticate(*, presented: str) -> AccessToken | None:
    """Return the active token for ``presented`` (its member loaded), or None."""
    if not presented.startswith(PREFIX):
        return None
    ident, _, secret = presented[len(PREFIX) :].partition("_")
    try:
        token = AccessToken.objects.select_related("member__practice", "member__user").get(pk=uuid.UUID(hex=ident))
    except (ValueError, AccessToken.DoesNotExist):
        return None
    if not hmac.compare_digest(bytes(token.secret_hash), _hash(secret)) or not token.is_active:
        return None
    member = token.member
    if not member.is_active or not member.user.is_active:
        return None
    AccessToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
