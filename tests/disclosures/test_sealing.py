"""Disclosures held back from the client (a withheld or delayed notice, a suspension): sealed in the log, absent
from both the client's history and accounting — which always agree — until every reason has passed."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.history import history_page
from confide.audit.models import AuditEvent
from confide.disclosures.models import AccountingEntry, DisclosureRequest
from confide.disclosures.sealing import lift_due, lifted, notices_send, seal_of, withholding_end
from confide.disclosures.selectors import accounting_for_client
from confide.practices.models import Member
from tests.cast import Cast
from tests.conftest import Inbox
from tests.disclosures.helpers import approve, prepare, release, released

WITHHELD: dict[str, Any] = {
    "situation": "child_abuse_report",
    "notice": "withheld",
    "notice_reason": "Telling the parent would put the child at risk.",
}
STATEMENT = "Det. Canary, Harbor PD, in writing: an investigation is ongoing."


def _day(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def _at(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def _delayed(days: int) -> dict[str, Any]:
    return {"notice": "delayed", "notice_on": _day(days), "notice_reason": "Telling now endangers the victim."}


def _suspended(days: int) -> dict[str, Any]:
    return {"suspended_until": _day(days), "suspension_statement": STATEMENT}


def _pages(cast: Cast) -> tuple[set[str], set[str]]:
    """The disclosures the client's history shows being prepared (as entries, or revealed under a lifting
    entry), and those their accounting lists."""
    assert cast.client_member is not None
    page = history_page(practice_id=cast.client.practice_id, client_id=cast.client.id, viewer=cast.client_member)
    visible = {r.seq for r in page.rows}
    revealed = {(r.seal, r.sealed_seq) for row in page.rows for r in row.revealed}
    prepared = AuditEvent.objects.filter(client_id=cast.client.id, action=AuditAction.DISCLOSURE_REQUEST)
    history = {e.object_id for e in prepared if e.client_seq in visible or (e.seal, e.sealed_seq) in revealed}
    lines = accounting_for_client(client=cast.client, viewer=cast.client_member, channel=Channel.WEB)
    entries = AccountingEntry.objects.filter(id__in=[line.id for line in lines])
    return history, {str(e.request_id) for e in entries}


@pytest.mark.parametrize(
    ("held", "lifts_on"),
    [(WITHHELD, None), (_delayed(10), 10), (_suspended(20), 20), ({**_delayed(10), **_suspended(20)}, 20)],
    ids=["withheld", "delayed", "suspended", "delayed-and-suspended"],
)
def test_a_held_back_disclosure_is_in_neither_page_until_its_day_then_in_both(
    cast: Cast, smtp_inbox: Inbox, held: dict[str, Any], lifts_on: int | None
) -> None:
    request = released(cast, **held)
    seal = f"disclosure:{request.id}"
    sealed = AuditEvent.objects.filter(client_id=cast.client.id, seal=seal)
    actions = set(sealed.values_list("action", flat=True))
    assert {AuditAction.DISCLOSURE_REQUEST, AuditAction.NOTE_READ, AuditAction.DISCLOSURE_RELEASE} <= actions
    assert not sealed.filter(client_seq__isnull=False).exists()  # none of them took a visible number
    about = AuditEvent.objects.filter(client_id=cast.client.id, object_id=str(request.id))
    assert set(about.values_list("seal", flat=True)) == {seal}
    assert _pages(cast) == (set(), set()) and smtp_inbox.messages == []
    if lifts_on is None:
        assert notices_send(now=_at(400)) == 0  # withheld: no date lifts it
        assert withholding_end(member=cast.clinician, request=request, channel=Channel.WEB)
    else:
        assert notices_send(now=_at(lifts_on - 1)) == 0
        assert _pages(cast) == (set(), set())
        assert notices_send(now=_at(lifts_on)) == 1
    assert _pages(cast) == ({str(request.id)}, {str(request.id)})
    assert len(smtp_inbox.messages) == 1  # told once, on the day
    assert notices_send(now=_at(400)) == 0


def test_a_disclosure_told_at_once_is_never_sealed(cast: Cast, smtp_inbox: Inbox) -> None:
    request = released(cast)
    assert seal_of(request) == ""
    assert not AuditEvent.objects.filter(client_id=cast.client.id).exclude(seal="").exists()
    assert _pages(cast) == ({str(request.id)}, {str(request.id)}) and len(smtp_inbox.messages) == 1
    assert lift_due(request, _day(0)) is False and lift_due(request, _day(400)) is False  # nothing to lift, ever
    assert not AuditEvent.objects.filter(client_id=cast.client.id, action=AuditAction.SEAL_LIFT).exists()


def test_a_release_after_the_notice_date_lifts_the_seal_at_once(cast: Cast, smtp_inbox: Inbox) -> None:
    request = prepare(cast, **_delayed(3))
    approve(cast, request)
    with mock.patch("django.utils.timezone.now", return_value=_at(3)):  # released on the notice date
        release(cast, request)
    assert _pages(cast) == ({str(request.id)}, {str(request.id)}) and len(smtp_inbox.messages) == 1


def test_a_withheld_disclosure_still_awaiting_approval_stays_sealed_after_the_decision_to_tell(cast: Cast) -> None:
    request = prepare(cast, **WITHHELD)
    assert not withholding_end(member=cast.clinician, request=request, channel=Channel.WEB)
    assert _pages(cast) == (set(), set())
    approve(cast, request)
    release(cast, request)  # released after the decision: shown now
    assert _pages(cast) == ({str(request.id)}, {str(request.id)})


def test_a_declined_withheld_disclosure_shows_in_the_history_only_and_sends_no_notice(
    cast: Cast, smtp_inbox: Inbox
) -> None:
    from confide.disclosures.services import disclosure_decide

    request = prepare(cast, **WITHHELD)
    disclosure_decide(member=cast.supervisor, request=request, approve=False, note="Not needed.", channel=Channel.WEB)
    request.refresh_from_db()
    assert _pages(cast) == (set(), set())
    assert withholding_end(member=cast.clinician, request=request, channel=Channel.WEB)
    assert _pages(cast) == ({str(request.id)}, set()) and smtp_inbox.messages == []  # nothing was shared


@pytest.mark.parametrize("who", ["colleague", "staff", "supervisor"])
def test_only_the_clinician_who_prepared_it_or_the_owner_ends_a_withholding(cast: Cast, who: str) -> None:
    request = released(cast, **WITHHELD)
    with pytest.raises(Http404):
        withholding_end(member=getattr(cast, who), request=request, channel=Channel.WEB)
    assert _pages(cast) == (set(), set())
    assert withholding_end(member=cast.owner, request=request, channel=Channel.WEB)


def test_a_notice_that_is_not_withheld_cannot_end_its_withholding(cast: Cast) -> None:
    request = released(cast, **_delayed(10))
    with pytest.raises(ValidationError, match="not being withheld"):
        withholding_end(member=cast.clinician, request=request, channel=Channel.WEB)
    withheld = released(cast, **WITHHELD)
    withholding_end(member=cast.clinician, request=withheld, channel=Channel.WEB)
    with pytest.raises(ValidationError, match="not being withheld"):
        withholding_end(member=cast.clinician, request=withheld, channel=Channel.WEB)


def test_the_member_pages_about_a_held_back_disclosure_are_sealed_too(cast: Cast) -> None:
    from tests.cast import signed_in

    request = released(cast, **WITHHELD)
    page = signed_in(cast.clinician).get(f"/disclosures/{request.id}/")
    assert page.status_code == 200 and b"Held back from the client" in page.content
    [read] = AuditEvent.objects.filter(action=AuditAction.DISCLOSURE_READ, object_id=str(request.id))
    assert (read.seal, read.client_seq) == (f"disclosure:{request.id}", None)
    response = signed_in(cast.clinician).post(f"/disclosures/{request.id}/end-withholding/")
    assert response.status_code == 302
    assert _pages(cast) == ({str(request.id)}, {str(request.id)})


# What the review found, as an administrator without the master key, or a member, would try it.


@pytest.mark.parametrize(
    "change",
    [
        {"withholding_ended_at": timezone.now()},  # "the clinician decided": would tell the client early
        {"notice": "immediate", "notice_on": None},  # "told at once": would record the release in the open
        {"suspended_until": timezone.localdate()},  # "a suspension that ended today"
    ],
    ids=["withholding-ended", "notice-immediate", "suspension"],
)
def test_notice_terms_changed_in_the_database_keep_the_disclosure_held_back_and_are_named(
    cast: Cast, smtp_inbox: Inbox, caplog: pytest.LogCaptureFixture, change: dict[str, Any]
) -> None:
    request = prepare(cast, **WITHHELD)
    approve(cast, request)
    DisclosureRequest.objects.filter(pk=request.pk).update(**change)
    release(cast, request)
    assert not AuditEvent.objects.filter(client_id=cast.client.id, object_id=str(request.id), seal="").exists()
    with caplog.at_level(logging.ERROR, logger="confide.disclosures.sealing"):
        assert notices_send(now=_at(400)) == 0
    assert "notice terms were changed outside Confide" in caplog.text
    assert _pages(cast) == (set(), set()) and smtp_inbox.messages == []


def test_one_lift_says_nothing_of_a_disclosure_still_withheld(cast: Cast) -> None:
    secret = released(cast, **WITHHELD)
    shown = released(cast, **_delayed(5))
    assert notices_send(now=_at(5)) == 1
    assert cast.client_member is not None
    page = history_page(practice_id=cast.client.practice_id, client_id=cast.client.id, viewer=cast.client_member)
    [lift] = [r for r in page.rows if r.action == AuditAction.SEAL_LIFT]
    assert [r.sealed_seq for r in lift.revealed] == list(range(1, len(lift.revealed) + 1))
    assert _pages(cast) == ({str(shown.id)}, {str(shown.id)}) and str(secret.id) not in _pages(cast)[0]


def test_a_clinician_demoted_to_staff_can_no_longer_end_a_withholding(cast: Cast) -> None:
    request = released(cast, **WITHHELD)
    Member.objects.filter(pk=cast.clinician.pk).update(role="staff")
    cast.clinician.refresh_from_db()
    with pytest.raises(Http404):
        withholding_end(member=cast.clinician, request=request, channel=Channel.WEB)
    assert _pages(cast) == (set(), set())


@pytest.mark.parametrize("held", [WITHHELD, _delayed(5), _suspended(5)], ids=["withheld", "delayed", "suspended"])
def test_a_release_the_client_authorized_is_never_kept_from_them(cast: Cast, held: dict[str, Any]) -> None:
    from tests.consent.helpers import grant

    directive = grant(cast, valid_to=_day(30))
    fields = {**held, "situation": f"authorized:{directive.id}", "items": ["identity"]}
    with pytest.raises(ValidationError, match="they are told now") as caught:
        prepare(cast, **fields)
    assert "notice" in caught.value.message_dict and not DisclosureRequest.objects.exists()


def test_lifting_twice_tells_the_client_once(cast: Cast, smtp_inbox: Inbox) -> None:
    from confide.disclosures.sealing import unseal_if_due

    request = released(cast, **WITHHELD)
    assert withholding_end(member=cast.clinician, request=request, channel=Channel.WEB)
    stale = DisclosureRequest.objects.get(pk=request.pk)
    stale.notified_at = None  # a second run that read the row before the first one's notice
    with mock.patch("confide.disclosures.sealing.lifted", return_value=False):  # ... and checked before its lift
        assert not unseal_if_due(stale, timezone.now())
    assert len(smtp_inbox.messages) == 1
    assert AuditEvent.objects.filter(action=AuditAction.DISCLOSURE_NOTICE).count() == 1


def test_the_lift_is_the_clinicians_when_they_end_the_withholding_and_confides_on_a_date(cast: Cast) -> None:
    ended = released(cast, **WITHHELD)
    withholding_end(member=cast.clinician, request=ended, channel=Channel.WEB)
    released(cast, **_delayed(5))
    assert notices_send(now=_at(5)) == 1
    lifts = AuditEvent.objects.filter(action=AuditAction.SEAL_LIFT).order_by("id")
    assert [(e.actor_id, e.channel) for e in lifts] == [(cast.clinician.id, Channel.WEB), (None, Channel.JOB)]


def test_after_the_lift_nothing_more_is_sealed_and_the_lift_and_notice_are_dated(cast: Cast) -> None:
    request = released(cast, **WITHHELD)
    assert seal_of(request) == f"disclosure:{request.id}"
    assert withholding_end(member=cast.clinician, request=request, channel=Channel.WEB)
    assert seal_of(request) == ""
    request.refresh_from_db()
    assert lifted(request) and request.notified_at is not None
    [ended] = AuditEvent.objects.filter(action=AuditAction.DISCLOSURE_WITHHOLDING_END)
    assert (ended.object_type, ended.object_id, ended.actor_id) == ("disclosure", str(request.id), cast.clinician.id)
    assert (ended.seal, ended.client_seq) == (f"disclosure:{request.id}", None)  # told under the seal it ends


def test_ending_a_withholding_while_a_suspension_holds_stays_sealed(cast: Cast) -> None:
    request = released(cast, **WITHHELD, **_suspended(10))
    assert not withholding_end(member=cast.clinician, request=request, channel=Channel.WEB)
    [ended] = AuditEvent.objects.filter(action=AuditAction.DISCLOSURE_WITHHOLDING_END)
    assert ended.seal == f"disclosure:{request.id}" and ended.client_seq is None
    assert _pages(cast) == (set(), set())
    assert notices_send(now=_at(10)) == 1 and _pages(cast) == ({str(request.id)}, {str(request.id)})


def test_a_refusal_to_end_a_withholding_names_its_field(cast: Cast) -> None:
    request = released(cast, **_delayed(10))
    with pytest.raises(ValidationError) as caught:
        withholding_end(member=cast.clinician, request=request, channel=Channel.WEB)
    assert caught.value.message_dict == {"withholding": ["This disclosure's notice is not being withheld."]}


def test_a_broken_or_changed_disclosure_is_named_and_the_others_still_lift(
    cast: Cast, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.attacker import drop_append_only_triggers

    changed = released(cast, **_delayed(5))
    broken = released(cast, **_delayed(5))
    due = released(cast, **_delayed(5))
    DisclosureRequest.objects.filter(pk=changed.pk).update(notice_on=_day(1))  # moved without the key
    drop_append_only_triggers()
    AuditEvent.objects.filter(seal=f"disclosure:{broken.id}").order_by("sealed_seq").first().delete()  # type: ignore[union-attr]
    with caplog.at_level(logging.ERROR, logger="confide.disclosures.sealing"):
        assert notices_send(now=_at(5)) == 1  # only the intact one
    logged = {r.getMessage() for r in caplog.records}
    assert f"disclosure {changed.id} stays held back: its notice terms were changed outside Confide" in logged
    assert f"disclosure {broken.id} stays held back: an entry under its seal is missing" in logged
    assert _pages(cast) == ({str(due.id)}, {str(due.id)})


def test_terms_copied_from_another_disclosure_keep_this_one_held_back(cast: Cast, smtp_inbox: Inbox) -> None:
    told, kept = released(cast, **WITHHELD), released(cast, **WITHHELD)
    withholding_end(member=cast.clinician, request=told, channel=Channel.WEB)
    told.refresh_from_db()
    DisclosureRequest.objects.filter(pk=kept.pk).update(  # the other's "ended" terms and their valid tag
        withholding_ended_at=told.withholding_ended_at, terms_tag=told.terms_tag
    )
    assert notices_send(now=_at(1)) == 0
    assert _pages(cast) == ({str(told.id)}, {str(told.id)}) and len(smtp_inbox.messages) == 1


def test_a_correction_of_a_held_back_disclosure_is_held_back_with_it(cast: Cast) -> None:
    from confide.disclosures.services import Correction, accounting_correct

    request = released(cast, **WITHHELD)
    original = AccountingEntry.objects.get(request=request)
    correction = Correction(
        "", "", "Name and date of birth only", "Report to child protection", "The note was not sent."
    )
    corrected = accounting_correct(
        member=cast.clinician, entry_id=original.id, correction=correction, channel=Channel.WEB
    )
    [event] = AuditEvent.objects.filter(action=AuditAction.ACCOUNTING_CORRECT, object_id=str(corrected.id))
    assert (event.seal, event.client_seq) == (f"disclosure:{request.id}", None)
    assert _pages(cast) == (set(), set())


@pytest.mark.parametrize("step", ["release", "decline"])
def test_a_seal_lifted_by_a_members_own_step_names_that_member_and_tells_the_client_once(
    cast: Cast, smtp_inbox: Inbox, step: str
) -> None:
    from confide.disclosures.services import disclosure_decide

    request = prepare(cast, **_delayed(2))
    later = _at(3)  # the notice date has passed by the time the second clinician acts
    with mock.patch("django.utils.timezone.now", return_value=later):
        if step == "release":
            approve(cast, request)
            release(cast, request)
            member = cast.clinician
        else:
            disclosure_decide(
                member=cast.supervisor,
                request=request,
                approve=False,
                note="Not needed after all.",
                channel=Channel.WEB,
            )
            member = cast.supervisor
    [lift] = AuditEvent.objects.filter(action=AuditAction.SEAL_LIFT, client_id=cast.client.id)
    assert (lift.actor_id, lift.channel) == (member.id, Channel.WEB)
    request.refresh_from_db()
    if step == "release":
        assert request.notified_at == later and len(smtp_inbox.messages) == 1
        assert notices_send(now=_at(4)) == 0  # told once
