"""Guards on accepting a client invitation: existing accounts, practice members' addresses, a link that closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from confide.accounts.models import User
from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.clients.models import Client
from confide.clients.services import client_create
from confide.invitations.models import Invitation
from confide.invitations.services import (
    InvitationInvalidError,
    invitation_accept,
    invitation_for_client_create,
    invitation_target_user,
)
from confide.practices.models import Member
from confide.practices.permissions import Role
from tests.cast import PASSWORD, Cast


def _invite(cast: Cast, client: Client) -> Invitation:
    invitation_for_client_create(
        actor=cast.colleague, client=client, link_base="http://testserver/invitations/", channel=Channel.WEB
    )
    return Invitation.objects.get(client=client, revoked_at=None)


def _existing_account(email: str) -> User:
    """Someone who already has a Confide login (with a password) at this address."""
    return User.objects.create_user(email, PASSWORD, full_name="Aisha Elsewhere")


def _nothing_accepted(cast: Cast, invitation: Invitation) -> None:
    invitation.refresh_from_db()
    cast.other_client.refresh_from_db()
    assert invitation.accepted_at is None
    assert cast.other_client.portal_member_id is None
    assert not AuditEvent.objects.filter(action=AuditAction.INVITATION_ACCEPT).exists()


def test_an_existing_password_account_is_attached_only_when_its_owner_is_signed_in(cast: Cast) -> None:
    owner = _existing_account("aisha@client.test")
    invitation = _invite(cast, cast.other_client)
    assert invitation_target_user(invitation=invitation) == owner

    for someone_else in (None, cast.client_member.user, cast.staff.user):
        with pytest.raises(ValidationError) as caught:
            invitation_accept(invitation=invitation, password="a new passphrase of mine", signed_in=someone_else)
        assert "account" in caught.value.message_dict
        _nothing_accepted(cast, invitation)
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)  # whoever had the link did not take the account over

    member = invitation_accept(invitation=invitation, password=None, signed_in=owner)
    cast.other_client.refresh_from_db()
    assert member.user == owner and member.role == Role.CLIENT
    assert cast.other_client.portal_member == member


def test_a_client_invitation_to_a_staff_members_address_does_not_bind_the_staff_account(cast: Cast) -> None:
    client = client_create(actor=cast.colleague, name="Stacy Lookalike", email="stacy@harbor.test", channel=Channel.CLI)
    invitation = _invite(cast, client)
    with pytest.raises(ValidationError) as caught:
        invitation_accept(invitation=invitation, password=None, signed_in=cast.staff.user)
    assert "email" in caught.value.message_dict
    client.refresh_from_db()
    invitation.refresh_from_db()
    assert client.portal_member_id is None and invitation.accepted_at is None
    assert Member.objects.get(pk=cast.staff.pk).role == Role.STAFF


@pytest.mark.parametrize("closes", ["revoked", "expired", "accepted"])
def test_a_link_that_closes_after_it_was_opened_cannot_be_accepted(cast: Cast, closes: str) -> None:
    opened = _invite(cast, cast.other_client)  # opened (the page is showing) while the link was still good
    assert opened.is_open
    now = timezone.now()
    closed = Invitation.objects.filter(pk=opened.pk)
    if closes == "revoked":
        closed.update(revoked_at=now)
    elif closes == "expired":
        closed.update(expires_at=now - timedelta(seconds=1))
    else:
        closed.update(accepted_at=now)
    with pytest.raises(InvitationInvalidError):
        invitation_accept(invitation=opened, password="a long passphrase here", signed_in=None)
    cast.other_client.refresh_from_db()
    assert cast.other_client.portal_member_id is None
    assert User.objects.for_email("aisha@client.test") is None


def test_the_same_link_cannot_be_accepted_twice(cast: Cast) -> None:
    opened = _invite(cast, cast.other_client)
    first = invitation_accept(invitation=opened, password="a long passphrase here", signed_in=None)
    with pytest.raises(InvitationInvalidError):
        invitation_accept(invitation=opened, password=None, signed_in=first.user)
    assert AuditEvent.objects.filter(action=AuditAction.INVITATION_ACCEPT).count() == 1


def test_a_shredded_clients_invitation_link_is_closed_not_an_error(cast: Cast) -> None:
    import hashlib

    from django.test import Client as HttpClient

    from confide.vault.operations import client_shred

    invitation = _invite(cast, cast.other_client)
    Invitation.objects.filter(pk=invitation.pk).update(secret_hash=hashlib.sha256(b"s3cret").digest())
    token = f"{invitation.id.hex}.s3cret"
    assert HttpClient().get(f"/invitations/{token}/").status_code == 200
    client_shred(client_id=cast.other_client.id, reason="retention period over")
    http = HttpClient()
    assert http.get(f"/invitations/{token}/").status_code == 410
    assert http.post(f"/invitations/{token}/", {"password1": PASSWORD, "password2": PASSWORD}).status_code == 410
