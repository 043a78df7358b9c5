"""Writes about practices and membership."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.text import slugify

from confide.accounts.models import User
from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.invitations.services import invitations_for_member_revoke
from confide.practices.models import Member, Practice
from confide.practices.permissions import Permission, Role
from confide.practices.selectors import account_is_portal


def practice_create(
    *, name: str, owner_email: str, owner_name: str, owner_password: str | None, jurisdictions: list[str] | None = None
) -> Member:
    """Create a practice, its first owner and version 1 of its agreement (used by the CLI and the demo)."""
    from confide.consent.services import agreement_publish_default, known_jurisdictions

    name = name.strip()
    if not name or len(name) > 120:
        raise ValidationError({"name": "Give the practice a name of 1 to 120 characters."})
    unknown = sorted(set(jurisdictions or []) - known_jurisdictions())
    if unknown:
        raise ValidationError({"jurisdictions": f"Unknown jurisdiction(s): {', '.join(unknown)}."})
    base = slugify(name)[:50] or "practice"
    slug, n = base, 1
    while Practice.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    with transaction.atomic():
        practice = Practice.objects.create(name=name, slug=slug, jurisdictions=sorted(set(jurisdictions or [])))
        user = User.objects.for_email(owner_email) or User.objects.create_user(
            owner_email, owner_password, full_name=owner_name
        )
        if account_is_portal(user):
            raise ValidationError({"owner_email": "This address is a client's portal sign-in; use another."})
        # The operator who runs this vouches for the address, so MFA set-up is not blocked on it.
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        owner = Member.objects.create(practice=practice, user=user, role=Role.OWNER)
        agreement_publish_default(owner=owner)
        return owner


def member_set_role(*, actor: Member, member: Member, role: str | None, channel: Channel) -> None:
    """Change a member's role, or deactivate them with ``role=None``; the last owner stays."""
    if not actor.has(Permission.PRACTICE_MEMBER_MANAGE) or member.practice_id != actor.practice_id:
        raise Http404
    if member.role_enum is Role.CLIENT or role == Role.CLIENT:
        raise ValidationError({"role": "Client access is managed from the client's record."})
    if role is not None and role not in Role.__members__.values():
        raise ValidationError({"role": "Choose a valid role."})
    with transaction.atomic():
        owners = Member.objects.select_for_update().filter(
            practice_id=actor.practice_id, role=Role.OWNER, is_active=True
        )
        if member.is_active and member.role_enum is Role.OWNER and role != Role.OWNER and owners.count() <= 1:
            raise ValidationError({"role": "A practice needs at least one active owner."})
        if role is None:
            member.is_active = False
            action = AuditAction.MEMBER_DEACTIVATE
            if member.is_pending:  # the owner withdraws an invitation not yet accepted
                invitations_for_member_revoke(member=member)
        elif not member.is_active and not member.is_pending:
            # Someone who left comes back only by accepting a new invitation: an owner must not be able to make
            # them a member again (their sign-ins logged there, their sessions moved there) without them.
            raise ValidationError({"role": "They have left the practice: add them again to send a new invitation."})
        else:
            # A pending member changes role but stays pending: only accepting the invitation makes them active.
            member.role, member.is_active = role, not member.is_pending
            action = AuditAction.MEMBER_ROLE_CHANGE
        member.save(update_fields=["role", "is_active"])
        event_record(
            actor=actor,
            action=action,
            channel=channel,
            object_type="member",
            object_id=str(member.id),
            purpose=role or "",
        )
