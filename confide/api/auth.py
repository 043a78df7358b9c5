"""Bearer-token authentication and the per-endpoint scope check."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from confide.practices.models import Member
from confide.practices.permissions import Permission
from confide.tokens.models import AccessToken
from confide.tokens.services import token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> AccessToken | None:
        return token_authenticate(presented=token)


def member_with_scope(request: HttpRequest, permission: Permission) -> Member:
    """Return the token's member when both the token's scope and the role allow ``permission``."""
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, AccessToken)
    if permission.value not in token.scopes or not token.member.has(permission):
        raise HttpError(403, f"This token lacks the scope '{permission.value}'.")
    return token.member
