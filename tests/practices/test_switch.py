"""Someone who works at two practices chooses which one they act in (the header's switcher); everything else
follows the chosen membership, and nothing lets them choose a membership that is not theirs."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.clients.models import Client
from confide.invitations.services import invitation_accept, invitation_open
from confide.practices.models import Member
from confide.practices.permissions import Role
from confide.practices.selectors import member_for_user
from confide.practices.services import member_set_role
from confide.records.author_keys import author_key_enrol, author_key_unlock
from tests.accounts.test_lockout import _sign_in_fully
from tests.cast import PASSWORD, Cast, signed_in
from tests.invitations.test_pending import CHRIS, _invite

NEW_PASSWORD = "a second long passphrase 7"


@pytest.fixture
def elsewhere(cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> Member:
    """Chris, clinician at Harbor, joins Elsewhere as an owner too."""
    token = _invite(cast, django_capture_on_commit_callbacks, CHRIS)
    return invitation_accept(invitation=invitation_open(token=token), password=None, signed_in=cast.clinician.user)


def test_the_oldest_membership_is_the_default_and_the_header_offers_the_other(cast: Cast, elsewhere: Member) -> None:
    http = signed_in(cast.clinician)
    page = http.get("/dashboard/").content.decode()
    assert member_for_user(user=cast.clinician.user) == cast.clinician
    assert 'id="practice-switch"' in page and f'value="{elsewhere.pk}"' in page and "Elsewhere" in page
    assert 'id="practice-switch"' not in signed_in(cast.colleague).get("/dashboard/").content.decode()


def test_switching_acts_in_the_chosen_practice_only(cast: Cast, elsewhere: Member) -> None:
    http = signed_in(cast.clinician)
    assert "Jordan" in http.get("/clients/").content.decode()
    assert http.get("/practice/").status_code in (403, 404)  # a clinician at Harbor manages nothing there
    response = http.post("/account/practice/", {"member": str(elsewhere.pk)})
    assert response.status_code == 302
    assert http.get("/practice/").status_code == 200  # an owner at Elsewhere
    assert "Jordan" not in http.get("/clients/").content.decode()  # and no Harbor client in sight
    assert http.get(f"/clients/{cast.client.id}/").status_code == 404


def test_no_one_can_choose_a_membership_that_is_not_theirs(cast: Cast, elsewhere: Member) -> None:
    http = signed_in(cast.clinician)
    for other in (cast.outsider.pk, cast.owner.pk, "not-an-id", ""):
        assert http.post("/account/practice/", {"member": str(other)}).status_code == 404
    assert http.get("/practice/").status_code in (403, 404)  # still Chris the clinician, at Harbor
    assert HttpClient().post("/account/practice/", {"member": str(elsewhere.pk)}).status_code in (302, 404)
    assert http.get("/account/practice/").status_code == 405


def test_a_chosen_membership_that_ends_falls_back_to_the_oldest(cast: Cast, elsewhere: Member) -> None:
    http = signed_in(cast.clinician)
    http.post("/account/practice/", {"member": str(elsewhere.pk)})
    Member.objects.filter(pk=elsewhere.pk).update(is_active=False)
    assert http.get("/practice/").status_code in (403, 404)
    assert "Jordan" in http.get("/clients/").content.decode()


def test_a_password_change_keeps_the_note_keys_of_every_practice(cast: Cast, elsewhere: Member) -> None:
    author_key_enrol(member=elsewhere, password=PASSWORD, channel=Channel.CLI)
    http = signed_in(cast.clinician)
    response = http.post(
        "/accounts/password/change/", {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    members = list(Member.objects.filter(user=cast.clinician.user).select_related("user"))
    assert len(members) == 2
    for member in members:
        assert author_key_unlock(member=member, password=NEW_PASSWORD, channel=Channel.CLI)


def test_a_sign_in_is_logged_where_the_session_begins_and_a_switch_where_it_goes(
    cast: Cast, elsewhere: Member, settings: Settings
) -> None:
    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = False
    signed = AuditEvent.objects.filter(action=AuditAction.SIGN_IN)
    http = HttpClient()
    _sign_in_fully(http)
    assert [e.practice_id for e in signed] == [cast.clinician.practice_id]  # Elsewhere learns nothing of it
    http.post("/account/practice/", {"member": str(elsewhere.pk)})
    assert [e.practice_id for e in signed.order_by("id")] == [cast.clinician.practice_id, elsewhere.practice_id]
    assert signed.order_by("id").last().actor_id == elsewhere.pk  # type: ignore[union-attr]


def _token(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


NEW_CLIENT = {"name": "Opened At Harbor", "email": "", "diagnoses": "F41.1"}


def test_a_form_opened_before_a_switch_is_refused_not_saved_in_the_other_practice(
    cast: Cast, elsewhere: Member
) -> None:
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(cast.clinician.user)
    opened_at_harbor = _token(http.get("/clients/new/").content.decode())  # the first tab
    before = Client.objects.filter(practice_id=elsewhere.practice_id).count()
    second_tab = _token(http.get("/dashboard/").content.decode())
    assert (
        http.post("/account/practice/", {"member": str(elsewhere.pk), "csrfmiddlewaretoken": second_tab}).status_code
        == 302
    )
    response = http.post("/clients/new/", {**NEW_CLIENT, "csrfmiddlewaretoken": opened_at_harbor})
    assert response.status_code == 403 and "switched practices" in response.content.decode()
    assert Client.objects.filter(practice_id=elsewhere.practice_id).count() == before
    fresh = _token(http.get("/clients/new/").content.decode())  # reloaded: it posts, to Elsewhere
    assert http.post("/clients/new/", {**NEW_CLIENT, "csrfmiddlewaretoken": fresh}).status_code == 302
    assert Client.objects.filter(practice_id=elsewhere.practice_id).count() == before + 1


def test_a_form_opened_for_a_membership_that_then_ends_is_refused_and_the_fallback_is_told(
    cast: Cast, elsewhere: Member
) -> None:
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(cast.clinician.user)
    token = _token(http.get("/dashboard/").content.decode())
    http.post("/account/practice/", {"member": str(elsewhere.pk), "csrfmiddlewaretoken": token})
    opened_at_elsewhere = _token(http.get("/clients/new/").content.decode())
    Member.objects.filter(pk=elsewhere.pk).update(is_active=False)
    before = Client.objects.filter(practice_id=cast.clinician.practice_id).count()
    response = http.post("/clients/new/", {**NEW_CLIENT, "csrfmiddlewaretoken": opened_at_elsewhere})
    assert response.status_code == 403
    assert Client.objects.filter(practice_id=cast.clinician.practice_id).count() == before  # not saved at Harbor
    page = http.get("/dashboard/").content.decode()
    assert "That membership has ended. You are now working in Harbor" in page


def test_a_form_opened_in_the_first_practice_is_refused_when_that_membership_ends(
    cast: Cast, elsewhere: Member
) -> None:
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(cast.clinician.user)  # never switches: works in Harbor, the oldest
    opened = _token(http.get("/clients/new/").content.decode())
    before = Client.objects.filter(practice_id=elsewhere.practice_id).count()
    Member.objects.filter(pk=cast.clinician.pk).update(is_active=False)  # Harbor ends it
    response = http.post("/clients/new/", {**NEW_CLIENT, "csrfmiddlewaretoken": opened})
    assert response.status_code == 403
    assert Client.objects.filter(practice_id=elsewhere.practice_id).count() == before


def test_someone_who_left_comes_back_only_by_accepting_a_new_invitation(
    cast: Cast, elsewhere: Member, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    member_set_role(actor=cast.outsider, member=elsewhere, role=None, channel=Channel.WEB)
    with pytest.raises(ValidationError, match="have left the practice"):
        member_set_role(
            actor=cast.outsider, member=Member.objects.get(pk=elsewhere.pk), role=Role.OWNER, channel=Channel.WEB
        )
    assert not Member.objects.get(pk=elsewhere.pk).is_active
    token = _invite(cast, django_capture_on_commit_callbacks, CHRIS)
    assert Member.objects.get(pk=elsewhere.pk).is_pending
    back = invitation_accept(invitation=invitation_open(token=token), password=None, signed_in=cast.clinician.user)
    assert back.pk == elsewhere.pk and back.is_active
