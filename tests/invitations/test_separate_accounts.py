"""A portal login and a practice account are never one account: a practice account carries its holder's name,
so a client membership on it would name the client. The refusal goes to the link's holder, not the practice."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks

from confide.accounts.models import User
from confide.audit.actions import Channel
from confide.clients.models import Client
from confide.clients.services import client_create
from confide.invitations.models import Invitation
from confide.invitations.services import invitation_accept, invitation_for_client_create, invitation_open
from confide.practices.models import Member, Practice
from confide.practices.permissions import Role
from confide.practices.services import practice_create
from tests.cast import Cast, signed_in
from tests.invitations.test_pending import _invite

OTTO = "otto@elsewhere.test"


def _client_link(cast: Cast, capture: DjangoCaptureOnCommitCallbacks, email: str) -> str:
    client = client_create(actor=cast.colleague, name="Otto As A Client", email=email, channel=Channel.CLI)
    with capture(execute=True):
        invitation_for_client_create(
            actor=cast.colleague, client=client, link_base="http://testserver/invitations/", channel=Channel.WEB
        )
    return mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]


def test_someone_who_works_at_another_practice_gets_a_portal_only_with_another_address(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    token = _client_link(cast, django_capture_on_commit_callbacks, OTTO)
    with pytest.raises(ValidationError, match="your portal needs another address"):
        invitation_accept(invitation=invitation_open(token=token), password=None, signed_in=cast.outsider.user)
    assert not Member.objects.filter(user=cast.outsider.user, role=Role.CLIENT).exists()
    page = signed_in(cast.outsider).post(f"/invitations/{token}/")  # the page says so: no 500
    assert page.status_code == 422 and "your portal needs another address" in page.content.decode()
    assert Invitation.objects.get(client__isnull=False, accepted_at=None, revoked_at=None).accepted_at is None


def test_a_client_portal_login_cannot_become_a_practice_account(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    token = _invite(cast, django_capture_on_commit_callbacks, "jordan@client.test")
    jordan = cast.client_member.user
    with pytest.raises(ValidationError, match="already a client portal sign-in"):
        invitation_accept(invitation=invitation_open(token=token), password=None, signed_in=jordan)
    pending = Member.objects.get(practice_id=cast.outsider.practice_id, user=jordan)
    assert pending.is_pending and not pending.is_active
    http = HttpClient()
    http.force_login(jordan)
    page = http.post(f"/invitations/{token}/")
    assert page.status_code == 422 and "already a client portal sign-in" in page.content.decode()


def test_a_name_typed_by_a_practice_reaches_an_account_only_when_its_holder_joins(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _invite(cast, django_capture_on_commit_callbacks, "nora@client.test", name="Nora Neighbour")  # never accepted
    token = _client_link(cast, django_capture_on_commit_callbacks, "nora@client.test")
    portal = invitation_accept(
        invitation=invitation_open(token=token), password="a long new passphrase 42", signed_in=None
    )
    assert portal.user.full_name == "" and not User.objects.filter(full_name="Nora Neighbour").exists()
    joining = _invite(cast, django_capture_on_commit_callbacks, "new.colleague@client.test", name="Nia New")
    assert User.objects.for_email("new.colleague@client.test").full_name == ""  # type: ignore[union-attr]
    member = invitation_accept(
        invitation=invitation_open(token=joining), password="a long new passphrase 43", signed_in=None
    )
    assert member.user.full_name == "Nia New"


def test_a_second_clients_invitation_to_an_address_that_opens_a_portal_is_refused_on_the_page(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    token = _client_link(cast, django_capture_on_commit_callbacks, "jordan@client.test")
    jordan = cast.client_member.user
    with pytest.raises(ValidationError, match="already opens another client's portal"):
        invitation_accept(invitation=invitation_open(token=token), password=None, signed_in=jordan)
    http = HttpClient()
    http.force_login(jordan)
    page = http.post(f"/invitations/{token}/")
    assert page.status_code == 422 and "already opens another client" in page.content.decode()
    assert Client.objects.get(portal_member=cast.client_member) == cast.client


def test_the_operator_cannot_make_a_clients_portal_login_a_new_practices_owner(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="client's portal sign-in"):
        practice_create(name="New Place", owner_email="Jordan@client.test", owner_name="J", owner_password=None)
    assert not Member.objects.filter(user=cast.client_member.user).exclude(role=Role.CLIENT).exists()
    assert not Practice.objects.filter(name="New Place").exists()
