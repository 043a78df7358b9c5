"""The disclosure workflow's guards: who may prepare, decide and release, in what order, and what each step records.

Each test breaks when the guard it names is removed or loosened in ``confide.disclosures.services``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

import pyrage
import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.consent.selectors import resolution_for
from confide.disclosures.models import AccountingEntry, DeadlineTask, DisclosureRequest, Notice, Suspension
from confide.disclosures.sealing import notices_send
from confide.disclosures.services import (
    Correction,
    accounting_correct,
    accounting_suspend,
    disclosure_decide,
    disclosure_release,
    requirements_for,
    situations_for,
    summary_of,
)
from confide.practices.models import Member
from confide.practices.permissions import Role
from confide.practices.services import member_set_role
from confide.records.private_notes import private_note_create
from tests.cast import Cast
from tests.conftest import Inbox
from tests.disclosures.helpers import IDENTITY, RECIPIENT, approve, prepare, release, released

NOTE = "Consulted: the threat is credible."
STATEMENT = "Det. Canary, Harbor PD, in writing: an investigation is ongoing."


def _events(action: AuditAction) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def _decide(member: Member, request: DisclosureRequest, *, approve: bool = True, note: str = NOTE) -> None:
    disclosure_decide(member=member, request=request, approve=approve, note=note, channel=Channel.WEB)


def _records(package: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(pyrage.decrypt(package, [IDENTITY]))).read("records.txt").decode()


def _today(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _entry(cast: Cast, **overrides: Any) -> AccountingEntry:
    return AccountingEntry.objects.get(request=released(cast, **overrides))


@pytest.mark.parametrize("who", ["outsider", "staff", "client_member"])
def test_a_disclosure_is_404_outside_its_author_and_the_practices_approvers(cast: Cast, who: str) -> None:
    from confide.disclosures.selectors import request_for_member

    request = prepare(cast)
    with pytest.raises(Http404):
        request_for_member(member=getattr(cast, who), request_id=request.id)
    assert request_for_member(member=cast.colleague, request_id=request.id) == request  # consultation


# Release: the author alone, and only an approved disclosure, once.


@pytest.mark.parametrize("who", ["supervisor", "owner", "colleague", "cotherapist"])
def test_no_one_but_the_author_can_release_a_disclosure(cast: Cast, who: str) -> None:
    request = prepare(cast)
    approve(cast, request)  # the supervisor approves: approving is not releasing
    with pytest.raises(Http404):
        release(cast, request, by=getattr(cast, who))
    request.refresh_from_db()
    assert request.state == DisclosureRequest.State.APPROVED
    assert request.released_at is None and request.package_sha256 == ""
    assert not AccountingEntry.objects.exists() and not DeadlineTask.objects.exists()
    assert _events(AuditAction.DISCLOSURE_RELEASE) == [] and _events(AuditAction.NOTE_READ) == []


def test_an_author_whose_role_was_lowered_can_no_longer_release(cast: Cast) -> None:
    request = prepare(cast, by=cast.cotherapist)
    approve(cast, request)
    member_set_role(actor=cast.owner, member=cast.cotherapist, role=Role.STAFF, channel=Channel.CLI)
    cast.cotherapist.refresh_from_db()
    with pytest.raises(Http404):
        release(cast, request, by=cast.cotherapist)
    request.refresh_from_db()
    assert request.state == DisclosureRequest.State.APPROVED and not AccountingEntry.objects.exists()


def test_a_released_disclosure_cannot_be_released_again(cast: Cast) -> None:
    request = released(cast)
    with pytest.raises(ValidationError, match="Only an approved") as caught:
        release(cast, request)
    assert set(caught.value.message_dict) == {"release"}
    assert AccountingEntry.objects.count() == 1 and len(_events(AuditAction.DISCLOSURE_RELEASE)) == 1
    assert DisclosureRequest.objects.get(pk=request.pk).package_sha256 == request.package_sha256


def test_private_notes_must_be_unlocked_before_release(cast: Cast) -> None:
    note = private_note_create(actor=cast.clinician, client=cast.client, body="canary private", channel=Channel.CLI)
    request = prepare(cast, items=["identity", f"private:{note.id}"])
    approve(cast, request)
    with pytest.raises(ValidationError, match="Unlock your private notes") as caught:
        release(cast, request)
    assert set(caught.value.message_dict) == {"release"}
    assert DisclosureRequest.objects.get(pk=request.pk).state == DisclosureRequest.State.APPROVED
    package = release(cast, request, private_bodies={str(note.id): "canary private"})
    assert "canary private" in _records(package)
    entry = AccountingEntry.objects.get(request=request)
    assert entry.psychotherapy_notes_included
    assert entry.open("description", key=cast.client.data_key()).endswith("(yours)")
    [identity, private] = summary_of(request=DisclosureRequest.objects.get(pk=request.pk)).items
    assert identity == "Name, date of birth and client number" and private.endswith("(yours)")


def test_release_accounts_who_decided_who_approved_and_what_went_where(cast: Cast) -> None:
    request = released(cast, notice="delayed", notice_on=_today(10), notice_reason="Telling now endangers the victim.")
    entry = AccountingEntry.objects.get(request=request)
    key = cast.client.data_key()
    assert (entry.decided_by_id, entry.approved_by_id) == (cast.clinician.id, cast.supervisor.id)
    assert entry.practice_id == cast.client.practice_id and entry.client_id == cast.client.id
    assert entry.disclosed_at == request.released_at and entry.basis_rule_id == request.rule_id
    assert entry.pack_refs == request.pack_refs and entry.pack_refs
    assert (entry.notice, entry.notice_on) == (Notice.DELAYED, _today(10))
    assert entry.open("recipient_name", key=key) == "Officer Canary-Police, Harbor PD"
    assert entry.open("recipient_address", key=key) == "1 Canary Street"
    assert entry.open("description", key=key).startswith("Name, date of birth and client number; Progress note of")
    assert entry.open("purpose", key=key).startswith("Warn of a serious threat")
    assert not entry.psychotherapy_notes_included and entry.corrects_id is None
    assert entry.suspended_until is None and entry.suspension_statement_ct is None


def test_an_entry_without_an_address_keeps_none(cast: Cast) -> None:
    entry = _entry(cast, recipient_address="  ")
    assert entry.recipient_address_ct is None


def test_release_logs_the_author_and_the_rule_relied_on(cast: Cast) -> None:
    request = released(cast)
    entry = AccountingEntry.objects.get(request=request)
    [event] = _events(AuditAction.DISCLOSURE_RELEASE)
    assert (event.actor_id, event.channel, event.client_id) == (cast.clinician.id, Channel.WEB, cast.client.id)
    assert (event.object_type, event.object_id) == ("accounting-entry", str(entry.id))
    assert event.purpose == "ca.civ43_92.duty_to_protect"
    assert request.state == DisclosureRequest.State.RELEASED and request.released_at is not None
    [read] = _events(AuditAction.NOTE_READ)  # the note put into the package is a read, by its discloser
    assert (read.actor_id, read.channel, read.object_id) == (cast.clinician.id, Channel.WEB, str(cast.note.id))


def test_an_unaccountable_release_logs_the_disclosure_itself(cast: Cast) -> None:
    request = released(cast, situation="defense_of_provider", items=["identity"])
    assert not AccountingEntry.objects.exists()  # 164.528(a)(1): not accountable, but still in the log
    [event] = _events(AuditAction.DISCLOSURE_RELEASE)
    assert (event.object_type, event.object_id) == ("disclosure", str(request.id))
    assert event.purpose == "us.hipaa.164_508a2.defense_of_provider"


def test_deadlines_belong_to_the_author_and_count_business_days(cast: Cast) -> None:
    request = released(cast, situation="elder_dependent_adult_abuse_report")
    first, written = DeadlineTask.objects.filter(request=request).order_by("due_at")
    expected, days = request.created_at, 2
    while days:
        expected += dt.timedelta(days=1)
        days -= expected.weekday() < 5
    assert first.title == "First report: Elder and dependent adult abuse report"
    assert written.title == "Written report: Elder and dependent adult abuse report"
    assert (first.due_at, written.due_at) == (request.created_at, expected)
    for task in (first, written):
        assert (task.owner_id, task.practice_id, task.done_at) == (cast.clinician.id, cast.client.practice_id, None)


# Notice to the client: at once, on its date, or never, as chosen.


def test_an_immediate_notice_is_marked_and_logged_without_an_actor(cast: Cast, smtp_inbox: Inbox) -> None:
    request = released(cast)
    assert request.notified_at == request.released_at
    [event] = _events(AuditAction.DISCLOSURE_NOTICE)
    assert (event.actor_id, event.practice_id, event.channel) == (None, cast.client.practice_id, Channel.JOB)
    assert (event.client_id, event.object_type, event.object_id) == (cast.client.id, "disclosure", str(request.id))
    assert cast.client_member is not None
    assert [m["To"] for m in smtp_inbox.messages] == [cast.client_member.user.address]


def test_a_withheld_notice_is_never_sent(cast: Cast, smtp_inbox: Inbox) -> None:
    request = released(
        cast, situation="child_abuse_report", notice="withheld", notice_reason="Would endanger the child."
    )
    assert request.notified_at is None
    assert notices_send(now=timezone.now() + dt.timedelta(days=400)) == 0
    assert smtp_inbox.messages == [] and _events(AuditAction.DISCLOSURE_NOTICE) == []


def test_a_delayed_notice_is_not_sent_the_day_before(cast: Cast, smtp_inbox: Inbox) -> None:
    request = released(cast, notice="delayed", notice_on=_today(10), notice_reason="Telling now endangers the victim.")
    assert request.notified_at is None and _events(AuditAction.DISCLOSURE_NOTICE) == []
    day_before = timezone.make_aware(dt.datetime.combine(_today(9), dt.time(12)))
    assert notices_send(now=day_before) == 0
    on_the_day = timezone.make_aware(dt.datetime.combine(_today(10), dt.time(9)))
    assert notices_send(now=on_the_day) == 1
    assert DisclosureRequest.objects.get(pk=request.pk).notified_at == on_the_day
    assert len(smtp_inbox.messages) == 1 and len(_events(AuditAction.DISCLOSURE_NOTICE)) == 1


def test_a_delayed_notice_of_an_unreleased_disclosure_is_not_sent(cast: Cast, smtp_inbox: Inbox) -> None:
    request = prepare(cast, notice="delayed", notice_on=_today(3), notice_reason="Telling now endangers the victim.")
    approve(cast, request)
    assert notices_send(now=timezone.now() + dt.timedelta(days=30)) == 0
    assert smtp_inbox.messages == []


def test_the_daily_job_sends_every_notice_due_by_the_current_clock(
    cast: Cast, smtp_inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    reason = "Telling now endangers the victim."
    first = released(cast, notice="delayed", notice_on=_today(10), notice_reason=reason)
    second = released(cast, notice="delayed", notice_on=_today(9), notice_reason=reason)
    at = timezone.make_aware(dt.datetime.combine(_today(10), dt.time(9)))
    monkeypatch.setattr(timezone, "now", lambda: at)  # the job runs ten days later, without being told the time
    assert notices_send() == 2
    assert [DisclosureRequest.objects.get(pk=r.pk).notified_at for r in (first, second)] == [at, at]
    assert len(smtp_inbox.messages) == 2


# Decisions: a second clinician of the practice, once, with reasons.


def test_a_client_authorized_release_takes_no_decision(cast: Cast) -> None:
    from tests.consent.helpers import grant

    request = prepare(cast, situation=f"authorized:{grant(cast).id}", items=["identity"])
    with pytest.raises(ValidationError, match="This disclosure is not waiting for a decision"):
        _decide(cast.supervisor, request, approve=False, note="The client cannot mean it.")
    request.refresh_from_db()
    assert (request.state, request.decided_by_id) == (DisclosureRequest.State.APPROVED, None)


@pytest.mark.parametrize("first", [True, False])
def test_a_decided_disclosure_cannot_be_decided_again(cast: Cast, first: bool) -> None:
    request = prepare(cast)
    _decide(cast.supervisor, request, approve=first)
    request.refresh_from_db()
    state, decided_at = request.state, request.decided_at
    with pytest.raises(ValidationError, match="This disclosure is not waiting for a decision") as caught:
        _decide(cast.cotherapist, request, approve=not first, note="I see it differently.")
    assert set(caught.value.message_dict) == {"decision"}
    request.refresh_from_db()
    assert (request.state, request.decided_by_id, request.decided_at) == (state, cast.supervisor.id, decided_at)
    assert request.open("review_note", key=cast.client.data_key()).endswith(NOTE)
    assert [e.actor_id for e in _events(AuditAction.DISCLOSURE_DECIDE)] == [cast.supervisor.id]


def test_a_released_disclosure_is_not_decided_after_the_fact(cast: Cast) -> None:
    request = released(cast)
    with pytest.raises(ValidationError, match="This disclosure is not waiting for a decision"):
        _decide(cast.colleague, request, approve=False, note="Too late to object.")
    request.refresh_from_db()
    assert (request.state, request.decided_by_id) == (DisclosureRequest.State.RELEASED, cast.supervisor.id)


def test_an_emergency_is_approved_at_once_and_reviewed_once(cast: Cast) -> None:
    request = prepare(cast, emergency=True)
    assert request.state == DisclosureRequest.State.APPROVED and request.emergency
    release(cast, request)
    _decide(cast.colleague, request, approve=False, note="  Not an emergency.  ")
    request.refresh_from_db()
    assert (request.state, request.decided_by_id) == (DisclosureRequest.State.RELEASED, cast.colleague.id)
    assert request.open("review_note", key=cast.client.data_key()) == "declined: Not an emergency."
    with pytest.raises(ValidationError, match="This disclosure is not waiting for a decision"):
        _decide(cast.cotherapist, request)
    request.refresh_from_db()
    assert request.decided_by_id == cast.colleague.id


@pytest.mark.parametrize("verdict", [True, False])
def test_an_emergency_is_not_decided_before_its_release(cast: Cast, verdict: bool) -> None:
    request = prepare(cast, emergency=True)
    with pytest.raises(ValidationError, match="This disclosure is not waiting for a decision"):
        _decide(cast.colleague, request, approve=verdict, note="Looked at it before it went out.")
    release(cast, request)
    entry = AccountingEntry.objects.get(request=request)
    assert entry.approved_by_id is None  # no one is named as approving what no one approved
    assert summary_of(request=DisclosureRequest.objects.get(pk=request.pk)).approved_by == "—"


def test_the_author_cannot_review_their_own_emergency(cast: Cast) -> None:
    request = released(cast, emergency=True)
    with pytest.raises(ValidationError, match="A second clinician must decide"):
        _decide(cast.clinician, request)
    request.refresh_from_db()
    assert request.decided_by_id is None and _events(AuditAction.DISCLOSURE_DECIDE) == []


@pytest.mark.parametrize("first", [True, False])
def test_the_author_can_neither_approve_nor_decline_their_own_disclosure(cast: Cast, first: bool) -> None:
    request = prepare(cast)
    with pytest.raises(ValidationError, match="A second clinician must decide") as caught:
        _decide(cast.clinician, request, approve=first)
    assert set(caught.value.message_dict) == {"decision"}
    request.refresh_from_db()
    assert (request.state, request.decided_by_id) == (DisclosureRequest.State.AWAITING, None)


@pytest.mark.parametrize("who", ["staff", "client_member", "demoted", "outsider"])
def test_members_who_may_not_approve_cannot_decide(cast: Cast, who: str) -> None:
    request = prepare(cast)
    with pytest.raises(Http404):
        _decide(getattr(cast, who), request)
    request.refresh_from_db()
    assert (request.state, request.decided_by_id, request.review_note_ct) == (
        DisclosureRequest.State.AWAITING,
        None,
        None,
    )
    assert _events(AuditAction.DISCLOSURE_DECIDE) == []


def test_a_decision_needs_its_reasons(cast: Cast) -> None:
    request = prepare(cast)
    with pytest.raises(ValidationError, match="Record the reasons for your decision") as caught:
        _decide(cast.supervisor, request, note="   ")
    assert set(caught.value.message_dict) == {"note"}  # shown beside the reasons field
    request.refresh_from_db()
    assert (request.state, request.decided_by_id) == (DisclosureRequest.State.AWAITING, None)


@pytest.mark.parametrize(("verdict", "state"), [(True, "approved"), (False, "declined")])
def test_a_decision_records_the_decider_the_reasons_and_the_event(cast: Cast, verdict: bool, state: str) -> None:
    request = prepare(cast)
    before = timezone.now()
    _decide(cast.supervisor, request, approve=verdict, note=f"  {NOTE}  ")
    request.refresh_from_db()
    assert (request.state, request.decided_by_id) == (state, cast.supervisor.id)
    assert request.decided_at is not None and request.decided_at >= before
    assert request.open("review_note", key=cast.client.data_key()) == f"{state}: {NOTE}"
    [event] = _events(AuditAction.DISCLOSURE_DECIDE)
    assert (event.actor_id, event.channel, event.client_id) == (cast.supervisor.id, Channel.WEB, cast.client.id)
    assert (event.object_type, event.object_id, event.purpose) == ("disclosure", str(request.id), state)


# Preparing a request: who may, and what it must say.


@pytest.mark.parametrize("who", ["supervisor", "staff", "client_member", "demoted", "outsider"])
def test_only_members_who_may_disclose_in_the_practice_can_prepare_one(cast: Cast, who: str) -> None:
    with pytest.raises(Http404):
        prepare(cast, by=getattr(cast, who), items=["identity"])
    assert not DisclosureRequest.objects.exists() and _events(AuditAction.DISCLOSURE_REQUEST) == []


def _said(error: ValidationError, message: str) -> bool:
    """The exact message, word for word (a message cut short in the table stands for its beginning)."""
    said = [m for ms in error.message_dict.values() for m in ms]
    return message in said if message.endswith(".") else any(m.startswith(message) for m in said)


BAD_INPUT: list[tuple[dict[str, Any], str, str]] = [
    (
        {"situation": "no_such_situation"},
        "situation",
        "Choose one of the situations the law here addresses, or a valid permission.",
    ),
    ({"recipient_name": "  "}, "recipient_name", "Name the person or agency who receives the information."),
    ({"purpose": " "}, "purpose", "State the purpose: the client reads it in their accounting of disclosures."),
    (
        {"justification": "  " + "x" * 19 + "  "},
        "justification",
        "Explain why these items, and no more, are needed (at least a sentence).",
    ),
    ({"items": []}, "items", "Choose at least one item to disclose."),
    (
        {"items": ["identity", "note:00000000-0000-0000-0000-000000000000"]},
        "items",
        "Choose at least one item to disclose.",
    ),
    ({"notice": "sometime"}, "notice", "Choose when the client is told."),
    ({"notice": "delayed", "notice_on": None, "notice_reason": "Endangers her."}, "notice_on", "Give the future"),
    ({"notice": "delayed", "notice_on": 0, "notice_reason": "Endangers her."}, "notice_on", "Give the future"),
    ({"notice": "delayed", "notice_on": 1, "notice_reason": " "}, "notice_reason", "Record why"),
    ({"notice": "withheld", "notice_reason": " "}, "notice_reason", "Record why"),
    (
        {"suspended_until": 0, "suspension_statement": STATEMENT},
        "suspended_until",
        "A suspension ends on a future date.",
    ),
    (
        {"suspended_until": 1, "suspension_statement": " 123456789 "},
        "suspension_statement",
        "Record the agency's statement: who asked, and for how long.",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUT)
def test_each_missing_or_invalid_part_of_a_request_is_refused(
    cast: Cast, overrides: dict[str, Any], field: str, message: str
) -> None:
    dated = ("notice_on", "suspended_until")
    fields: dict[str, Any] = {k: _today(v) if k in dated and v is not None else v for k, v in overrides.items()}
    with pytest.raises(ValidationError, match=re.escape(message)) as caught:
        prepare(cast, **fields)
    assert set(caught.value.message_dict) == {field}
    assert _said(caught.value, message)
    assert not DisclosureRequest.objects.exists()


def test_another_clinicians_private_note_cannot_be_chosen(cast: Cast) -> None:
    note = private_note_create(actor=cast.cotherapist, client=cast.client, body="Cam's own", channel=Channel.CLI)
    with pytest.raises(ValidationError, match="Choose at least one item"):
        prepare(cast, items=[f"private:{note.id}"])
    assert not DisclosureRequest.objects.exists()


def test_just_enough_justification_and_statement_are_accepted(cast: Cast) -> None:
    request = prepare(
        cast,
        justification="  " + "j" * 20 + "  ",
        suspended_until=_today(1),
        suspension_statement=" 0123456789 ",
    )
    key = cast.client.data_key()
    assert request.open("justification", key=key) == "j" * 20
    assert request.open("suspension_statement", key=key) == "0123456789"
    assert request.suspended_until == _today(1)


def test_a_request_keeps_what_was_asked_and_nothing_more(cast: Cast) -> None:
    note = f"note:{cast.note.id}"
    request = prepare(
        cast,
        recipient_name="  Officer Canary-Police  ",
        recipient_address="   ",
        purpose="  Warn the police  ",
        items=[note, "identity", note],
        notice_on=_today(5),  # ignored: the notice is immediate
    )
    stored = DisclosureRequest.objects.get(pk=request.pk)
    key = cast.client.data_key()
    assert stored.items == [note, "identity"]
    assert (stored.notice, stored.notice_on) == (Notice.IMMEDIATE, None)
    assert stored.recipient_address_ct is None and stored.notice_reason_ct is None
    assert stored.suspension_statement_ct is None and stored.suspended_until is None
    assert stored.open("recipient_name", key=key) == "Officer Canary-Police"
    assert stored.open("purpose", key=key) == "Warn the police"
    assert (stored.situation, stored.rule_id) == ("threat_to_identifiable_others", "ca.civ43_92.duty_to_protect")
    assert (stored.obligation, stored.created_by_id, stored.practice_id) == (
        "mandatory",
        cast.clinician.id,
        cast.client.practice_id,
    )
    resolution = resolution_for(practice=cast.client.practice, client=cast.client)
    assert resolution is not None and stored.pack_refs == resolution.refs
    assert (stored.state, stored.emergency, stored.directive_id) == (DisclosureRequest.State.AWAITING, False, None)
    [event] = _events(AuditAction.DISCLOSURE_REQUEST)
    assert (event.actor_id, event.channel, event.client_id) == (cast.clinician.id, Channel.WEB, cast.client.id)
    assert (event.object_type, event.object_id, event.purpose) == ("disclosure", str(request.id), stored.rule_id)


def test_a_delayed_notice_keeps_its_date_and_reason(cast: Cast) -> None:
    request = prepare(cast, notice="delayed", notice_on=_today(7), notice_reason="  Telling now endangers her.  ")
    stored = DisclosureRequest.objects.get(pk=request.pk)
    assert stored.notice_on == _today(7)
    assert stored.open("notice_reason", key=cast.client.data_key()) == "Telling now endangers her."


def test_a_client_authorized_release_is_never_an_emergency(cast: Cast) -> None:
    from tests.consent.helpers import grant

    directive = grant(cast)
    request = prepare(cast, situation=f"authorized:{directive.id}", items=["identity"], emergency=True)
    assert (request.state, request.emergency) == (DisclosureRequest.State.APPROVED, False)
    assert request.directive_id == directive.id and request.rule_id == "client.directive"


# The situations offered.


def test_situations_list_the_law_by_obligation_then_the_clients_permissions(cast: Cast) -> None:
    from tests.consent.helpers import grant

    directive = grant(cast)
    situations = situations_for(client=cast.client)
    *law, authorized = situations
    assert authorized.kind == f"authorized:{directive.id}"
    rank = {"mandatory": 0, "conditional": 1, "permissive": 2}  # pending situations are never offered
    keys = [(rank[s.obligation.value], s.kind) for s in law]
    assert keys == sorted(keys) and {r for r, _ in keys} == {0, 1, 2}
    assert requirements_for(client=cast.client, situation=authorized.kind) == authorized


def test_a_client_living_elsewhere_brings_their_own_law(cast: Cast) -> None:
    from confide.clients.services import client_create
    from confide.disclosures.services import RequestInput, disclosure_request_create

    client = client_create(actor=cast.clinician, name="Nia Canary-Mover", jurisdiction="us-ny", channel=Channel.CLI)
    assert "firearms_risk_report" in {s.kind for s in situations_for(client=client)}
    assert "firearms_risk_report" not in {s.kind for s in situations_for(client=cast.client)}
    data = RequestInput(
        situation="firearms_risk_report",
        recipient_name="County Canary Director",
        recipient_address="",
        purpose="Report a risk of serious harm",
        justification="Identity alone lets the director act on the report.",
        items=["identity"],
        emergency=False,
        notice="immediate",
        notice_on=None,
        notice_reason="",
    )
    request = disclosure_request_create(member=cast.clinician, client=client, data=data, channel=Channel.WEB)
    assert any(ref.startswith("us-ny@") for ref in request.pack_refs)


def test_a_situation_the_law_here_does_not_address_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="Choose one of the situations"):
        requirements_for(client=cast.client, situation="tx.only_situation")


# Corrections: new linked entries, by the decider or the owner, with reasons.


@pytest.mark.parametrize(
    "correction",
    [
        Correction("", "", "Name only", "Warn the police", " 123456789 "),
        Correction("", "", "  ", "Warn the police", "The note was not sent."),
        Correction("", "", "Name only", "  ", "The note was not sent."),
    ],
)
def test_a_correction_says_what_is_corrected_and_why(cast: Cast, correction: Correction) -> None:
    entry = _entry(cast)
    with pytest.raises(ValidationError, match="Give what is corrected") as caught:
        accounting_correct(member=cast.clinician, entry_id=entry.id, correction=correction, channel=Channel.WEB)
    assert set(caught.value.message_dict) == {"reason"}
    assert AccountingEntry.objects.count() == 1 and _events(AuditAction.ACCOUNTING_CORRECT) == []


@pytest.mark.parametrize("who", ["supervisor", "cotherapist", "outsider", "staff"])
def test_only_the_decider_or_the_owner_corrects_an_entry(cast: Cast, who: str) -> None:
    entry = _entry(cast)
    correction = Correction("", "", "Name only", "Warn the police", "The note was not sent.")
    with pytest.raises(Http404):
        accounting_correct(member=getattr(cast, who), entry_id=entry.id, correction=correction, channel=Channel.WEB)
    assert AccountingEntry.objects.count() == 1


def test_a_malformed_entry_id_is_404(cast: Cast) -> None:
    _entry(cast)  # an entry exists: the id, not the practice alone, must find it
    correction = Correction("", "", "Name only", "Warn the police", "The note was not sent.")
    with pytest.raises(Http404):
        accounting_correct(member=cast.owner, entry_id="not-a-uuid", correction=correction, channel=Channel.WEB)


def test_the_owner_corrects_with_a_new_entry_that_keeps_the_rest(cast: Cast) -> None:
    reason = "Telling now endangers the victim."
    original = _entry(
        cast,
        notice="delayed",
        notice_on=_today(40),
        notice_reason=reason,
        suspended_until=_today(30),
        suspension_statement=STATEMENT,
    )
    assert original.notice_on == _today(40)
    correction = Correction("", "", "  Name only  ", "  Warn the police  ", "  Never sent  ")  # reason: 10 characters
    corrected = accounting_correct(member=cast.owner, entry_id=original.id, correction=correction, channel=Channel.WEB)
    key = cast.client.data_key()
    corrected.refresh_from_db()
    assert corrected.pk != original.pk and corrected.corrects_id == original.id
    assert corrected.open("recipient_name", key=key) == "Officer Canary-Police, Harbor PD"
    assert corrected.open("recipient_address", key=key) == "1 Canary Street"
    assert corrected.open("description", key=key) == "Name only"
    assert corrected.open("purpose", key=key) == "Warn the police (corrected: Never sent)"
    assert corrected.open("suspension_statement", key=key) == STATEMENT
    same = (
        "practice_id",
        "client_id",
        "request_id",
        "disclosed_at",
        "basis_rule_id",
        "pack_refs",
        "decided_by_id",
        "approved_by_id",
        "notice",
        "notice_on",
        "package_sha256",
        "psychotherapy_notes_included",
        "suspended_until",
    )
    assert [getattr(corrected, f) for f in same] == [getattr(original, f) for f in same]
    original.refresh_from_db()
    assert original.open("description", key=key).startswith("Name, date of birth")
    [event] = _events(AuditAction.ACCOUNTING_CORRECT)
    assert (event.actor_id, event.channel, event.client_id) == (cast.owner.id, Channel.WEB, cast.client.id)
    assert (event.object_type, event.object_id) == ("accounting-entry", str(corrected.id))


def test_a_correction_keeps_that_psychotherapy_notes_went_out(cast: Cast) -> None:
    note = private_note_create(actor=cast.clinician, client=cast.client, body="canary private", channel=Channel.CLI)
    request = prepare(cast, items=["identity", f"private:{note.id}"])
    approve(cast, request)
    release(cast, request, private_bodies={str(note.id): "canary private"})
    original = AccountingEntry.objects.get(request=request)
    correction = Correction("", "", "Name and a private note", "Warn the police", "The note was not sent.")
    corrected = accounting_correct(
        member=cast.clinician, entry_id=original.id, correction=correction, channel=Channel.WEB
    )
    assert corrected.psychotherapy_notes_included and corrected.corrects_id == original.id


def test_a_correction_can_name_a_new_recipient_and_address(cast: Cast) -> None:
    original = _entry(cast, recipient_address="")
    correction = Correction(" Sgt Canary ", " 2 Canary Road ", "Name only", "Warn the police", "Wrong officer named.")
    corrected = accounting_correct(
        member=cast.clinician, entry_id=original.id, correction=correction, channel=Channel.WEB
    )
    key = cast.client.data_key()
    assert corrected.open("recipient_name", key=key) == "Sgt Canary"
    assert corrected.open("recipient_address", key=key) == "2 Canary Road"
    assert corrected.suspension_statement_ct is None


def test_a_correction_without_any_address_keeps_none(cast: Cast) -> None:
    original = _entry(cast, recipient_address="")
    correction = Correction("", "", "Name only", "Warn the police", "The note was not sent.")
    corrected = accounting_correct(
        member=cast.clinician, entry_id=original.id, correction=correction, channel=Channel.WEB
    )
    assert corrected.recipient_address_ct is None


# Suspensions after release (164.528(a)(2)), of a disclosure the client has not been told of yet.

HELD = {"notice": "delayed", "notice_on": _today(60), "notice_reason": "Telling now endangers the victim."}


def _suspend(member: Member, entry: AccountingEntry, until: dt.date, statement: str, *, oral: bool) -> Suspension:
    return accounting_suspend(
        member=member, entry_id=entry.id, until=until, statement=statement, oral=oral, channel=Channel.WEB
    )


@pytest.mark.parametrize(
    ("days", "statement", "oral", "fields", "message"),
    [
        (0, STATEMENT, False, {"until"}, "A suspension ends on a future date."),
        (-1, STATEMENT, True, {"until"}, "A suspension ends on a future date."),
        (31, STATEMENT, True, {"until"}, "An oral request suspends for at most 30 days"),
        (5, " 123456789 ", False, {"statement"}, "Record the agency, the official and what they asked for."),
        (0, "", False, {"until", "statement"}, "A suspension ends on a future date."),
    ],
)
def test_a_suspension_ends_in_the_future_and_records_the_agency(
    cast: Cast, days: int, statement: str, oral: bool, fields: set[str], message: str
) -> None:
    entry = _entry(cast, **HELD)
    with pytest.raises(ValidationError, match=re.escape(message)) as caught:
        _suspend(cast.clinician, entry, _today(days), statement, oral=oral)
    assert set(caught.value.message_dict) == fields
    assert _said(caught.value, message)
    assert not Suspension.objects.exists() and _events(AuditAction.ACCOUNTING_CORRECT) == []


@pytest.mark.parametrize(("days", "oral"), [(1, False), (30, True), (31, False)])
def test_a_suspension_within_its_limit_is_recorded(cast: Cast, days: int, oral: bool) -> None:
    entry = _entry(cast, **HELD)
    suspension = _suspend(cast.clinician, entry, _today(days), " 0123456789 ", oral=oral)
    suspension.refresh_from_db()
    assert (suspension.until, suspension.oral, suspension.recorded_by_id) == (_today(days), oral, cast.clinician.id)
    assert (suspension.entry_id, suspension.client_id, suspension.practice_id) == (
        entry.id,
        cast.client.id,
        cast.client.practice_id,
    )
    assert suspension.open("statement", key=cast.client.data_key()) == "0123456789"
    [event] = _events(AuditAction.ACCOUNTING_CORRECT)
    assert (event.actor_id, event.channel, event.client_id) == (cast.clinician.id, Channel.WEB, cast.client.id)
    assert (event.object_type, event.object_id) == ("accounting-suspension", str(suspension.id))
    assert (event.seal, event.client_seq) == (f"disclosure:{entry.request_id}", None)  # as sealed as the rest


def test_a_disclosure_the_client_was_shown_cannot_be_suspended_from_them(cast: Cast) -> None:
    entry = _entry(cast)  # told at once: in the client's history and accounting already
    with pytest.raises(ValidationError, match="already been shown this disclosure") as caught:
        _suspend(cast.clinician, entry, _today(20), STATEMENT, oral=False)
    assert set(caught.value.message_dict) == {"until"}
    assert not Suspension.objects.exists() and _events(AuditAction.ACCOUNTING_CORRECT) == []


def test_a_suspension_of_a_malformed_entry_id_is_404(cast: Cast) -> None:
    _entry(cast)
    with pytest.raises(Http404):
        accounting_suspend(
            member=cast.owner,
            entry_id="not-a-uuid",
            until=_today(10),
            statement=STATEMENT,
            oral=False,
            channel=Channel.WEB,
        )
    assert not Suspension.objects.exists()


@pytest.mark.parametrize("who", ["supervisor", "colleague", "outsider"])
def test_only_the_decider_or_the_owner_suspends_an_entry(cast: Cast, who: str) -> None:
    entry = _entry(cast)
    with pytest.raises(Http404):
        _suspend(getattr(cast, who), entry, _today(10), STATEMENT, oral=False)
    assert not Suspension.objects.exists()


# The printable summary for the clinician's file.


def test_an_unreleased_disclosure_has_no_summary(cast: Cast) -> None:
    request = prepare(cast)
    approve(cast, request)
    request.refresh_from_db()
    with pytest.raises(Http404):
        summary_of(request=request)


def test_the_summary_names_the_author_and_shows_an_unreviewed_emergency(cast: Cast) -> None:
    request = released(cast, emergency=True)
    summary = summary_of(request=request)
    assert (summary.decided_by, summary.approved_by) == ("Chris Clinician", "—")
    assert (summary.recipient, summary.released_at, summary.rule) == (
        "Officer Canary-Police, Harbor PD",
        request.released_at,
        "ca.civ43_92.duty_to_protect",
    )
    assert summary.purpose.startswith("Warn of") and summary.justification.startswith("Only identity")
    assert summary.practice == "Harbor Therapy" and summary.situation == "Duty to protect (Tarasoff)"
    assert summary.items[0] == "Name, date of birth and client number" and summary.citations


def test_the_summary_survives_a_withdrawn_permission(cast: Cast) -> None:
    from confide.consent.directives import directive_revoke
    from tests.consent.helpers import grant

    directive = grant(cast)
    request = prepare(cast, situation=f"authorized:{directive.id}", items=["identity"])
    release(cast, request)
    request.refresh_from_db()
    assert cast.client_member is not None
    directive_revoke(member=cast.client_member, client=cast.client, directive_id=directive.id, channel=Channel.WEB)
    summary = summary_of(request=request)
    assert (summary.situation, summary.citations, summary.approved_by) == (request.situation, [], "—")


def test_an_emergency_package_tells_the_recipient_that_approval_is_still_to_come(cast: Cast) -> None:
    from pypdf import PdfReader

    request = prepare(cast, emergency=True)
    archive = zipfile.ZipFile(io.BytesIO(pyrage.decrypt(release(cast, request), [IDENTITY])))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(archive.read("summary.pdf"))).pages)
    assert "Approved by: emergency" in text


def test_the_package_summary_names_both_clinicians(cast: Cast) -> None:
    from pypdf import PdfReader

    request = prepare(cast)
    approve(cast, request)
    package = disclosure_release(
        member=cast.clinician,
        request=DisclosureRequest.objects.get(pk=request.pk),
        recipient_key=RECIPIENT,
        passphrase="",
        private_bodies={},
        channel=Channel.WEB,
    )
    archive = zipfile.ZipFile(io.BytesIO(pyrage.decrypt(package, [IDENTITY])))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(archive.read("summary.pdf"))).pages)
    assert "Decided by: Chris Clinician" in text and "Approved by: Sam Supervisor" in text
    assert "To: Officer Canary-Police, Harbor PD" in text and "From: Harbor Therapy" in text
    assert "Rule relied on: ca.civ43_92.duty_to_protect (us-ca" in text and "Law: Cal. Civ. Code" in text
    assert "Situation: Duty to protect (Tarasoff)" in text and "Warn of a serious threat" in text
    assert "Only identity and the session note" in text and "Name, date of birth and client number" in text
    assert summary_of(request=DisclosureRequest.objects.get(pk=request.pk)).approved_by == "Sam Supervisor"
