"""Sign-in pauses: one account's failures never stop another, an unknown e-mail pauses no one, a higher limit
per address, one message, no e-mail in the lockout tables, and an owner who can see and lift a pause."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.cache import cache
from django.test import Client as HttpClient
from pytest_django.fixtures import Settings

from confide.accounts.lockout import account_key
from confide.accounts.models import User
from confide.audit.actions import AuditAction
from confide.audit.models import AuditEvent
from confide.practices.models import Member
from tests.accounts.test_lockout import _fail, _locked_out, _password, _password_accepted
from tests.cast import PASSWORD, Cast, signed_in

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

CHRIS, SAM, NOBODY = "chris@harbor.test", "sam@harbor.test", "nobody@harbor.test"
ELSEWHERE = "198.51.100.20"


def _page(response: Response) -> str:
    """The page without what differs on every response (the CSP nonce, the CSRF token)."""
    text = re.sub(r'nonce="[^"]*"', "", response.content.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


@pytest.fixture(autouse=True)
def _axes_alone(settings: Settings) -> Iterator[None]:
    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = False
    settings.CONFIDE_LOCKOUT_ADDRESS_FAILURES = 8  # (30 in production: docs/configuration.md)
    yield
    cache.clear()


def test_five_failures_for_one_account_never_stop_another_at_the_same_address(cast: Cast) -> None:
    http = HttpClient()
    _fail(http, 5, CHRIS)
    assert _locked_out(_password(http, PASSWORD, CHRIS))
    assert _password_accepted(_password(HttpClient(), PASSWORD, SAM))


def test_an_unknown_email_pauses_no_one_and_reads_exactly_as_a_known_one(cast: Cast) -> None:
    http = HttpClient()
    _fail(http, 5, NOBODY)
    unknown = _password(http, PASSWORD, NOBODY)
    assert _password_accepted(_password(HttpClient(), PASSWORD, CHRIS))
    _fail(HttpClient(), 5, SAM)
    known = _password(HttpClient(), PASSWORD, SAM)
    assert _locked_out(unknown) and _locked_out(known)
    assert _page(unknown) == _page(known)  # nothing tells whether the account exists


def test_many_accounts_tried_from_one_address_pause_the_address_and_only_it(cast: Cast) -> None:
    for login in ("a@harbor.test", "b@harbor.test", "c@harbor.test", NOBODY):
        _fail(HttpClient(), 2, login)  # 8 in all, no account near its own limit of 5
    assert _locked_out(_password(HttpClient(), PASSWORD, CHRIS))  # the right password, from there
    assert _password_accepted(_password(HttpClient(REMOTE_ADDR=ELSEWHERE), PASSWORD, CHRIS))


def test_seven_failures_from_an_address_are_not_yet_its_limit(cast: Cast) -> None:
    for login in ("a@harbor.test", "b@harbor.test", "c@harbor.test"):
        _fail(HttpClient(), 2, login)
    _fail(HttpClient(), 1, NOBODY)
    assert _password_accepted(_password(HttpClient(), PASSWORD, CHRIS))


def test_every_pause_says_the_same_plain_thing(cast: Cast) -> None:
    _fail(HttpClient(), 5, CHRIS)
    by_account = _password(HttpClient(), PASSWORD, CHRIS)
    for login in ("a@harbor.test", "b@harbor.test", "c@harbor.test", NOBODY):
        _fail(HttpClient(REMOTE_ADDR=ELSEWHERE), 2, login)
    by_address = _password(HttpClient(REMOTE_ADDR=ELSEWHERE), PASSWORD, SAM)
    assert _page(by_account) == _page(by_address)
    text = _page(by_account)
    assert "Sign-in paused" in text and "paused for 30 minutes" in text and "practice owner can lift" in text


def test_the_lockout_tables_keep_no_email(cast: Cast) -> None:
    _fail(HttpClient(), 3, CHRIS)
    _fail(HttpClient(), 2, NOBODY)
    assert _password_accepted(_password(HttpClient(), PASSWORD, SAM))
    rows = list(AccessAttempt.objects.values())
    assert {row["username"] for row in rows} == {account_key(CHRIS), account_key(NOBODY)}
    assert "@" not in repr(rows) and "harbor" not in repr(rows)  # the form data is masked too
    assert not AccessLog.objects.exists()  # successful sign-ins are audited by Confide, not kept by axes


# ---------------------------------------------------------------- the owner's page


def test_an_owner_sees_who_is_paused_and_lifts_it(cast: Cast) -> None:
    _fail(HttpClient(), 5, CHRIS)
    _fail(HttpClient(REMOTE_ADDR=ELSEWHERE), 5, NOBODY)
    _fail(HttpClient(REMOTE_ADDR=ELSEWHERE), 5, "otto@elsewhere.test")  # another practice's owner
    owner = signed_in(cast.owner)
    page = owner.get("/practice/sign-in-pauses/").content.decode()
    assert "Chris Clinician" in page and "Otto" not in page and "nobody" not in page and NOBODY not in page
    response = owner.post(f"/practice/sign-in-pauses/{cast.clinician.id}/lift/")
    assert response.status_code == 302
    assert _password_accepted(_password(HttpClient(), PASSWORD, CHRIS))
    assert AccessAttempt.objects.filter(username=account_key(NOBODY)).exists()  # nobody else's pause lifted
    [event] = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_PAUSE_LIFT)
    assert (event.actor_id, event.object_id, event.client_id) == (cast.owner.id, str(cast.clinician.id), None)
    assert "No one in your practice is paused" in owner.get("/practice/sign-in-pauses/").content.decode()


def test_lifting_a_pause_caused_by_the_address_limit_clears_the_practices_own_failures_there(cast: Cast) -> None:
    for login in (SAM, "stacy@harbor.test", "casey@harbor.test"):  # a clinic's staff behind one address
        _fail(HttpClient(), 2, login)
    _fail(HttpClient(), 2, CHRIS)
    assert _locked_out(_password(HttpClient(), PASSWORD, CHRIS))
    owner = signed_in(cast.owner)
    assert "their network" in owner.get("/practice/sign-in-pauses/").content.decode()
    page = owner.post(f"/practice/sign-in-pauses/{cast.clinician.id}/lift/", follow=True).content.decode()
    assert "they can sign in again now" in page
    assert _password_accepted(_password(HttpClient(), PASSWORD, CHRIS))


def test_an_owner_never_resets_the_failures_of_accounts_outside_the_practice(cast: Cast) -> None:
    # Someone tries other accounts from one address, then asks a practice to lift a pause of "theirs" there:
    # the failures for Otto's and Eve's accounts stay (an unknown e-mail's go), and the address stays paused.
    User.objects.create_user("eve@elsewhere.test")
    for login, times in (("otto@elsewhere.test", 4), ("eve@elsewhere.test", 4), (NOBODY, 3)):
        _fail(HttpClient(), times, login)  # 11 of the address's 8
    _fail(HttpClient(), 1, CHRIS)
    owner = signed_in(cast.owner)
    page = owner.post(f"/practice/sign-in-pauses/{cast.clinician.id}/lift/", follow=True).content.decode()
    assert "their network stays paused" in page and "they can sign in again now" not in page
    assert "elsewhere" not in page.lower() and "otto" not in page.lower()  # whose failures they were: not said
    left = {r.username: r.failures_since_start for r in AccessAttempt.objects.all()}
    assert left == {account_key("otto@elsewhere.test"): 4, account_key("eve@elsewhere.test"): 4}
    assert _locked_out(_password(HttpClient(), PASSWORD, CHRIS))
    assert _password_accepted(_password(HttpClient(REMOTE_ADDR=ELSEWHERE), PASSWORD, CHRIS))


def test_a_clients_pause_is_never_lifted_early_whoever_else_they_are_a_client_of(cast: Cast) -> None:
    # The same answer for every client: a refusal for some only would tell the practice they are in care elsewhere.
    assert cast.client_member is not None
    _fail(HttpClient(), 5, "jordan@client.test")
    owner = signed_in(cast.owner)
    assert "A client's pause ends by itself" in owner.get("/practice/sign-in-pauses/").content.decode()
    page = owner.post(f"/practice/sign-in-pauses/{cast.client_member.id}/lift/", follow=True).content.decode()
    assert "never lifted early" in page and "another practice" not in page
    assert not AuditEvent.objects.filter(action=AuditAction.SIGN_IN_PAUSE_LIFT).exists()
    assert _locked_out(_password(HttpClient(), PASSWORD, "jordan@client.test"))


@pytest.mark.parametrize("who", ["clinician", "supervisor", "outsider"])
def test_only_the_practices_owner_sees_or_lifts_its_pauses(cast: Cast, who: str) -> None:
    _fail(HttpClient(), 5, CHRIS)
    member: Member = getattr(cast, who)
    http = signed_in(member)
    page = http.get("/practice/sign-in-pauses/")
    if who == "outsider":  # another practice's owner: their own (empty) list, never Chris
        assert page.status_code == 200 and "Chris" not in page.content.decode()
    else:
        assert page.status_code == 404
    assert http.post(f"/practice/sign-in-pauses/{cast.clinician.id}/lift/").status_code == 404
    assert _locked_out(_password(HttpClient(), PASSWORD, CHRIS))
    assert not AuditEvent.objects.filter(action=AuditAction.SIGN_IN_PAUSE_LIFT).exists()


def test_with_productions_allauth_limits_failures_for_a_and_an_unknown_e_mail_never_stop_b(
    cast: Cast, settings: Settings
) -> None:
    from django.conf import settings as configured

    settings.ACCOUNT_RATE_LIMITS = configured.CONFIDE_ALLAUTH_RATE_LIMITS  # what production runs with
    settings.CONFIDE_LOCKOUT_ADDRESS_FAILURES = 30
    http = HttpClient()
    _fail(http, 5, CHRIS)
    _fail(http, 5, NOBODY)
    assert _password_accepted(_password(HttpClient(), PASSWORD, SAM))
    # …and the account paused at this address is not paused from another one.
    assert _password_accepted(_password(HttpClient(REMOTE_ADDR=ELSEWHERE), PASSWORD, CHRIS))
