"""Sessions sealed at rest (confide.accounts.sessions): a copied django_session shows no one's address or secret."""

from __future__ import annotations

import base64
import datetime as dt
import zlib

from allauth.mfa.models import Authenticator
from asgiref.sync import async_to_sync
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client as HttpClient
from django.utils import timezone
from pytest_django.fixtures import Settings

from confide.accounts import sessions
from confide.accounts.sessions import PREFIX, SessionStore, stored_key
from confide.vault.sealing import master_key
from tests.cast import PASSWORD, Cast

JORDAN = "jordan@client.test"
HOUR = dt.timedelta(hours=1)


def _rows() -> list[str]:
    return list(Session.objects.values_list("session_data", flat=True))


def _as_a_copy_reads(row: str) -> str:
    """What a database administrator reads in a row without any key: Django's signed format is only
    base64 of (compressed) JSON."""
    payload = row.split(":")[0]
    try:
        raw = base64.urlsafe_b64decode(payload.lstrip(".") + "==")
        return (zlib.decompress(raw) if payload.startswith(".") else raw).decode("utf-8", errors="replace")
    except (ValueError, zlib.error):
        return ""


def test_the_copy_reader_reads_what_djangos_own_store_keeps() -> None:
    plain = db.SessionStore().encode({"typed": JORDAN})
    assert JORDAN in _as_a_copy_reads(plain)  # so the tests below would see an unsealed row


def test_a_sign_in_leaves_no_typed_address_in_the_session_table(cast: Cast, settings: Settings) -> None:
    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = False
    http = HttpClient()
    http.post("/accounts/login/", {"login": "nobody@client.test", "password": "wrong"})  # a failed try first
    response = http.post("/accounts/login/", {"login": JORDAN.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert http.get("/portal/").status_code == 200  # the sealed session works
    rows = _rows()
    assert rows and all(row.startswith(PREFIX) for row in rows)
    readable = " ".join(_as_a_copy_reads(row) + row for row in rows).lower()
    assert "jordan" not in readable and "nobody" not in readable and "@" not in readable


def test_a_totp_secret_being_set_up_is_sealed_in_the_session(cast: Cast) -> None:
    Authenticator.objects.filter(user=cast.clinician.user).delete()
    http = HttpClient()
    http.post("/accounts/login/", {"login": "chris@harbor.test", "password": PASSWORD})
    http.post("/accounts/reauthenticate/?next=/accounts/2fa/totp/activate/", {"password": PASSWORD})
    page = http.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = http.session["mfa.totp.secret"]
    assert len(secret) >= 16 and secret in page.content.decode()  # the page shows it, once
    assert not [row for row in _rows() if secret in row + _as_a_copy_reads(row)]


def test_a_session_key_read_from_the_database_is_not_a_cookie_that_signs_in(cast: Cast) -> None:
    http = HttpClient()
    http.force_login(cast.clinician.user)
    cookie = http.cookies["sessionid"].value
    assert http.get("/account/activity/").status_code == 200
    rows = list(Session.objects.values_list("session_key", flat=True))
    assert rows == [stored_key(cookie)] and cookie not in rows  # the row is under a keyed hash of the cookie
    thief = HttpClient()
    thief.cookies["sessionid"] = rows[0]
    assert thief.get("/account/activity/").status_code == 302  # the database's key is no one's cookie


def test_a_session_copied_onto_another_key_does_not_open(cast: Cast) -> None:
    http = HttpClient()
    http.force_login(cast.client_member.user)
    cookie = http.session.session_key
    assert cookie is not None
    own = Session.objects.get(session_key=stored_key(cookie))
    Session.objects.create(session_key=stored_key("k" * 32), session_data=own.session_data, expire_date=own.expire_date)
    assert SessionStore(session_key=cookie).load().get("_auth_user_id") == str(cast.client_member.user.pk)
    assert SessionStore(session_key="k" * 32).load() == {}
    thief = HttpClient()
    thief.cookies["sessionid"] = "k" * 32
    assert thief.get("/portal/").status_code == 302  # signed out


def test_a_session_stored_unsealed_or_under_its_cookie_is_an_empty_one(cast: Cast) -> None:
    legacy = SessionStore(session_key="u" * 32)
    legacy_data = super(SessionStore, legacy).encode({"_auth_user_id": str(cast.client_member.user.pk)})
    Session.objects.create(
        session_key=stored_key("u" * 32), session_data=legacy_data, expire_date=timezone.now() + HOUR
    )
    assert legacy.decode(legacy_data) == {}
    assert SessionStore(session_key="u" * 32).load() == {}
    sealed = SessionStore(session_key="v" * 32).encode({"_auth_user_id": str(cast.client_member.user.pk)})
    Session.objects.create(session_key="v" * 32, session_data=sealed, expire_date=timezone.now() + HOUR)  # as Django's
    assert SessionStore(session_key="v" * 32).load() == {}  # store kept it: under the cookie itself


def test_signing_out_and_a_new_key_remove_the_old_row(cast: Cast, settings: Settings) -> None:
    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = False
    http = HttpClient()
    http.get("/accounts/login/")
    http.post("/accounts/login/", {"login": JORDAN, "password": PASSWORD})  # the key is cycled at sign-in
    assert Session.objects.count() == 1 and http.get("/portal/").status_code == 200
    [before] = Session.objects.all()
    assert "_auth_user_id" in _opened(before)
    http.post("/accounts/logout/")
    assert http.get("/portal/").status_code == 302
    assert not [s for s in Session.objects.all() if "_auth_user_id" in _opened(s)]


def _opened(row: Session) -> dict[str, object]:
    """A row opened with the master key by its stored key, as a rotation does."""
    signed = sessions._open(row.session_data, row.session_key)
    return {} if signed is None else dict(db.SessionStore().decode(signed))


def test_a_row_opens_only_under_its_own_key_and_only_unaltered(cast: Cast) -> None:
    http = HttpClient()
    http.force_login(cast.client_member.user)
    key = http.session.session_key
    assert key is not None
    row = Session.objects.get(session_key=stored_key(key)).session_data
    signed = master_key().open_secret(base64.b64decode(row[len(PREFIX) :]), purpose=f"session|{stored_key(key)}")
    assert db.SessionStore().decode(signed)["_auth_user_id"] == str(cast.client_member.user.pk)
    store = SessionStore(session_key=key)
    assert store.decode(row.encode()) == store.decode(row) != {}  # handed as bytes, the same
    middle = len(PREFIX) + 20
    for altered in (row[:middle] + "!" + row[middle:], row[:-4] + "AAAA", row.removeprefix(PREFIX), "é" + row):
        assert store.decode(altered) == {}
    assert store.decode(b"\xff\xfe" + row.encode()) == {}  # bytes that are not text: empty, not an error
    assert SessionStore().decode(row) == {}  # a store without a key opens nothing


def test_each_of_several_sessions_loads_its_own_row(cast: Cast) -> None:
    people = [cast.client_member, cast.clinician, cast.owner]
    keys = []
    for member in people:
        http = HttpClient()
        http.force_login(member.user)
        keys.append(http.session.session_key)
    for member, key in reversed(list(zip(people, keys, strict=True))):  # the newest row first, the oldest last
        assert SessionStore(session_key=key).load()["_auth_user_id"] == str(member.user.pk)


def test_an_expired_row_does_not_open_and_an_unknown_key_gets_a_new_one(cast: Cast) -> None:
    http = HttpClient()
    http.force_login(cast.client_member.user)
    cookie = http.cookies["sessionid"].value
    assert len(stored_key(cookie)) == 32 and SessionStore().exists(cookie)  # within the column (40)
    Session.objects.filter(session_key=stored_key(cookie)).update(expire_date=timezone.now() - HOUR)
    store = SessionStore(session_key=cookie)
    assert store.load() == {} and store.session_key is None  # so a save makes a new key, never reuses it
    assert http.get("/portal/").status_code == 302


def test_the_async_session_api_uses_the_same_hashed_rows(cast: Cast) -> None:
    store = SessionStore()
    store["seen"] = "yes"
    store.save()
    key = store.session_key
    assert key is not None

    second = SessionStore()
    second.save()
    assert second.session_key is not None

    async def through_async() -> tuple[bool, dict[str, object], Session]:
        other = SessionStore(session_key=key)
        exists = await other.aexists(key)
        loaded = await other.aload()
        instance = await other.acreate_model_instance({"x": 1})
        await other.adelete(second.session_key)  # the key named, not its own
        gone_second = not await SessionStore().aexists(second.session_key or "")
        await other.adelete()
        return exists and gone_second, loaded, instance

    exists, loaded, instance = async_to_sync(through_async)()
    assert exists and loaded == {"seen": "yes"} and instance.session_key == stored_key(key)
    assert SessionStore(session_key=key).decode(instance.session_data) == {"x": 1}
    assert not Session.objects.filter(session_key=stored_key(key)).exists()
