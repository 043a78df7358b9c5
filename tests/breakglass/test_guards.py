"""Break-glass guards: each test fails when the guard it names is broken."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import Http404
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.breakglass.models import Grant
from confide.breakglass.services import breakglass_open, breakglass_review, grant_active, reviews_open
from confide.clients.models import Client
from confide.clients.selectors import client_get_for_member
from confide.outbox.models import OutgoingMail
from confide.practices.models import Member
from confide.practices.permissions import Permission, Role
from confide.practices.services import member_set_role
from tests.cast import Cast
from tests.conftest import Inbox

REASON = "Client called in crisis; their clinician is on leave and I need the safety plan."
JORDAN = "C-00001"  # Jordan's number in Harbor
AISHA = "C-00002"  # Aisha's number in Harbor; Elsewhere has only C-00001


def _open(member: Member, number: str = JORDAN, reason: str = REASON) -> Grant:
    client = breakglass_open(member=member, client_number=number, reason=reason, channel=Channel.WEB)
    return Grant.objects.get(member=member, client=client)


def _can_read(member: Member, client: Client) -> bool:
    try:
        client_get_for_member(member=member, client_id=client.id, channel=Channel.WEB)
    except Http404:
        return False
    return True


def _review(actor: Member, grant: Grant, *, justified: bool = True, note: str = "Safety plan was needed.") -> None:
    breakglass_review(actor=actor, grant_id=grant.id, justified=justified, note=note, channel=Channel.WEB)


def test_a_reason_of_twenty_characters_is_enough(cast: Cast, smtp_inbox: Inbox) -> None:
    _open(cast.colleague, reason="x" * 20)
    assert _can_read(cast.colleague, cast.client)


def test_a_reason_under_twenty_characters_is_refused(cast: Cast, smtp_inbox: Inbox) -> None:
    with pytest.raises(ValidationError, match=r"'reason': \['State the emergency"):
        _open(cast.colleague, reason="x" * 19)
    assert not Grant.objects.exists() and smtp_inbox.messages == []


def test_spaces_do_not_count_towards_the_reason(cast: Cast, smtp_inbox: Inbox) -> None:
    with pytest.raises(ValidationError, match=r"'reason': \['State the emergency"):
        _open(cast.colleague, reason=" " * 10 + "x" * 19 + " " * 10)
    assert not Grant.objects.exists()


def test_the_reason_is_kept_sealed_as_written(cast: Cast, smtp_inbox: Inbox) -> None:
    grant = _open(cast.colleague, reason=f"  {REASON}  ")
    assert b"crisis" not in bytes(grant.reason_ct)
    assert grant.open("reason", key=cast.client.data_key()) == REASON


def test_the_grant_lasts_exactly_one_hour(cast: Cast, smtp_inbox: Inbox) -> None:
    before = timezone.now()
    grant = _open(cast.colleague)
    assert before <= grant.opened_at <= timezone.now()
    assert grant.expires_at - grant.opened_at == dt.timedelta(hours=1)


def test_a_grant_is_over_at_its_expiry_instant(cast: Cast, smtp_inbox: Inbox) -> None:
    grant = _open(cast.colleague)
    tick = dt.timedelta(microseconds=1)
    assert grant_active(member=cast.colleague, client_id=cast.client.id, now=grant.expires_at - tick) == grant
    assert grant_active(member=cast.colleague, client_id=cast.client.id, now=grant.expires_at) is None


def test_an_expired_grant_opens_nothing(cast: Cast, smtp_inbox: Inbox) -> None:
    grant = _open(cast.colleague)
    Grant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))  # the clock moved
    assert not _can_read(cast.colleague, cast.client)


def test_the_grant_is_read_only(cast: Cast, smtp_inbox: Inbox) -> None:
    _open(cast.colleague)
    for permission in (Permission.RECORDS_NOTE_WRITE, Permission.RECORDS_DOCUMENT_WRITE, Permission.MEASURES_WRITE):
        with pytest.raises(Http404):
            client_get_for_member(
                member=cast.colleague, client_id=cast.client.id, permission=permission, channel=Channel.WEB
            )


def test_a_grant_opens_the_record_only_for_the_member_who_broke_the_glass(cast: Cast, smtp_inbox: Inbox) -> None:
    _open(cast.colleague)
    other = _open(cast.supervisor, number=AISHA)  # Sam is not on Aisha's team
    assert grant_active(member=cast.supervisor, client_id=cast.client.id) is None
    assert grant_active(member=cast.colleague, client_id=cast.other_client.id) is None
    assert grant_active(member=cast.supervisor, client_id=cast.other_client.id) == other


def test_the_client_number_may_be_typed_with_spaces_and_any_case(cast: Cast, smtp_inbox: Inbox) -> None:
    client = breakglass_open(member=cast.colleague, client_number="  c-00001 ", reason=REASON, channel=Channel.WEB)
    assert client.id == cast.client.id


@pytest.mark.parametrize("role", ["staff", "demoted", "client_member"])
def test_members_without_the_duty_cannot_break_the_glass(cast: Cast, smtp_inbox: Inbox, role: str) -> None:
    member: Member = getattr(cast, role)
    with pytest.raises(Http404):
        _open(member)
    assert not Grant.objects.exists() and smtp_inbox.messages == []
    assert not _can_read(member, cast.client)


@pytest.mark.parametrize(("role", "number"), [("colleague", JORDAN), ("supervisor", AISHA), ("owner", JORDAN)])
def test_clinical_roles_off_the_team_may_break_the_glass(cast: Cast, smtp_inbox: Inbox, role: str, number: str) -> None:
    member: Member = getattr(cast, role)
    client = cast.client if number == JORDAN else cast.other_client
    assert not _can_read(member, client)
    _open(member, number=number)
    assert _can_read(member, client)


def test_an_unknown_number_is_refused(cast: Cast, smtp_inbox: Inbox) -> None:
    with pytest.raises(ValidationError, match=r"'client_number': \['No client"):
        _open(cast.colleague, number="C-99999")
    assert not Grant.objects.exists() and smtp_inbox.messages == []


def test_a_client_of_another_practice_is_refused(cast: Cast, smtp_inbox: Inbox) -> None:
    with pytest.raises(ValidationError, match=r"'client_number': \['No client"):
        _open(cast.outsider, number=AISHA)  # Aisha's number exists in Harbor only
    assert not Grant.objects.exists()


def test_the_number_finds_the_client_of_ones_own_practice(cast: Cast, smtp_inbox: Inbox) -> None:
    client = breakglass_open(member=cast.outsider, client_number=JORDAN, reason=REASON, channel=Channel.WEB)
    assert client.id == cast.outsider_client.id  # both practices number from C-00001


def test_a_short_reason_and_a_wrong_number_are_both_reported(cast: Cast, smtp_inbox: Inbox) -> None:
    with pytest.raises(ValidationError, match="reason.*client_number") as caught:
        _open(cast.colleague, number="C-99999", reason="help")
    assert set(caught.value.message_dict) == {"reason", "client_number"}


def test_every_active_owner_is_alerted_and_no_former_one(cast: Cast, smtp_inbox: Inbox) -> None:
    member_set_role(actor=cast.owner, member=cast.staff, role=Role.OWNER, channel=Channel.CLI)
    member_set_role(actor=cast.owner, member=cast.demoted, role=Role.OWNER, channel=Channel.CLI)
    member_set_role(actor=cast.owner, member=cast.demoted, role=None, channel=Channel.CLI)  # Dana has left
    _open(cast.colleague)
    assert {str(message["To"]) for message in smtp_inbox.messages} == {"olivia@harbor.test", "stacy@harbor.test"}
    assert {str(message["Subject"]) for message in smtp_inbox.messages} == {"Emergency access opened in your practice"}


def test_with_the_mail_server_down_the_access_is_kept_with_its_alerts_which_wait(
    cast: Cast, mail_server_down: None
) -> None:
    """An emergency is not refused because mail is down: the alerts are kept with the access, in its
    transaction (no alert, no access), and go out when the server is back (tests/outbox)."""
    grant = _open(cast.colleague)
    assert AuditEvent.objects.filter(action=AuditAction.BREAKGLASS_OPEN, object_id=str(grant.id)).exists()
    waiting = OutgoingMail.objects.filter(kind=OutgoingMail.Kind.BREAKGLASS_ALERT)
    assert waiting.count() == 1 and waiting.get().attempts == 1  # one owner in the cast


def test_an_access_whose_alert_cannot_be_kept_does_not_happen(cast: Cast, smtp_inbox: Inbox) -> None:
    with (
        mock.patch.object(OutgoingMail.objects, "create", side_effect=DatabaseError("outbox down")),
        pytest.raises(DatabaseError, match="outbox down"),
    ):
        _open(cast.colleague)
    assert not Grant.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.BREAKGLASS_OPEN).exists()
    assert not _can_read(cast.colleague, cast.client)


def test_the_opening_is_in_the_audit_trail_of_the_client(cast: Cast, smtp_inbox: Inbox) -> None:
    grant = _open(cast.colleague)
    [event] = AuditEvent.objects.filter(action=AuditAction.BREAKGLASS_OPEN)
    assert (event.actor_id, event.client_id, event.channel) == (cast.colleague.id, cast.client.id, Channel.WEB)
    assert (event.object_type, event.object_id, event.purpose) == ("break-glass", str(grant.id), "emergency access")


def test_only_an_owner_sees_the_review_queue(cast: Cast, smtp_inbox: Inbox) -> None:
    grant = _open(cast.colleague)
    assert reviews_open(actor=cast.owner) == [grant]
    for member in (cast.clinician, cast.colleague, cast.supervisor, cast.staff):
        with pytest.raises(Http404):
            reviews_open(actor=member)


def test_the_review_queue_shows_only_the_practices_own_grants(cast: Cast, smtp_inbox: Inbox) -> None:
    first = _open(cast.colleague)
    second = _open(cast.supervisor, number=AISHA)
    _open(cast.outsider)
    assert reviews_open(actor=cast.owner) == [first, second]  # oldest first
    assert [g.member_id for g in reviews_open(actor=cast.outsider)] == [cast.outsider.id]


@pytest.mark.parametrize("role", ["clinician", "colleague", "supervisor", "staff"])
def test_only_an_owner_reviews(cast: Cast, smtp_inbox: Inbox, role: str) -> None:
    grant = _open(cast.colleague)
    with pytest.raises(Http404):
        _review(getattr(cast, role), grant)
    grant.refresh_from_db()
    assert grant.reviewed_at is None and _can_read(cast.colleague, cast.client)


def test_an_owner_of_another_practice_cannot_review(cast: Cast, smtp_inbox: Inbox) -> None:
    grant = _open(cast.colleague)
    with pytest.raises(Http404):
        _review(cast.outsider, grant)
    grant.refresh_from_db()
    assert grant.reviewed_at is None and _can_read(cast.colleague, cast.client)


def test_a_review_needs_reasons(cast: Cast, smtp_inbox: Inbox) -> None:
    grant = _open(cast.colleague)
    with pytest.raises(ValidationError, match=r"'note': \['Record the reasons"):
        _review(cast.owner, grant, note="  \n ")
    grant.refresh_from_db()
    assert grant.reviewed_at is None


@pytest.mark.parametrize(("justified", "decision"), [(True, "justified"), (False, "not_justified")])
def test_the_review_records_who_decided_what_and_why(
    cast: Cast, smtp_inbox: Inbox, justified: bool, decision: str
) -> None:
    grant = _open(cast.colleague)
    _review(cast.owner, grant, justified=justified, note="  Safety plan was needed.  ")
    grant.refresh_from_db()
    assert (grant.reviewed_by_id, grant.decision) == (cast.owner.id, decision)
    assert grant.reviewed_at is not None and grant.expires_at == grant.reviewed_at
    assert grant.open("review_note", key=cast.client.data_key()) == "Safety plan was needed."
    [event] = AuditEvent.objects.filter(action=AuditAction.BREAKGLASS_REVIEW)
    assert (event.actor_id, event.client_id, event.channel, event.object_type, event.object_id, event.purpose) == (
        cast.owner.id,
        cast.client.id,
        Channel.WEB,
        "break-glass",
        str(grant.id),
        decision,
    )


def test_the_review_ends_the_access(cast: Cast, smtp_inbox: Inbox) -> None:
    grant = _open(cast.colleague)
    _review(cast.owner, grant)
    assert not _can_read(cast.colleague, cast.client)
    assert reviews_open(actor=cast.owner) == []


def test_a_review_does_not_lengthen_an_expired_grant(cast: Cast, smtp_inbox: Inbox) -> None:
    grant = _open(cast.colleague)
    ended = timezone.now() - dt.timedelta(minutes=5)
    Grant.objects.filter(pk=grant.pk).update(expires_at=ended)  # the hour passed before the owner looked
    _review(cast.owner, grant)
    grant.refresh_from_db()
    assert grant.expires_at == ended


def test_a_grant_is_reviewed_once(cast: Cast, smtp_inbox: Inbox) -> None:
    grant = _open(cast.colleague)
    _review(cast.owner, grant, justified=True)
    with pytest.raises(Http404):
        _review(cast.owner, grant, justified=False)
    grant.refresh_from_db()
    assert grant.decision == Grant.Decision.JUSTIFIED


def test_a_review_decides_the_grant_it_names_and_no_other_open_one(cast: Cast, smtp_inbox: Inbox) -> None:
    first, second = _open(cast.colleague), _open(cast.supervisor, AISHA)
    _review(cast.owner, second, justified=False)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.reviewed_at, second.decision) == (None, Grant.Decision.NOT_JUSTIFIED)


def test_a_malformed_grant_id_is_not_found(cast: Cast, smtp_inbox: Inbox) -> None:
    with pytest.raises(Http404):
        breakglass_review(actor=cast.owner, grant_id="not-a-uuid", justified=True, note="x", channel=Channel.WEB)
