"""The guards of token issue, authentication and revocation, each with a test that fails when it is broken."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.practices.models import Member
from confide.practices.permissions import Permission, Role
from confide.practices.services import member_set_role
from confide.tokens.models import AccessToken
from confide.tokens.services import token_authenticate, token_create, token_list, token_revoke, token_scopes_for
from tests.cast import Cast

READ = Permission.CLIENTS_CLIENT_READ.value
CREATE = Permission.CLIENTS_CLIENT_CREATE.value


def _issue(member: Member, *, scopes: list[str] | None = None, days: int | None = 30) -> tuple[AccessToken, str]:
    return token_create(actor=member, name="integration", scopes=scopes or [READ], days=days, channel=Channel.CLI)


def _parts(plaintext: str) -> tuple[str, str, str]:
    prefix, ident, secret = plaintext.split("_", 2)
    return prefix, ident, secret


def _invalid_fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


# --- authentication ---------------------------------------------------------------------------------------------


def test_a_freshly_issued_token_authenticates_as_its_member(cast: Cast) -> None:
    token, plaintext = _issue(cast.clinician)
    found = token_authenticate(presented=plaintext)
    assert found == token
    assert found is not None and found.member == cast.clinician


def test_an_authenticated_token_comes_with_its_member_user_and_practice_loaded(
    cast: Cast, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _, plaintext = _issue(cast.clinician)
    with django_assert_num_queries(2):  # the token with its member, user and practice; the last-used stamp
        found = token_authenticate(presented=plaintext)
        assert found is not None
        assert (found.member.user.address, found.member.practice.name) == ("chris@harbor.test", "Harbor Therapy")


def test_the_plaintext_names_the_token_id_after_the_cfd_prefix(cast: Cast) -> None:
    token, plaintext = _issue(cast.clinician)
    prefix, ident, secret = _parts(plaintext)
    assert (prefix, ident) == ("cfd", token.id.hex)
    assert len(secret) >= 43  # 32 random bytes, URL-safe base64


def test_each_token_gets_its_own_secret(cast: Cast) -> None:
    _, first = _issue(cast.clinician)
    _, second = _issue(cast.clinician)
    assert _parts(first)[2] != _parts(second)[2]


def test_a_valid_token_id_with_a_wrong_secret_is_refused(cast: Cast) -> None:
    token, plaintext = _issue(cast.clinician)
    prefix, ident, secret = _parts(plaintext)
    flipped = ("A" if secret[0] != "A" else "B") + secret[1:]
    assert token_authenticate(presented=f"{prefix}_{ident}_{flipped}") is None
    assert token_authenticate(presented=f"{prefix}_{ident}_") is None
    assert token_authenticate(presented=f"{prefix}_{ident}") is None


def test_a_token_id_with_the_secret_of_another_token_is_refused(cast: Cast) -> None:
    _, mine = _issue(cast.clinician)
    _, theirs = _issue(cast.cotherapist)
    assert token_authenticate(presented=f"cfd_{_parts(mine)[1]}_{_parts(theirs)[2]}") is None


def test_a_refused_secret_does_not_mark_the_token_used(cast: Cast) -> None:
    token, plaintext = _issue(cast.clinician)
    token_authenticate(presented=plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B"))
    token.refresh_from_db()
    assert token.last_used_at is None


@pytest.mark.parametrize("prefix", ["tok_", "CFD_", "cfd-", ""])
def test_a_token_without_the_cfd_prefix_is_refused(cast: Cast, prefix: str) -> None:
    _, plaintext = _issue(cast.clinician)
    assert token_authenticate(presented=prefix + plaintext.removeprefix("cfd_")) is None


@pytest.mark.parametrize("ident", ["not-a-uuid", "", "1 OR 1=1", "0" * 33])
def test_a_malformed_token_id_is_refused_without_an_error(cast: Cast, ident: str) -> None:
    _, plaintext = _issue(cast.clinician)
    assert token_authenticate(presented=f"cfd_{ident}_{_parts(plaintext)[2]}") is None


def test_an_unknown_token_id_is_refused(cast: Cast) -> None:
    _, plaintext = _issue(cast.clinician)
    assert token_authenticate(presented=f"cfd_{uuid.uuid4().hex}_{_parts(plaintext)[2]}") is None


def test_a_revoked_token_is_refused(cast: Cast) -> None:
    token, plaintext = _issue(cast.clinician)
    token_revoke(actor=cast.clinician, token_id=token.id, channel=Channel.CLI)
    assert token_authenticate(presented=plaintext) is None


def test_an_expired_token_is_refused(cast: Cast) -> None:
    token, plaintext = _issue(cast.clinician, days=1)
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert token_authenticate(presented=plaintext) is None


def test_a_deactivated_members_token_is_refused(cast: Cast) -> None:
    _, plaintext = _issue(cast.clinician)
    member_set_role(actor=cast.owner, member=cast.clinician, role=None, channel=Channel.CLI)
    assert token_authenticate(presented=plaintext) is None


def test_a_deactivated_users_token_is_refused(cast: Cast) -> None:
    # Drew's member row is still active; only his user account was switched off.
    assert cast.departed.is_active and not cast.departed.user.is_active
    assert token_authenticate(presented=cast.departed_token) is None


def test_using_a_token_records_when_it_was_last_used(cast: Cast) -> None:
    token, plaintext = _issue(cast.clinician)
    other, _ = _issue(cast.clinician)
    before = timezone.now()
    token_authenticate(presented=plaintext)
    token.refresh_from_db()
    other.refresh_from_db()
    assert token.last_used_at is not None and before <= token.last_used_at <= timezone.now()
    assert other.last_used_at is None


# --- issue --------------------------------------------------------------------------------------------------------


def test_the_scopes_on_offer_are_the_api_scopes_of_the_role(cast: Cast) -> None:
    assert token_scopes_for(member=cast.clinician) == [Permission.CLIENTS_CLIENT_READ, Permission.CLIENTS_CLIENT_CREATE]
    assert token_scopes_for(member=cast.owner) == [Permission.CLIENTS_CLIENT_READ, Permission.CLIENTS_CLIENT_CREATE]
    assert token_scopes_for(member=cast.supervisor) == [Permission.CLIENTS_CLIENT_READ]
    assert token_scopes_for(member=cast.staff) == []


@pytest.mark.parametrize(
    ("role", "scopes"),
    [
        ("supervisor", [CREATE]),
        ("supervisor", [READ, CREATE]),
        ("clinician", [Permission.PRACTICE_MEMBER_MANAGE.value]),
        ("clinician", [Permission.RECORDS_NOTE_READ.value]),
        ("owner", [Permission.PRACTICE_MEMBER_MANAGE.value]),  # the role has it, but it is no API scope
        ("owner", [Permission.API_TOKEN_MANAGE.value]),
        ("clinician", ["*"]),
        ("clinician", []),
    ],
)
def test_a_token_cannot_get_scopes_beyond_the_members_role(cast: Cast, role: str, scopes: list[str]) -> None:
    actor = {"supervisor": cast.supervisor, "clinician": cast.clinician, "owner": cast.owner}[role]
    with pytest.raises(ValidationError, match="scopes") as exc:
        token_create(actor=actor, name="too much", scopes=scopes, days=30, channel=Channel.CLI)
    assert _invalid_fields(exc) == {"scopes"}
    assert not AccessToken.objects.filter(member=actor).exists()


@pytest.mark.parametrize("who", ["staff", "demoted", "client_member"])
def test_a_member_whose_role_may_not_manage_tokens_gets_404(cast: Cast, who: str) -> None:
    actor: Member = getattr(cast, who)
    with pytest.raises(Http404):
        token_create(actor=actor, name="t", scopes=[READ], days=30, channel=Channel.CLI)
    assert not AccessToken.objects.filter(member=actor).exists()


def test_a_deactivated_member_cannot_issue_a_token(cast: Cast) -> None:
    member_set_role(actor=cast.owner, member=cast.clinician, role=None, channel=Channel.CLI)
    cast.clinician.refresh_from_db()
    with pytest.raises(Http404):
        _issue(cast.clinician)
    assert not AccessToken.objects.filter(member=cast.clinician).exists()


@pytest.mark.parametrize("days", [0, 367, -1])
def test_an_expiry_outside_1_to_366_days_is_refused(cast: Cast, days: int) -> None:
    with pytest.raises(ValidationError, match="days") as exc:
        _issue(cast.clinician, days=days)
    assert _invalid_fields(exc) == {"days"}
    assert not AccessToken.objects.filter(member=cast.clinician).exists()


@pytest.mark.parametrize("days", [1, 366])
def test_an_expiry_of_1_or_366_days_is_accepted_and_set(cast: Cast, days: int) -> None:
    before = timezone.now()
    token, plaintext = _issue(cast.clinician, days=days)
    assert token.expires_at is not None
    assert before + timedelta(days=days) <= token.expires_at <= timezone.now() + timedelta(days=days)
    assert token_authenticate(presented=plaintext) == token


def test_a_token_without_expiry_never_expires(cast: Cast) -> None:
    token, _ = _issue(cast.clinician, days=None)
    token.refresh_from_db()
    assert token.expires_at is None


@pytest.mark.parametrize("name", ["", "   ", "x" * 81, " " + "x" * 81])
def test_a_name_outside_1_to_80_characters_is_refused(cast: Cast, name: str) -> None:
    with pytest.raises(ValidationError, match="name") as exc:
        token_create(actor=cast.clinician, name=name, scopes=[READ], days=30, channel=Channel.CLI)
    assert _invalid_fields(exc) == {"name"}
    assert not AccessToken.objects.filter(member=cast.clinician).exists()


@pytest.mark.parametrize(("name", "stored"), [("x", "x"), ("y" * 80, "y" * 80), ("  " + "z" * 80 + "  ", "z" * 80)])
def test_a_name_of_1_to_80_characters_after_stripping_is_accepted(cast: Cast, name: str, stored: str) -> None:
    token, _ = token_create(actor=cast.clinician, name=name, scopes=[READ], days=30, channel=Channel.CLI)
    token.refresh_from_db()
    assert token.name == stored


def test_every_invalid_field_is_reported_at_once_saying_what_is_allowed(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="name") as exc:
        token_create(actor=cast.supervisor, name=" ", scopes=[CREATE], days=0, channel=Channel.CLI)
    messages = {field: " ".join(texts) for field, texts in exc.value.message_dict.items()}
    assert set(messages) == {"name", "scopes", "days"}
    assert "80" in messages["name"] and "366" in messages["days"] and "scope" in messages["scopes"].lower()


def test_a_token_belongs_to_its_member_and_practice_with_its_scopes_once_each(cast: Cast) -> None:
    token, _ = _issue(cast.clinician, scopes=[READ, CREATE, READ])
    token.refresh_from_db()
    assert (token.member, token.practice_id) == (cast.clinician, cast.clinician.practice_id)
    assert token.scopes == sorted([CREATE, READ])
    assert token.revoked_at is None and token.last_used_at is None


def test_issuing_a_token_is_audited_with_its_actor_and_id(cast: Cast) -> None:
    token, _ = token_create(actor=cast.clinician, name="t", scopes=[READ], days=30, channel=Channel.WEB)
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_CREATE, actor=cast.clinician)
    assert (event.practice_id, event.channel) == (cast.clinician.practice_id, Channel.WEB)
    assert (event.object_type, event.object_id) == ("token", str(token.id))


def test_token_list_shows_only_the_members_tokens_newest_first(cast: Cast) -> None:
    first, _ = _issue(cast.clinician)
    second, _ = _issue(cast.clinician)
    AccessToken.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=1))
    _issue(cast.cotherapist)
    assert list(token_list(member=cast.clinician)) == [second, first]


# --- revocation ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "cotherapist", "outsider"])
def test_only_its_own_member_can_revoke_a_token(cast: Cast, who: str) -> None:
    token, plaintext = _issue(cast.clinician)
    actor: Member = getattr(cast, who)
    with pytest.raises(Http404):
        token_revoke(actor=actor, token_id=token.id, channel=Channel.CLI)
    token.refresh_from_db()
    assert token.revoked_at is None
    assert token_authenticate(presented=plaintext) == token
    assert not AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKE).exists()


@pytest.mark.parametrize("token_id", ["not-a-uuid", "5f0c2a8e-9a43-4d7e-b1a2-3c4d5e6f7a8b"])
def test_revoking_an_unknown_or_malformed_id_is_404_and_revokes_nothing(cast: Cast, token_id: str) -> None:
    token, plaintext = _issue(cast.clinician)  # the member's only token: a wrong id must not reach it
    with pytest.raises(Http404):
        token_revoke(actor=cast.clinician, token_id=token_id, channel=Channel.CLI)
    token.refresh_from_db()
    assert token.revoked_at is None
    assert token_authenticate(presented=plaintext) == token


def test_a_revoked_token_cannot_be_revoked_again(cast: Cast) -> None:
    token, _ = _issue(cast.clinician)
    token_revoke(actor=cast.clinician, token_id=token.id, channel=Channel.CLI)
    token.refresh_from_db()
    revoked_at = token.revoked_at
    with pytest.raises(Http404):
        token_revoke(actor=cast.clinician, token_id=token.id, channel=Channel.CLI)
    token.refresh_from_db()
    assert token.revoked_at == revoked_at
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKE).count() == 1


def test_revoking_a_token_is_recorded_and_audited_with_its_actor_and_id(cast: Cast) -> None:
    token, _ = _issue(cast.clinician)
    before = timezone.now()
    token_revoke(actor=cast.clinician, token_id=str(token.id), channel=Channel.WEB)
    token.refresh_from_db()
    assert token.revoked_at is not None and before <= token.revoked_at <= timezone.now()
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKE)
    assert (event.actor, event.channel) == (cast.clinician, Channel.WEB)
    assert (event.object_type, event.object_id) == ("token", str(token.id))


def test_a_supervisor_may_issue_a_read_token(cast: Cast) -> None:
    token, plaintext = _issue(cast.supervisor, scopes=[READ])
    assert token_authenticate(presented=plaintext) == token


def test_a_role_lowered_after_issue_keeps_authenticating_but_loses_the_grant(cast: Cast) -> None:
    # Authentication still succeeds; the per-endpoint check (confide.api.auth) refuses the scope.
    token, plaintext = _issue(cast.cotherapist, scopes=[READ, CREATE])
    member_set_role(actor=cast.owner, member=cast.cotherapist, role=Role.STAFF, channel=Channel.CLI)
    found = token_authenticate(presented=plaintext)
    assert found == token
    assert found is not None and not found.member.has(Permission.CLIENTS_CLIENT_READ)
