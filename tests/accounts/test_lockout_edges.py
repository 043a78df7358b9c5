"""The lockout's and the pause page's edges, on rows as axes writes them: the window, the limits exactly,
whose failures a lift forgets, and a re-authentication that names someone else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.utils import timezone
from pytest_django.fixtures import Settings

from confide.accounts.lockout import account_key, address_failures, client_address, cool_off
from confide.accounts.pauses import pause_lift, pauses_for
from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.practices.models import Member
from confide.practices.permissions import Role
from tests.accounts.test_lockout import _fail, _locked_out, _password, _password_accepted
from tests.cast import PASSWORD, Cast, signed_in

CHRIS, CASEY = "chris@harbor.test", "casey@harbor.test"
HERE, THERE = "127.0.0.1", "198.51.100.7"
LIMIT = 8


@pytest.fixture(autouse=True)
def _limits(settings: Settings) -> Iterator[None]:
    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = False
    settings.CONFIDE_LOCKOUT_ADDRESS_FAILURES = LIMIT
    yield
    cache.clear()


def _failures(email: str, count: int, *, address: str = HERE, ago: dt.timedelta = dt.timedelta(0)) -> None:
    row = AccessAttempt.objects.create(
        username=account_key(email),
        ip_address=address,
        user_agent="test",
        failures_since_start=count,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )
    AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=timezone.now() - ago)  # the time is set on create


def test_an_address_the_server_does_not_name_is_counted_as_one_unnamed_address() -> None:
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert client_address(request) == ""


def test_only_failures_within_the_window_count_and_none_count_as_none(db: None) -> None:
    assert address_failures(THERE) == 0
    _failures(CHRIS, 3, address=THERE)
    _failures(CASEY, 20, address=THERE, ago=cool_off() + dt.timedelta(minutes=1))
    assert address_failures(THERE) == 3


def test_failures_below_the_limits_pause_no_one(cast: Cast) -> None:
    _failures(CHRIS, 4)
    _failures(CASEY, 3)
    assert pauses_for(manager=cast.owner) == []


def test_failures_before_the_window_pause_no_one(cast: Cast) -> None:
    _failures(CHRIS, 9, ago=cool_off() + dt.timedelta(minutes=1))
    assert pauses_for(manager=cast.owner) == []


def test_a_pause_ends_one_window_after_the_last_failure(cast: Cast) -> None:
    _failures(CHRIS, 5)
    [pause] = pauses_for(manager=cast.owner)
    last = AccessAttempt.objects.get().attempt_time
    assert (pause.member, pause.until, pause.by_address) == (cast.clinician, last + cool_off(), False)


def test_an_address_at_exactly_its_limit_pauses_its_people_and_a_lift_clears_it(cast: Cast) -> None:
    _failures(CHRIS, 1)
    _failures(CASEY, 3)
    _failures("sam@harbor.test", LIMIT - 4)
    pauses = pauses_for(manager=cast.owner)
    assert {p.member for p in pauses} == {cast.clinician, cast.colleague, cast.supervisor}
    assert all(p.by_address for p in pauses)
    still = pause_lift(manager=cast.owner, member_id=cast.clinician.id, channel=Channel.WEB)
    assert still is False and address_failures(HERE) == 0  # all were the practice's own: the address is free
    _failures("someone@elsewhere.test", LIMIT - 1)
    assert pauses_for(manager=cast.owner) == []  # one below the limit pauses no one


def test_a_lift_forgets_the_practices_failures_only_at_the_paused_address(cast: Cast) -> None:
    _failures(CHRIS, LIMIT)
    _failures(CASEY, 3, address=THERE)
    _failures(CASEY, 2)
    pause_lift(manager=cast.owner, member_id=cast.clinician.id, channel=Channel.WEB)
    assert address_failures(HERE) == 0 and address_failures(THERE) == 3  # Casey's failures elsewhere stay
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_PAUSE_LIFT)
    assert (event.object_type, event.object_id, event.client_id) == ("member", str(cast.clinician.id), None)


def test_a_lift_says_when_others_failures_keep_the_address_paused(cast: Cast) -> None:
    _failures(CHRIS, 1)
    _failures("otto@elsewhere.test", LIMIT)  # exactly the limit, without Chris: another practice's account
    assert pause_lift(manager=cast.owner, member_id=cast.clinician.id, channel=Channel.WEB) is True
    assert address_failures(HERE) == LIMIT


def test_made_up_addresses_typed_on_a_shared_network_do_not_keep_it_paused_after_a_lift(cast: Cast) -> None:
    _fail(HttpClient(), 3, CHRIS)
    for n in range(LIMIT):  # someone in the waiting room types addresses no account has
        _fail(HttpClient(), 1, f"nobody{n}@nowhere.test")
    _fail(HttpClient(), 1, "otto@elsewhere.test")  # and tries another practice's account once
    assert [(p.member, p.by_address) for p in pauses_for(manager=cast.owner)] == [(cast.clinician, True)]
    assert pause_lift(manager=cast.owner, member_id=cast.clinician.id, channel=Channel.WEB) is False
    assert {r.username: r.failures_since_start for r in AccessAttempt.objects.all()} == {
        account_key("otto@elsewhere.test"): 1  # another practice's account keeps its count
    }
    assert _password_accepted(_password(HttpClient(), PASSWORD, CHRIS))


def test_a_re_authentication_that_names_someone_else_is_still_paused_and_counted_as_its_own(cast: Cast) -> None:
    _fail(HttpClient(), 5, CHRIS)  # Chris is paused
    http = HttpClient()
    http.force_login(cast.clinician.user)
    response = http.post("/accounts/reauthenticate/", {"password": PASSWORD, "login": CASEY})
    assert response.status_code == 429  # the decoy is not who is checked
    before = address_failures(HERE)
    other = HttpClient()
    other.force_login(cast.supervisor.user)
    other.post("/accounts/reauthenticate/", {"password": "wrong", "login": CASEY})
    attempts = {row.username: row.failures_since_start for row in AccessAttempt.objects.all()}
    assert address_failures(HERE) == before + 1 and account_key(CASEY) not in attempts
    assert attempts[account_key("sam@harbor.test")] == 1


def test_no_one_practice_lifts_the_pause_of_an_account_that_belongs_to_another_too(cast: Cast) -> None:
    elsewhere = Member.objects.create(
        practice_id=cast.outsider.practice_id,
        user=cast.clinician.user,
        role=Role.CLINICIAN,
        joined_at=timezone.now(),
        is_active=True,
    )
    _failures(CHRIS, 5)
    [pause] = pauses_for(manager=cast.owner)
    assert not pause.liftable and [p.liftable for p in pauses_for(manager=cast.outsider)] == [False]
    for manager, member in ((cast.owner, cast.clinician), (cast.outsider, elsewhere)):
        with pytest.raises(ValidationError, match="belongs to another practice too"):
            pause_lift(manager=manager, member_id=member.id, channel=Channel.WEB)
    page = signed_in(cast.owner).post(f"/practice/sign-in-pauses/{cast.clinician.id}/lift/", follow=True)
    assert "belongs to another practice too" in page.content.decode()
    assert address_failures(HERE) == 5 and not AuditEvent.objects.filter(action=AuditAction.SIGN_IN_PAUSE_LIFT).exists()
    Member.objects.filter(pk=elsewhere.pk).update(is_active=False)  # once they have left it, Harbor can
    assert pause_lift(manager=cast.owner, member_id=cast.clinician.id, channel=Channel.WEB) is False


def test_a_wrong_re_authentication_naming_a_paused_account_is_not_told_it_is_paused(cast: Cast) -> None:
    _fail(HttpClient(), 5, CASEY)  # Casey is paused
    http = HttpClient()
    http.force_login(cast.supervisor.user)
    response = http.post("/accounts/reauthenticate/", {"password": "wrong", "login": CASEY})
    assert response.status_code == 200 and "accounts/locked_out.html" not in [t.name for t in response.templates]
    assert "password" in response.content.decode().lower()  # told the password is wrong, Sam's own matter


@pytest.mark.parametrize(
    ("peer", "counted"),
    [
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::"),
        ("2001:db8:1:3::1", "2001:db8:1:3::"),
        ("::ffff:198.51.100.7", "::ffff:198.51.100.7"),
        ("198.51.100.7", "198.51.100.7"),
        ("not an address", "not an address"),
    ],
)
def test_an_ipv6_host_counts_by_its_64_network(peer: str, counted: str) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=peer)
    assert client_address(request) == counted


def test_guessing_from_fresh_addresses_in_one_64_network_is_paused(cast: Cast) -> None:
    for n in range(5):
        _fail(HttpClient(REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}"), 1, CHRIS)
    assert _locked_out(_password(HttpClient(REMOTE_ADDR="2001:db8:1:2::99"), PASSWORD, CHRIS))
    assert _password_accepted(_password(HttpClient(REMOTE_ADDR="2001:db8:1:3::1"), PASSWORD, CHRIS))


def test_paused_at_two_addresses_the_pause_ends_when_the_later_one_does(cast: Cast) -> None:
    for address in (HERE, THERE):  # whichever comes first from the database, the later end is shown
        AccessAttempt.objects.all().delete()
        _failures(CHRIS, 5, address=address)  # now
        _failures(CHRIS, 5, address=THERE if address == HERE else HERE, ago=dt.timedelta(minutes=10))
        [pause] = pauses_for(manager=cast.owner)
        latest = max(AccessAttempt.objects.values_list("attempt_time", flat=True))
        assert pause.until == latest + cool_off()
