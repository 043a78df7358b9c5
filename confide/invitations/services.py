"""Create, open and accept invitations.

The e-mail carries no PHI: no client name, no practice name, only a link whose
secret is stored hashed and works once, until it expires.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone

from confide.accounts.models import User
from confide.audit.actions import AuditAction, Channel
from confide.audit.services import event_record
from confide.clients.models import Client
from confide.invitations.models import Invitation
from confide.outbox.models import OutgoingMail
from confide.outbox.services import mail_send
from confide.practices.models import Member
from confide.practices.permissions import Permission, Role
from confide.practices.selectors import account_is_portal, account_works_at_a_practice


class InvitationInvalidError(Exception):
    """The link is unknown, expired, revoked or already used (deliberately one error)."""


def _hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def _issue(
    *, actor: Member, kind: str, client: Client | None, member: Member | None, full_name: str = ""
) -> tuple[Invitation, str]:
    open_filter = {"client": client} if client is not None else {"member": member}
    Invitation.objects.filter(accepted_at=None, revoked_at=None, **open_filter).update(revoked_at=timezone.now())
    secret = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        practice_id=actor.practice_id,
        kind=kind,
        client=client,
        member=member,
        full_name=full_name,
        secret_hash=_hash(secret),
        created_by=actor,
        expires_at=timezone.now() + timedelta(hours=settings.CONFIDE_INVITATION_HOURS),
    )
    return invitation, f"{invitation.id.hex}.{secret}"


def _send(*, practice_id: uuid.UUID, to: str, link: str) -> None:
    context = {"link": link, "hours": settings.CONFIDE_INVITATION_HOURS}
    mail_send(
        practice_id=practice_id,
        kind=OutgoingMail.Kind.INVITATION,
        to=to,
        subject="Your invitation to a secure Confide portal",
        body=render_to_string("invitations/email/invitation.txt", context),
    )


def invitation_for_client_create(*, actor: Member, client: Client, link_base: str, channel: Channel) -> Invitation:
    """Invite a client (reached through the access funnel) to the portal and e-mail the link."""
    if not actor.has(Permission.CLIENTS_CLIENT_INVITE):
        raise Http404
    email = client.open("email")
    if not email:
        raise ValidationError({"email": "Add the client's e-mail address before inviting them."})
    if client.portal_member_id is not None:
        raise ValidationError({"client": "This client already has portal access."})
    with transaction.atomic():
        invitation, token = _issue(actor=actor, kind=Invitation.Kind.CLIENT, client=client, member=None)
        event_record(
            actor=actor,
            action=AuditAction.CLIENT_INVITE,
            channel=channel,
            client_id=client.id,
            object_type="invitation",
            object_id=str(invitation.id),
        )
        transaction.on_commit(lambda: _send(practice_id=actor.practice_id, to=email, link=f"{link_base}{token}/"))
    return invitation


def invitation_for_member_create(
    *, actor: Member, email: str, full_name: str, role: Role, link_base: str, channel: Channel
) -> Member:
    """Invite a practice member (not a client): e-mail them a link to accept. The membership stays pending,
    never active, until they accept; inviting a pending member again sends a new link (the old one stops)."""
    if not actor.has(Permission.PRACTICE_MEMBER_MANAGE):
        raise Http404
    if role is Role.CLIENT:
        raise ValidationError({"role": "Invite clients from their record, not as members."})
    with transaction.atomic():
        # No name goes on an account before its holder accepts (the typed name waits on the invitation): an
        # account made here may yet become a client's portal elsewhere, and a named one would name the client.
        # An existing account keeps its own name: the practice learns it only once the person joins.
        user = User.objects.for_email(email) or User.objects.create_user(email)
        member = Member.objects.select_for_update().filter(practice_id=actor.practice_id, user=user).first()
        if member is not None and member.is_active:
            raise ValidationError({"email": "This person is already a member of the practice."})
        if member is None:
            member = Member.objects.create(
                practice_id=actor.practice_id, user=user, role=role, is_active=False, joined_at=None
            )
        else:  # pending, or someone who left: pending (again) until they accept
            member.role, member.joined_at = role, None
            member.save(update_fields=["role", "joined_at"])
        invitation, token = _issue(
            actor=actor, kind=Invitation.Kind.MEMBER, client=None, member=member, full_name=full_name
        )
        event_record(
            actor=actor, action=AuditAction.MEMBER_ADD, channel=channel, object_type="member", object_id=str(member.id)
        )
        transaction.on_commit(
            lambda: _send(practice_id=actor.practice_id, to=user.address, link=f"{link_base}{token}/")
        )
    return member


def invitations_for_member_revoke(*, member: Member) -> int:
    """Close a pending member's open links (called when the owner withdraws the invitation)."""
    return Invitation.objects.filter(member=member, accepted_at=None, revoked_at=None).update(revoked_at=timezone.now())


def invitation_open(*, token: str) -> Invitation:
    """Return the open invitation for ``token`` or raise ``InvitationInvalidError``."""
    ident, _, secret = token.partition(".")
    try:
        invitation = Invitation.objects.select_related("practice", "client", "member__user").get(
            pk=uuid.UUID(hex=ident)
        )
    except (ValueError, Invitation.DoesNotExist):
        raise InvitationInvalidError from None
    if not hmac.compare_digest(bytes(invitation.secret_hash), _hash(secret)) or not invitation.is_open:
        raise InvitationInvalidError
    if invitation.client is not None and invitation.client.shredded_at is not None:
        raise InvitationInvalidError  # the record is destroyed: the link is closed like any other
    return invitation


def invitation_target_user(*, invitation: Invitation) -> User | None:
    """The existing account the invitation is for, if there is one with a password."""
    user: User | None
    if invitation.member is not None:
        user = invitation.member.user
    else:
        assert invitation.client is not None
        user = User.objects.for_email(invitation.client.open("email"))
    return user if user is not None and user.has_usable_password() else None


# A portal login and a practice account are never one account: a practice account carries its holder's name,
# and a client membership on it would name the client, in every practice's view and in a copy of the database.
# The refusal is told to the person holding the link (the address's owner), never to the practice.
_MEMBER_ACCOUNT = (
    "This address is the sign-in of a practice account, which carries your name. To keep your own care private,"
    " your portal needs another address: ask your clinician to invite that one."
)
_PORTAL_ACCOUNT = (
    "This address is already a client portal sign-in. Your practice account needs another address: ask the"
    " practice to invite that one."
)


# One portal login opens one client's record: a second client at the same address (a parent's, for two
# children) needs an address of its own.
_ANOTHER_PORTAL = (
    "This address already opens another client's portal at this practice. Each portal needs its own address:"
    " ask your clinician to invite this one at another address."
)


def invitation_accept(*, invitation: Invitation, password: str | None, signed_in: User | None) -> Member:
    """Accept: set the new account's password (or link the signed-in owner of the address)."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise InvitationInvalidError
        if invitation.kind == Invitation.Kind.MEMBER:
            assert invitation.member is not None
            member = Member.objects.select_for_update().get(pk=invitation.member.pk)
            user = member.user
            if account_is_portal(user):
                raise ValidationError({"account": _PORTAL_ACCOUNT})
        else:
            assert invitation.client is not None
            email = invitation.client.open("email")
            found = User.objects.for_email(email)
            user = found if found is not None else User.objects.create_user(email)
            member = Member.objects.filter(practice_id=invitation.practice_id, user=user).first() or Member(
                practice_id=invitation.practice_id, user=user, role=Role.CLIENT
            )
            # (a role in this practice is a joined membership too)
            if member.is_pending or account_works_at_a_practice(user):
                raise ValidationError({"email": _MEMBER_ACCOUNT})
            if Client.objects.filter(portal_member_id=member.pk).exclude(pk=invitation.client.pk).exists():
                raise ValidationError({"email": _ANOTHER_PORTAL})
            member.save()
            invitation.client.portal_member = member
            invitation.client.save(update_fields=["portal_member"])
        if user.has_usable_password():
            if signed_in is None or signed_in.pk != user.pk:
                raise ValidationError({"account": "Sign in to the account for this address to accept."})
        else:
            if password is None:
                raise ValidationError({"password1": "Choose a password."})
            validate_password(password, user)
            user.set_password(password)
            user.save(update_fields=["password"])
        if member.is_pending:  # a member joins here, and only here
            member.joined_at, member.is_active = timezone.now(), True
            member.save(update_fields=["joined_at", "is_active"])
            if not user.full_name:  # a new account takes the name the practice typed, now that it is theirs
                user.full_name = invitation.full_name
                user.save(update_fields=["full_name"])
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        event_record(
            actor=member,
            action=AuditAction.INVITATION_ACCEPT,
            channel=Channel.WEB,
            client_id=invitation.client_id,
            object_type="invitation",
            object_id=str(invitation.id),
        )
    return member
