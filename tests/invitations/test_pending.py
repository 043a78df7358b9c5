"""A person invited as a member joins only by accepting: until then the membership is pending, and the
inviting practice sees, reaches and lifts nothing of the account, whoever's address its owner typed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import Http404
from django.test import Client as HttpClient
from django.utils import timezone
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings

from confide.accounts.models import User
from confide.accounts.pauses import pause_lift, pauses_for
from confide.audit.actions import Channel
from confide.invitations.models import Invitation
from confide.invitations.services import (
    InvitationInvalidError,
    invitation_accept,
    invitation_for_member_create,
    invitation_open,
)
from confide.practices.models import Member
from confide.practices.permissions import Permission, Role
from confide.practices.selectors import member_for_user, member_list
from confide.practices.services import member_set_role
from tests.accounts.test_lockout import _fail
from tests.cast import PASSWORD, Cast, signed_in

CHRIS = "chris@harbor.test"  # Harbor's clinician: an account with a password, in another practice


@pytest.fixture(autouse=True)
def _axes_alone(settings: Settings) -> Iterator[None]:
    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = False
    yield
    cache.clear()


def _invite(cast: Cast, capture: DjangoCaptureOnCommitCallbacks, email: str, name: str = "Typed Name") -> str:
    """Otto (owner of Elsewhere) invites ``email``; returns the link's token."""
    with capture(execute=True):
        invitation_for_member_create(
            actor=cast.outsider,
            email=email,
            full_name=name,
            role=Role.OWNER,
            link_base="http://testserver/invitations/",
            channel=Channel.WEB,
        )
    return mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]


def _pending(cast: Cast) -> Member:
    return Member.objects.get(practice_id=cast.outsider.practice_id, user=cast.clinician.user)


def test_inviting_someone_elses_account_gives_the_practice_nothing_of_it(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _invite(cast, django_capture_on_commit_callbacks, CHRIS)
    pending = _pending(cast)
    assert pending.is_pending and not pending.is_active and not pending.has(Permission.CLIENTS_CLIENT_READ)
    assert member_for_user(user=cast.clinician.user) == cast.clinician  # Chris still works at Harbor only
    _fail(HttpClient(), 5, CHRIS)
    assert pauses_for(manager=cast.outsider) == []  # Otto neither sees Chris's pause ...
    with pytest.raises(Http404):
        pause_lift(manager=cast.outsider, member_id=pending.id, channel=Channel.WEB)  # ... nor lifts it
    assert [p.member for p in pauses_for(manager=cast.owner)] == [cast.clinician]


def test_the_settings_page_shows_the_typed_name_never_the_accounts_own(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _invite(cast, django_capture_on_commit_callbacks, CHRIS, name="Whoever This Is")
    owner = signed_in(cast.outsider)
    page = owner.get("/practice/").content.decode()
    assert "Whoever This Is" in page and "invited, not yet joined" in page
    assert "Chris Clinician" not in page
    assert "Chris Clinician" not in owner.get("/practice/agreements/").content.decode()  # nor among licences


def test_a_role_given_to_a_pending_member_does_not_make_them_one(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _invite(cast, django_capture_on_commit_callbacks, CHRIS)
    member_set_role(actor=cast.outsider, member=_pending(cast), role=Role.CLINICIAN, channel=Channel.WEB)
    pending = _pending(cast)
    assert (pending.role, pending.is_active, pending.is_pending) == (Role.CLINICIAN, False, True)


def test_the_database_refuses_an_active_member_who_never_joined(cast: Cast) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=cast.staff.pk).update(joined_at=None)


def test_accepting_is_what_joins_them(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    token = _invite(cast, django_capture_on_commit_callbacks, CHRIS)
    before = timezone.now()
    joined = invitation_accept(invitation=invitation_open(token=token), password=None, signed_in=cast.clinician.user)
    assert joined.is_active and joined.joined_at is not None and joined.joined_at >= before
    assert joined.has(Permission.PRACTICE_MEMBER_MANAGE)
    assert [p.member for p in pauses_for(manager=cast.outsider)] == []  # now Otto's to see, when paused
    _fail(HttpClient(), 5, CHRIS)
    assert [p.member.id for p in pauses_for(manager=cast.outsider)] == [joined.id]


def test_an_account_with_a_password_joins_only_when_its_owner_signs_in(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    token = _invite(cast, django_capture_on_commit_callbacks, CHRIS)
    for signed_in_as in (None, cast.outsider.user):
        with pytest.raises(Exception, match="Sign in to the account"):
            invitation_accept(invitation=invitation_open(token=token), password=PASSWORD, signed_in=signed_in_as)
    assert _pending(cast).is_pending


def test_withdrawing_an_invitation_closes_its_link_and_a_new_one_can_be_sent(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    first = _invite(cast, django_capture_on_commit_callbacks, "new@elsewhere.test")
    member = Member.objects.get(
        practice_id=cast.outsider.practice_id, user=User.objects.for_email("new@elsewhere.test")
    )
    member_set_role(actor=cast.outsider, member=member, role=None, channel=Channel.WEB)
    with pytest.raises(InvitationInvalidError):
        invitation_open(token=first)
    page = signed_in(cast.outsider).get("/practice/").content.decode()
    assert "invitation ended" in page
    second = _invite(cast, django_capture_on_commit_callbacks, "new@elsewhere.test")
    joined = invitation_accept(
        invitation=invitation_open(token=second), password="a long new passphrase 42", signed_in=None
    )
    assert joined.pk == member.pk and joined.is_active and joined.role == Role.OWNER


def test_inviting_again_while_pending_sends_a_new_link_and_stops_the_old(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    first = _invite(cast, django_capture_on_commit_callbacks, CHRIS)
    second = _invite(cast, django_capture_on_commit_callbacks, CHRIS)
    with pytest.raises(InvitationInvalidError):
        invitation_open(token=first)
    assert invitation_open(token=second).member_id == _pending(cast).id
    assert Member.objects.filter(user=cast.clinician.user).count() == 2


def test_a_joined_member_cannot_be_invited_again(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with pytest.raises(Exception, match="already a member"):
        _invite(cast, django_capture_on_commit_callbacks, "otto@elsewhere.test")
    assert Invitation.objects.filter(kind=Invitation.Kind.MEMBER).count() == 0


def test_an_address_registered_ahead_by_another_practice_captures_no_future_client(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    from confide.invitations.services import invitation_for_client_create

    _invite(cast, django_capture_on_commit_callbacks, "aisha@client.test")  # Otto guesses a client's address
    with django_capture_on_commit_callbacks(execute=True):
        invitation_for_client_create(
            actor=cast.colleague,
            client=cast.other_client,
            link_base="http://testserver/invitations/",
            channel=Channel.WEB,
        )
    token = mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]
    portal = invitation_accept(
        invitation=invitation_open(token=token), password="a long new passphrase 42", signed_in=None
    )
    assert member_for_user(user=portal.user) == portal and portal.practice_id == cast.owner.practice_id
    _fail(HttpClient(), 5, "aisha@client.test")
    assert pauses_for(manager=cast.outsider) == []
    assert Member.objects.get(practice_id=cast.outsider.practice_id, user=portal.user).is_pending


def test_the_migration_leaves_pending_whoever_never_accepted_and_joined_everyone_else(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    import importlib

    from django.apps import apps

    token = _invite(cast, django_capture_on_commit_callbacks, CHRIS)  # never accepted
    accepted = invitation_accept(
        invitation=invitation_open(token=_invite(cast, django_capture_on_commit_callbacks, "new@elsewhere.test")),
        password="a long new passphrase 42",
        signed_in=None,
    )
    _invite(cast, django_capture_on_commit_callbacks, "reset@elsewhere.test")  # never accepted, but signed in
    User.objects.filter(pk=User.objects.for_email("reset@elsewhere.test").pk).update(last_login=timezone.now())  # type: ignore[union-attr]
    # As an earlier version left them: everyone active, no one with a joining time.
    Member.objects.update(joined_at=timezone.now())
    Member.objects.update(is_active=True)
    Member.objects.filter(pk=_pending(cast).pk).update(is_active=True)
    migration = importlib.import_module("confide.practices.migrations.0006_member_joined_at")
    migration.pending_when_never_accepted(apps, None)
    assert _pending(cast).is_pending and not _pending(cast).is_active
    reset = Member.objects.get(user=User.objects.for_email("reset@elsewhere.test"))
    for member in (Member.objects.get(pk=accepted.pk), Member.objects.get(pk=cast.staff.pk), reset):
        assert member.is_active and member.joined_at == member.created_at
    assert invitation_open(token=token).member_id == _pending(cast).id  # the link still lets Chris accept


def test_a_pending_member_is_placed_by_the_typed_name_never_by_the_accounts_own(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    for name in ("Chris Clinicia", "Chris Clinicio"):  # Otto brackets the name he is after
        _invite(cast, django_capture_on_commit_callbacks, f"{name.split()[1].lower()}@elsewhere.test", name=name)
        invitation_accept(
            invitation=invitation_open(token=mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]),
            password="a long new passphrase 42",
            signed_in=None,
        )
    _invite(cast, django_capture_on_commit_callbacks, CHRIS, name="AAA Probe")
    shown = member_list(practice=cast.outsider.practice)
    order = [m.invited_name if m.is_pending else m.user.full_name for m in shown]  # type: ignore[attr-defined]
    assert order[0] == "AAA Probe"  # by the typed name, first, not between Clinicia and Clinicio
