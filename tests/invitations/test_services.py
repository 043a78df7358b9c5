from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.utils import timezone
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks

from confide.accounts.models import User
from confide.audit.actions import Channel
from confide.invitations.models import Invitation
from confide.invitations.services import (
    InvitationInvalidError,
    invitation_accept,
    invitation_for_client_create,
    invitation_open,
)
from confide.practices.permissions import Role
from tests.cast import Cast


def _invite(cast: Cast, capture: DjangoCaptureOnCommitCallbacks) -> str:
    with capture(execute=True):
        invitation_for_client_create(
            actor=cast.colleague,
            client=cast.other_client,
            link_base="http://testserver/invitations/",
            channel=Channel.WEB,
        )
    body = mail.outbox[-1].body
    return body.split("/invitations/")[1].split("/")[0]


@pytest.fixture
def token(cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> str:
    return _invite(cast, django_capture_on_commit_callbacks)


def test_the_email_carries_no_phi(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _invite(cast, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    text = f"{message.subject}\n{message.body}"
    assert message.to == ["aisha@client.test"]
    for phi in ("Aisha", "Other-Client", "Harbor", "Casey"):
        assert phi not in text


def test_only_a_hash_of_the_secret_is_stored(cast: Cast, token: str) -> None:
    secret = token.split(".")[1]
    invitation = Invitation.objects.get()
    assert bytes(invitation.secret_hash) == hashlib.sha256(secret.encode()).digest()


def test_a_wrong_secret_is_refused(cast: Cast, token: str) -> None:
    with pytest.raises(InvitationInvalidError):
        invitation_open(token=token.split(".")[0] + ".guess")


def test_an_expired_invitation_is_refused(cast: Cast, token: str) -> None:
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InvitationInvalidError):
        invitation_open(token=token)


def test_a_new_invitation_revokes_the_old_one(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    first = _invite(cast, django_capture_on_commit_callbacks)
    _invite(cast, django_capture_on_commit_callbacks)
    with pytest.raises(InvitationInvalidError):
        invitation_open(token=first)


def test_accepting_creates_a_client_member_linked_to_the_record(cast: Cast, token: str) -> None:
    member = invitation_accept(
        invitation=invitation_open(token=token), password="a long passphrase here", signed_in=None
    )
    cast.other_client.refresh_from_db()
    assert member.role == Role.CLIENT and cast.other_client.portal_member == member
    with pytest.raises(InvitationInvalidError):
        invitation_open(token=token)


def test_a_weak_password_is_refused_and_nothing_changes(cast: Cast, token: str) -> None:
    users = User.objects.count()
    with pytest.raises(ValidationError, match="This password is too short"):
        invitation_accept(invitation=invitation_open(token=token), password="short", signed_in=None)
    assert User.objects.count() == users
    assert invitation_open(token=token).accepted_at is None


def test_the_accept_page_shows_errors_for_mismatched_passwords(cast: Cast, token: str) -> None:
    response = HttpClient().post(
        f"/invitations/{token}/", {"password1": "a long passphrase here", "password2": "something else entirely"}
    )
    assert response.status_code == 422
    assert "The two passwords differ." in response.content.decode()


def test_a_client_without_email_cannot_be_invited(cast: Cast) -> None:
    cast.other_client.email_ct = None
    cast.other_client.save()
    with pytest.raises(ValidationError, match="e-mail"):
        invitation_for_client_create(actor=cast.colleague, client=cast.other_client, link_base="x", channel=Channel.WEB)


def test_an_unknown_link_shows_a_410_page(db: None) -> None:
    response = HttpClient().get("/invitations/not-a-token/")
    assert response.status_code == 410
