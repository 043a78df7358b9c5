"""Psychotherapy notes: only their author reads them, through password or recovery key."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient

from confide.audit.actions import Channel
from confide.records.author_keys import author_key_current, author_key_reset, author_key_unlock
from confide.records.models import PsychotherapyNote
from confide.records.private_notes import private_note_create, private_notes_for
from tests.cast import PASSWORD, Cast

SECRET = "Client disclosed canary-private-content"


def _note(cast: Cast) -> PsychotherapyNote:
    return private_note_create(actor=cast.clinician, client=cast.client, body=SECRET, channel=Channel.CLI)


def _read(cast: Cast, private: bytes | None) -> list[str | None]:
    key = author_key_current(member=cast.clinician)
    return [
        n.body
        for n in private_notes_for(
            actor=cast.clinician, client=cast.client, key=key, private=private, channel=Channel.CLI
        )
    ]


def test_the_author_reads_with_the_password(cast: Cast) -> None:
    _note(cast)
    assert _read(cast, author_key_unlock(member=cast.clinician, password=PASSWORD, channel=Channel.CLI)) == [SECRET]


def test_a_locked_note_shows_no_body(cast: Cast) -> None:
    _note(cast)
    assert _read(cast, None) == [None]


def test_a_wrong_password_does_not_unlock(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="not your current password"):
        author_key_unlock(member=cast.clinician, password="wrong password!", channel=Channel.CLI)


def test_after_a_password_reset_the_old_wrap_asks_for_the_recovery_key(cast: Cast) -> None:
    _note(cast)
    cast.clinician.user.set_password("a brand new passphrase")
    cast.clinician.user.save()
    with pytest.raises(ValidationError, match="recovery key"):
        author_key_unlock(member=cast.clinician, password="a brand new passphrase", channel=Channel.CLI)
    private = author_key_unlock(
        member=cast.clinician, password="a brand new passphrase", recovery_key=cast.recovery_key, channel=Channel.CLI
    )
    assert _read(cast, private) == [SECRET]
    # The recovery rewrapped the key under the new password, which now works alone.
    assert _read(
        cast, author_key_unlock(member=cast.clinician, password="a brand new passphrase", channel=Channel.CLI)
    ) == [SECRET]


def test_a_wrong_recovery_key_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="does not unlock"):
        author_key_unlock(member=cast.clinician, recovery_key="AAAA-" * 12 + "AAAA", channel=Channel.CLI)


def test_a_reset_without_the_recovery_key_makes_old_notes_unreadable(cast: Cast) -> None:
    _note(cast)
    enrolment = author_key_reset(member=cast.clinician, password=PASSWORD, channel=Channel.CLI)
    assert _read(cast, enrolment.private) == [None]


def test_changing_the_password_keeps_access(cast: Cast) -> None:
    _note(cast)
    http = HttpClient()
    http.force_login(cast.clinician.user)
    response = http.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "another long passphrase", "password2": "another long passphrase"},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert response["Location"] != "/accounts/reauthenticate/", response["Location"]
    cast.clinician.user.refresh_from_db()
    private = author_key_unlock(member=cast.clinician, password="another long passphrase", channel=Channel.CLI)
    assert _read(cast, private) == [SECRET]


def test_nobody_else_sees_the_notes_page(cast: Cast) -> None:
    _note(cast)
    for member in (cast.supervisor, cast.owner, cast.colleague):
        http = HttpClient()
        http.force_login(member.user)
        response = http.get(f"/clients/{cast.client.id}/private-notes/")
        assert response.status_code == 404
        assert SECRET not in response.content.decode()


def test_the_unlock_survives_requests_only_with_the_cookie(cast: Cast) -> None:
    _note(cast)
    http = HttpClient()
    http.force_login(cast.clinician.user)
    http.post("/account/private-notes/unlock/", {"password": PASSWORD, "next": "/dashboard/"})
    assert SECRET in http.get(f"/clients/{cast.client.id}/private-notes/").content.decode()
    del http.cookies["confide_pn"]
    assert SECRET not in http.get(f"/clients/{cast.client.id}/private-notes/").content.decode()


def test_a_passkey_only_clinician_enrols_and_unlocks_with_the_recovery_key(cast: Cast) -> None:
    from confide.records.author_keys import author_key_enrol

    user = cast.colleague.user
    user.set_unusable_password()
    user.save()
    enrolment = author_key_enrol(member=cast.colleague, password="", channel=Channel.CLI)
    assert enrolment.key.wrap_password is None
    with pytest.raises(ValidationError, match="recovery key"):
        author_key_unlock(member=cast.colleague, password="", channel=Channel.CLI)
    assert (
        author_key_unlock(member=cast.colleague, recovery_key=enrolment.recovery_key, channel=Channel.CLI)
        == enrolment.private
    )
