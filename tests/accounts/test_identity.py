"""Sign-in e-mails are kept as keyed indexes with the address sealed (confide.accounts.identity): the
database names no one, yet typing the address signs in, resets a password and receives mail."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.core.context import request_context
from django.apps import apps
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client as HttpClient
from django.test import RequestFactory
from pytest_django.fixtures import Settings

from confide.accounts import identity
from confide.accounts.adapter import AccountAdapter, MfaAdapter
from confide.accounts.lockout import account_key, attempted_account
from confide.accounts.models import User
from tests.cast import PASSWORD, Cast

JORDAN = "jordan@client.test"
FUTURE = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Settings) -> None:
    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = False


def test_the_database_holds_a_key_for_each_sign_in_address_and_the_address_only_sealed(cast: Cast) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, email_sealed FROM accounts_user")
        users = cursor.fetchall()
        cursor.execute("SELECT email FROM account_emailaddress")
        addresses = [row[0] for row in cursor.fetchall()]
    assert len(users) >= 5 and addresses
    for email, sealed in users:
        assert identity.is_login_key(email) and email.endswith("@login.invalid")
        assert b".test" not in bytes(sealed)
    assert all(identity.is_login_key(email) for email in addresses)
    assert User.objects.get(pk=cast.client_member.user.pk).address == JORDAN


def test_the_key_is_the_same_whatever_the_case_or_spaces(db: None) -> None:
    key = identity.login_key(JORDAN)
    assert identity.login_key(" Jordan@CLIENT.test\t") == key
    assert identity.login_key("jordan@client.tes") != key
    assert not identity.is_login_key(JORDAN) and not identity.is_login_key("0" * 31 + "@login.invalid")


def test_a_key_copied_out_of_the_database_and_typed_as_an_address_finds_no_one(cast: Cast) -> None:
    key = cast.client_member.user.email
    assert identity.login_key(key) != key and User.objects.for_email(key) is None
    response = HttpClient().post("/accounts/login/", {"login": key, "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in response.wsgi_request.session
    mail.outbox.clear()
    HttpClient().post("/accounts/password/reset/", {"email": key})
    assert all(JORDAN not in m.to and JORDAN not in m.body for m in mail.outbox)


def test_typing_the_address_signs_in_and_a_wrong_password_does_not(cast: Cast) -> None:
    wrong = HttpClient().post("/accounts/login/", {"login": "JORDAN@client.test", "password": "not it"})
    assert wrong.status_code == 200 and "_auth_user_id" not in wrong.client.session
    http = HttpClient()
    response = http.post("/accounts/login/", {"login": " JORDAN@client.test", "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert http.get("/portal/").status_code == 200


def test_a_sign_in_and_a_re_authentication_are_counted_under_one_account_known_or_not(cast: Cast) -> None:
    factory = RequestFactory()
    typed = factory.post("/accounts/login/", {"login": " Jordan@client.test"})
    unknown = factory.post("/accounts/login/", {"login": "nobody@client.test"})
    reauthentication = factory.post("/accounts/reauthenticate/", {"password": "x"})
    stored = cast.client_member.user.email
    # allauth hands the backend the keyed index; the typed text is what the lockout counts by.
    assert attempted_account(typed, {"email": identity.login_key(JORDAN)}) == account_key(JORDAN)
    assert attempted_account(unknown, {"email": identity.login_key("nobody@client.test")}) == account_key(
        "nobody@client.test"
    )
    assert attempted_account(reauthentication, {"email": stored}) == account_key(JORDAN)
    assert attempted_account(reauthentication, {}) is None
    # A re-authentication that also posts someone else's address is still counted against its own account.
    decoy = factory.post("/accounts/reauthenticate/", {"password": "x", "login": "decoy@x.test"})
    assert attempted_account(decoy, {"email": stored}) == account_key(JORDAN)


def test_a_password_reset_typed_as_the_address_mails_the_address(cast: Cast) -> None:
    mail.outbox.clear()
    HttpClient().post("/accounts/password/reset/", {"email": "Jordan@Client.test"})
    assert [m.to for m in mail.outbox] == [[JORDAN]]  # as allauth writes it: lower-cased
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert cast.client_member.user.email not in mail.outbox[0].body


def test_mail_allauth_addresses_to_a_key_reaches_the_sealed_address_and_an_unknown_key_reaches_no_one(
    cast: Cast,
) -> None:
    mail.outbox.clear()
    adapter, context = AccountAdapter(), {"password_reset_url": "x"}
    with request_context(RequestFactory().get("/")):
        adapter.send_mail("account/email/password_reset_key", cast.client_member.user.email, context)
        adapter.send_mail("account/email/password_reset_key", identity.login_key("gone@client.test"), context)
    assert [m.to for m in mail.outbox] == [[JORDAN]]


def test_the_authenticator_app_and_passkey_are_labelled_with_the_address(cast: Cast) -> None:
    user = cast.clinician.user
    assert MfaAdapter().get_totp_label(user) == user.address
    assert MfaAdapter().get_public_key_credential_user_entity(user)["name"] == user.address


def test_the_e_mail_page_shows_the_address_and_refuses_a_second_one(cast: Cast) -> None:
    http = HttpClient()
    http.force_login(cast.client_member.user)
    page = http.get("/accounts/email/").content.decode()
    assert JORDAN in page and cast.client_member.user.email not in page
    http.post("/accounts/email/", {"action_add": "", "email": "second@client.test"})
    assert EmailAddress.objects.filter(user=cast.client_member.user).count() == 1
    assert User.objects.for_email("second@client.test") is None


def test_allauths_messages_name_the_address_never_the_stored_key(cast: Cast) -> None:
    user = cast.client_member.user
    http = HttpClient()
    http.force_login(user)
    page = http.post("/accounts/email/", {"action_remove": "", "email": user.email}, follow=True).content.decode()
    assert f"You cannot remove your primary email address ({JORDAN})." in page and user.email not in page
    assert EmailAddress.objects.filter(user=user).count() == 1


def test_the_confirm_e_mail_page_names_the_address_never_the_stored_key(cast: Cast) -> None:
    user = cast.client_member.user
    address = EmailAddress.objects.get(user=user)
    EmailAddress.objects.filter(pk=address.pk).update(verified=False)
    confirmation = EmailConfirmationHMAC(address)
    page = HttpClient().get(f"/accounts/confirm-email/{confirmation.key}/")
    assert page.status_code == 200 and JORDAN in page.content.decode() and user.email not in page.content.decode()
    HttpClient().post(f"/accounts/confirm-email/{confirmation.key}/")
    assert EmailAddress.objects.get(pk=address.pk).verified


def test_the_migration_seals_plaintext_addresses_left_by_an_earlier_version(cast: Cast) -> None:
    user = cast.client_member.user
    User.objects.filter(pk=user.pk).update(email=JORDAN, email_sealed=b"")
    EmailAddress.objects.filter(user=user).update(email=JORDAN)
    EmailAddress.objects.create(user=user, email="second@client.test", verified=True, primary=False)
    Session.objects.create(session_key="x" * 32, session_data='{"email": "jordan@client.test"}', expire_date=FUTURE)
    migration = importlib.import_module("confide.accounts.migrations.0002_email_sealed")
    migration.seal_addresses(apps, None)
    migration.seal_addresses(apps, None)  # a second pass changes nothing
    stored = User.objects.get(pk=user.pk)
    assert stored.email == identity.login_key(JORDAN) and stored.address == JORDAN
    # The second address is gone (it would sign in unsealed), and so is every session (allauth kept the
    # typed address in them).
    assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [stored.email]
    assert not Session.objects.exists()
    migration.unseal_addresses(apps, None)  # going back writes the address in the clear for the old code
    assert User.objects.get(pk=user.pk).email == EmailAddress.objects.get(user=user).email == JORDAN


def test_with_the_mail_server_down_a_reset_answers_as_usual_and_logs_no_address(
    cast: Cast, mail_server_down: None, caplog: pytest.LogCaptureFixture
) -> None:
    response = HttpClient().post("/accounts/password/reset/", {"email": JORDAN})
    assert response.status_code == 302
    logged = [r.getMessage() for r in caplog.records if r.name == "confide.accounts.adapter"]
    assert logged == ["sign-in mail password_reset_key not sent: ConnectionRefusedError"]
    assert JORDAN not in caplog.text and "client.test" not in caplog.text


def test_the_adapter_passes_a_plain_message_and_its_tags_on_unchanged(cast: Cast) -> None:
    request = RequestFactory().get("/")
    request.session = {}  # type: ignore[assignment]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    with request_context(request):
        AccountAdapter().add_message(request, messages.INFO, message="Plain words.", extra_tags="mine")
        AccountAdapter().add_message(request, messages.INFO, "account/messages/logged_out.txt")
    shown = [(str(m), m.tags) for m in messages.get_messages(request)]
    assert shown == [("Plain words.", "mine info"), ("You have signed out.", "info")]


@pytest.mark.parametrize(
    "value", ["X" * 32 + "@login.invalid", "A" * 32 + "@login.invalid", "a" * 31 + "@login.invalid"]
)
def test_only_32_lower_case_hex_digits_at_the_domain_are_a_key(value: str) -> None:
    assert not identity.is_login_key(value)
    assert identity.is_login_key("0123456789abcdef" * 2 + "@login.invalid")
