"""The history a person can read: one line per person, action, reason and day, in plain words, filterable by
person; a chart view is one entry naming every note it showed."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from unittest import mock

from django.db import transaction
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.history import KINDS, PAGE, HistoryPage, history_page
from confide.audit.models import AuditEvent
from confide.audit.services import event_record
from confide.practices.models import Member
from confide.records.progress import progress_note_create
from tests.cast import Cast, signed_in


def _record(cast: Cast, actor: Member, action: AuditAction, *, purpose: str = "") -> AuditEvent:
    with transaction.atomic():
        return event_record(actor=actor, action=action, channel=Channel.WEB, client_id=cast.client.id, purpose=purpose)


def _page(cast: Cast, person: uuid.UUID | None = None) -> HistoryPage:
    assert cast.client_member is not None
    return history_page(
        practice_id=cast.client.practice_id, client_id=cast.client.id, viewer=cast.client_member, person=person
    )


def _mark(cast: Cast) -> int:
    return len(_page(cast).rows)


def test_one_person_doing_one_thing_on_one_day_is_one_line_newest_first(cast: Cast) -> None:
    before = _mark(cast)
    for _ in range(3):
        _record(cast, cast.clinician, AuditAction.CLIENT_READ)
    _record(cast, cast.supervisor, AuditAction.CLIENT_READ)
    _record(cast, cast.clinician, AuditAction.CLIENT_READ)
    page = _page(cast)
    assert len(page.rows) == before + 5
    top = page.lines[:3]
    assert [(line.head.who, line.what, len(line.rows)) for line in top] == [
        ("Chris Clinician", "opened your record", 1),
        ("Sam Supervisor", "opened your record", 1),
        ("Chris Clinician", "opened your record 3 times", 3),
    ]
    third = top[2]
    assert third.seqs == " ".join(str(r.seq) for r in third.rows) and len(third.times.split()) == 3
    assert third.numbers == f"entries {third.rows[-1].seq}–{third.rows[0].seq}"


def test_a_different_reason_or_day_starts_a_new_line(cast: Cast) -> None:
    _record(cast, cast.clinician, AuditAction.CLIENT_READ, purpose="ca.civ43_92.duty_to_protect")
    _record(cast, cast.clinician, AuditAction.CLIENT_READ)
    tomorrow = timezone.now() + dt.timedelta(days=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        _record(cast, cast.clinician, AuditAction.CLIENT_READ)
    lines = _page(cast).lines[:3]
    assert [len(line.rows) for line in lines] == [1, 1, 1]
    assert lines[2].head.why == "a reason the law allows or requires"  # a rule id, in words


def test_a_chart_view_is_one_entry_naming_every_note_and_reads_as_their_number(cast: Cast) -> None:
    for i in range(4):
        progress_note_create(actor=cast.clinician, client=cast.client, body=f"canary note {i}", channel=Channel.CLI)
    mark = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    assert signed_in(cast.clinician).get(f"/clients/{cast.client.id}/").status_code == 200
    [read] = AuditEvent.objects.filter(id__gt=mark, action=AuditAction.NOTE_READ)
    assert len(read.object_ids.split()) == 5  # the cast's note and the four new ones
    line = next(line for line in _page(cast).lines if line.head.action == AuditAction.NOTE_READ)
    assert line.what == "read 5 of your progress notes" and len(line.rows) == 1


def test_the_history_filters_by_person(cast: Cast) -> None:
    _record(cast, cast.supervisor, AuditAction.CLIENT_READ)
    _record(cast, cast.clinician, AuditAction.CLIENT_READ)
    rows = _page(cast, person=cast.supervisor.id).rows
    assert rows and {r.actor for r in rows} == {str(cast.supervisor.id)}
    assert _page(cast, person=cast.colleague.id).rows == []  # never looked


def test_the_portal_offers_the_care_team_and_ignores_a_malformed_person(cast: Cast) -> None:
    assert cast.client_member is not None
    http = signed_in(cast.client_member)
    page = http.get("/portal/history/")
    assert page.status_code == 200
    assert f'value="{cast.clinician.id}">Chris Clinician<'.encode() in page.content
    assert http.get("/portal/history/?person=not-a-uuid").status_code == 200
    filtered = http.get(f"/portal/history/?person={cast.clinician.id}")
    assert {r.actor for r in filtered.context["page"].rows} == {str(cast.clinician.id)}
    assert filtered.context["filtered"] is True  # the browser checks exactly what is shown, not the range


def test_every_line_is_in_plain_words(cast: Cast) -> None:
    for action in AuditAction:
        _record(cast, cast.clinician, action, purpose="ca.pc11166.child_abuse")
    for line in _page(cast).lines:
        text = f"{line.head.who} {line.what} {line.head.why}"
        assert not re.search(r"\w+:\w+|\w+\.\w+\.\w+|_", text), text  # no action codes, rule ids or snake_case


def test_what_a_job_did_on_its_day_is_confides_and_an_operators_command_the_administrators(cast: Cast) -> None:
    with transaction.atomic():
        for channel in (Channel.JOB, Channel.CLI):
            event_record(
                actor=None,
                practice_id=cast.client.practice_id,
                action=AuditAction.APPOINTMENT_REMIND,
                channel=channel,
                client_id=cast.client.id,
            )
    cli, job = _page(cast).rows[:2]
    assert (job.who, job.role) == ("Confide", "automatically")
    assert (cli.who, cli.role) == ("The system administrator", "system administrator")


def test_pages_answer_for_their_numbers_and_link_to_the_next(cast: Cast) -> None:
    before = _mark(cast)
    for _ in range(120):
        _record(cast, cast.clinician, AuditAction.CLIENT_READ)
    newest = before + 120
    first = _page(cast)
    assert (len(first.rows), first.first, first.high) == (50, True, None)
    assert [r.seq for r in first.rows] == list(range(newest, newest - 50, -1))
    assert first.older == newest - 49 == first.low  # the next page starts below the last number shown
    assert cast.client_member is not None
    second = history_page(
        practice_id=cast.client.practice_id, client_id=cast.client.id, viewer=cast.client_member, before=first.older
    )
    assert (second.first, second.high, second.rows[0].seq) == (False, newest - 50, newest - 50)
    assert second.older == newest - 99 == second.low
    last = history_page(
        practice_id=cast.client.practice_id,
        client_id=cast.client.id,
        viewer=cast.client_member,
        before=min(
            r.seq
            for r in history_page(
                practice_id=cast.client.practice_id,
                client_id=cast.client.id,
                viewer=cast.client_member,
                before=second.older,
            ).rows
        ),
    )
    assert last.older is None and last.low == 1  # the oldest page answers down to number 1


def test_a_history_of_exactly_one_page_links_to_no_older_one(cast: Cast) -> None:
    for _ in range(PAGE - _mark(cast)):
        _record(cast, cast.clinician, AuditAction.CLIENT_READ)
    full = _page(cast)
    assert (len(full.rows), full.older, full.low) == (PAGE, None, 1)
    _record(cast, cast.clinician, AuditAction.CLIENT_READ)
    assert _page(cast).older == 2  # one more: the oldest entry is on a page of its own


def test_a_kind_keeps_only_its_actions_and_a_row_says_what_its_entry_committed(cast: Cast) -> None:
    _record(cast, cast.clinician, AuditAction.CLIENT_READ)
    _record(cast, cast.clinician, AuditAction.NOTE_CREATE)
    assert cast.client_member is not None
    wrote = history_page(
        practice_id=cast.client.practice_id, client_id=cast.client.id, viewer=cast.client_member, kind="wrote"
    )
    assert wrote.rows and {r.action for r in wrote.rows} <= set(KINDS["wrote"][1])
    [row] = [r for r in _page(cast).rows[:2] if r.action == AuditAction.CLIENT_READ]
    assert (row.role_code, row.mine, row.seal, row.objects, row.actor) == (
        "clinician",
        False,
        "",
        0,
        str(cast.clinician.id),
    )
    with transaction.atomic():
        own = event_record(
            actor=cast.client_member,
            action=AuditAction.CLIENT_PORTAL_READ,
            channel=Channel.WEB,
            client_id=cast.client.id,
        )
        event_record(
            actor=None,
            practice_id=cast.client.practice_id,
            action=AuditAction.CLIENT_KEY_ROTATE,
            channel=Channel.CLI,
            client_id=cast.client.id,
        )
    operator, mine = _page(cast).rows[:2]
    assert (mine.seq, mine.mine, mine.who) == (own.client_seq, True, "You")
    assert (operator.actor, operator.role_code) == ("", "operator")


def test_a_row_of_a_chart_view_counts_its_notes(cast: Cast) -> None:
    with transaction.atomic():
        event_record(
            actor=cast.clinician,
            action=AuditAction.NOTE_READ,
            channel=Channel.WEB,
            client_id=cast.client.id,
            object_type="progress-note",
            object_ids=["a", "b", "c"],
        )
        event_record(
            actor=cast.clinician,
            action=AuditAction.CLIENT_READ,
            channel=Channel.WEB,
            client_id=cast.client.id,
            object_ids=["x", "y"],
        )
    record, notes = _page(cast).rows[:2]
    assert (notes.what, notes.objects) == ("read 3 of your progress notes", 3)
    assert (record.what, record.objects) == ("opened your record", 2)  # not a count of notes
