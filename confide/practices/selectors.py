"""Reads about practices and members."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, Exists, F, OuterRef, QuerySet, Subquery, When
from django.http import Http404, HttpRequest
from django.utils import timezone

from confide.accounts.models import User
from confide.lib.lookup import one_or_404
from confide.practices.models import Member, Practice
from confide.practices.permissions import Permission, Role


def memberships_for_user(*, user: User | AnonymousUser) -> QuerySet[Member]:
    """The user's active memberships, oldest first (someone who works at two practices has two)."""
    if not user.is_authenticated:
        return Member.objects.none()
    return (
        Member.objects.select_related("practice", "user")
        .filter(user_id=user.pk, is_active=True, user__is_active=True)
        .order_by("created_at")
    )


def membership_of(memberships: Iterable[Member], member_id: str | None) -> Member | None:
    """The one of ``memberships`` with this id, or None (no id, not an id, or not among them)."""
    try:
        wanted = uuid.UUID(member_id or "")
    except ValueError:
        return None
    return next((m for m in memberships if m.pk == wanted), None)


def member_for_user(*, user: User | AnonymousUser, chosen: str | None = None) -> Member | None:
    """The membership the user acts as: the one they chose (while it is theirs and active), else the oldest."""
    memberships = list(memberships_for_user(user=user))
    return membership_of(memberships, chosen) or (memberships[0] if memberships else None)


def account_is_portal(user: User) -> bool:
    """Whether the account is a client's portal login somewhere (then it is never a practice account)."""
    return Member.objects.filter(user=user, role=Role.CLIENT).exists()


def account_works_at_a_practice(user: User) -> bool:
    """Whether the account has joined any practice as a member. A pending invitation does not count: any owner
    can invite any address, and must not be able to close someone's portal by inviting them first."""
    return Member.objects.filter(user=user).exclude(role=Role.CLIENT).exclude(joined_at=None).exists()


def current_member(request: HttpRequest) -> Member | None:
    member = getattr(request, "member", None)
    return member if isinstance(member, Member) else None


def member_list(*, practice: Practice) -> QuerySet[Member]:
    """The practice's members. A pending one carries ``invited_name`` (what the owner typed) and
    ``invitation_open``: its own account's name is not the practice's to see before they join."""
    from confide.invitations.models import Invitation

    invitations = Invitation.objects.filter(member=OuterRef("pk")).order_by("-created_at")
    open_ones = Invitation.objects.filter(
        member=OuterRef("pk"), accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
    )
    return (
        Member.objects.filter(practice=practice)
        .select_related("user")
        .annotate(invited_name=Subquery(invitations.values("full_name")[:1]), invitation_open=Exists(open_ones))
        # A pending member sorts by the typed name: ordering by the account's own would place it among the
        # others', which tells its name (or that it has none) bit by bit.
        .annotate(shown_name=Case(When(joined_at=None, then=F("invited_name")), default=F("user__full_name")))
        .order_by("role", "shown_name", "created_at")
    )


def member_get_for_manager(*, manager: Member, member_id: uuid.UUID | str) -> Member:
    """Return a member of the manager's practice, or 404 (never another practice's)."""
    if not manager.has(Permission.PRACTICE_MEMBER_MANAGE):
        raise Http404
    return one_or_404(Member.objects.select_related("user"), practice_id=manager.practice_id, pk=member_id)
