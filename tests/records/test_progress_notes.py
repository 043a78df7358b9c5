"""Progress-note lifecycle: draft, signed and sealed, amended."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.records.models import ProgressNote
from confide.records.progress import (
    progress_note_amend,
    progress_note_sign,
    progress_note_update,
    progress_notes_for,
)
from tests.cast import Cast


def test_a_draft_can_be_edited_by_its_author(cast: Cast) -> None:
    progress_note_update(
        actor=cast.clinician, client=cast.client, note_id=cast.note.id, body="edited", channel=Channel.CLI
    )
    assert [n.body for n in progress_notes_for(actor=cast.clinician, client=cast.client, channel=Channel.CLI)] == [
        "edited"
    ]


def test_a_signed_note_is_sealed_and_immutable(cast: Cast) -> None:
    progress_note_sign(actor=cast.clinician, client=cast.client, note_id=cast.note.id, channel=Channel.CLI)
    with pytest.raises(ValidationError, match="sealed"):
        progress_note_update(
            actor=cast.clinician, client=cast.client, note_id=cast.note.id, body="x", channel=Channel.CLI
        )
    [view] = progress_notes_for(actor=cast.clinician, client=cast.client, channel=Channel.CLI)
    assert view.status == "signed" and view.seal_ok is True and view.signed_at is not None


def test_a_note_cannot_be_signed_twice(cast: Cast) -> None:
    progress_note_sign(actor=cast.clinician, client=cast.client, note_id=cast.note.id, channel=Channel.CLI)
    with pytest.raises(ValidationError, match="only a draft"):
        progress_note_sign(actor=cast.clinician, client=cast.client, note_id=cast.note.id, channel=Channel.CLI)


def test_an_amendment_is_a_new_note_linked_to_the_original(cast: Cast) -> None:
    progress_note_sign(actor=cast.clinician, client=cast.client, note_id=cast.note.id, channel=Channel.CLI)
    amendment = progress_note_amend(
        actor=cast.clinician, client=cast.client, note_id=cast.note.id, body="correction", channel=Channel.CLI
    )
    assert amendment.amends_id == cast.note.id and amendment.status == "draft"
    assert ProgressNote.objects.get(pk=cast.note.pk).status == "signed"


def test_a_broken_seal_shows(cast: Cast) -> None:
    progress_note_sign(actor=cast.clinician, client=cast.client, note_id=cast.note.id, channel=Channel.CLI)
    ProgressNote.objects.filter(pk=cast.note.pk).update(content_hash=b"\x00" * 32)
    [view] = progress_notes_for(actor=cast.clinician, client=cast.client, channel=Channel.CLI)
    assert view.seal_ok is False


def test_reading_notes_records_each_one(cast: Cast) -> None:
    progress_notes_for(actor=cast.supervisor, client=cast.client, channel=Channel.WEB)
    event = AuditEvent.objects.get(action=AuditAction.NOTE_READ)
    assert (event.actor_id, event.object_id) == (cast.supervisor.id, str(cast.note.id))


def test_the_supervisor_reads_but_cannot_write(cast: Cast) -> None:
    http = HttpClient()
    http.force_login(cast.supervisor.user)
    assert "Session canary-note body" in http.get(f"/clients/{cast.client.id}/").content.decode()
    assert http.post(f"/clients/{cast.client.id}/notes/new/", {"body": "x"}).status_code == 404
    assert ProgressNote.objects.count() == 1


@pytest.mark.parametrize("body", ["", "   ", "x" * 50_001, "null\x00byte"])
def test_bad_note_bodies_are_refused_and_nothing_is_written(cast: Cast, body: str) -> None:
    http = HttpClient()
    http.force_login(cast.clinician.user)
    response = http.post(f"/clients/{cast.client.id}/notes/new/", {"body": body})
    assert response.status_code == 422
    assert ProgressNote.objects.count() == 1
