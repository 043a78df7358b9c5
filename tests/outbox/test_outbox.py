"""When the mail server is down, nothing is lost: the request succeeds, the message waits sealed, the
owner sees it, and it goes out once the server is back; no one else sees it, and no copy stays behind."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.utils import timezone
from pytest_django.fixtures import DjangoCaptureOnCommitCallbacks, Settings

from confide.outbox.models import OutgoingMail
from confide.outbox.services import mail_retry_due
from tests.cast import Cast, signed_in
from tests.conftest import Inbox, free_port


def _invite(cast: Cast, capture: DjangoCaptureOnCommitCallbacks) -> int:
    with capture(execute=True):
        response = signed_in(cast.colleague).post(f"/clients/{cast.other_client.id}/invite/")
    return response.status_code


def test_an_invitation_while_the_mail_server_is_down_waits_sealed_and_the_owner_sees_it(
    cast: Cast, mail_server_down: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    assert _invite(cast, django_capture_on_commit_callbacks) == 302  # no error for the clinician
    waiting = OutgoingMail.objects.get()
    assert (waiting.kind, waiting.attempts, waiting.last_error) == ("invitation", 1, "ConnectionRefusedError")
    assert timezone.now() < waiting.next_attempt_at <= timezone.now() + dt.timedelta(minutes=1)
    sealed = bytes(waiting.envelope_ct)
    assert b"aisha" not in sealed.lower() and b"invitations/" not in sealed  # the address and the link
    dashboard = signed_in(cast.owner).get("/dashboard/").content.decode()
    assert 'id="unsent-mail"' in dashboard and "Invitation · since" in dashboard
    assert "1 attempt (ConnectionRefusedError)" in dashboard and "aisha" not in dashboard.lower()


def test_only_the_owner_sees_mail_that_waits(
    cast: Cast, mail_server_down: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _invite(cast, django_capture_on_commit_callbacks)
    for member in (cast.clinician, cast.colleague, cast.supervisor, cast.staff, cast.outsider):
        assert b'id="unsent-mail"' not in signed_in(member).get("/dashboard/").content


def test_the_waiting_mail_goes_out_once_due_and_the_server_is_back(
    cast: Cast,
    settings: Settings,
    mail_server_down: None,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    smtp_inbox: Inbox,
) -> None:
    up = settings.MAILERS  # smtp_inbox's running server: saved, then taken down again for the failure
    settings.MAILERS = {"default": {**up["default"], "OPTIONS": {**up["default"]["OPTIONS"], "port": free_port()}}}
    _invite(cast, django_capture_on_commit_callbacks)
    waiting = OutgoingMail.objects.get()
    settings.MAILERS = up
    assert mail_retry_due(now=waiting.next_attempt_at - dt.timedelta(seconds=1)) == 0  # not yet due
    assert smtp_inbox.messages == []
    assert mail_retry_due(now=waiting.next_attempt_at) == 1
    [message] = smtp_inbox.messages
    assert message["To"] == "aisha@client.test" and "/invitations/" in smtp_inbox.body()
    assert not OutgoingMail.objects.exists()  # nothing of it kept once sent
    assert b'id="unsent-mail"' not in signed_in(cast.owner).get("/dashboard/").content


def test_a_second_failure_waits_twice_as_long(
    cast: Cast, mail_server_down: None, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _invite(cast, django_capture_on_commit_callbacks)
    first = OutgoingMail.objects.get()
    assert mail_retry_due(now=first.next_attempt_at) == 0
    second = OutgoingMail.objects.get()
    assert second.attempts == 2 and second.next_attempt_at == first.next_attempt_at + dt.timedelta(minutes=2)


def test_mail_the_server_accepts_at_once_leaves_nothing_behind(
    cast: Cast, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    assert _invite(cast, django_capture_on_commit_callbacks) == 302
    assert len(mail.outbox) == 1 and not OutgoingMail.objects.exists()
