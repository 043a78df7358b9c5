"""Progress-note guards: every note shown is audited, and only its author rewrites a draft.

Each test breaks when the guard it names is removed or loosened in ``confide.records.progress``.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.records.models import ProgressNote
from confide.records.progress import open_body, progress_note_create, progress_note_update, progress_notes_for
from tests.cast import Cast


def test_reading_the_list_records_one_read_event_naming_every_note_shown(cast: Cast) -> None:
    for body in ("Second canary session", "Third canary session"):
        progress_note_create(actor=cast.clinician, client=cast.client, body=body, channel=Channel.CLI)
    views = progress_notes_for(actor=cast.supervisor, client=cast.client, channel=Channel.WEB)
    assert len(views) == 3
    [read] = AuditEvent.objects.filter(action=AuditAction.NOTE_READ)
    assert sorted(read.object_ids.split()) == sorted(str(v.id) for v in views) and read.object_id == ""
    assert (read.actor_id, read.client_id, read.object_type) == (cast.supervisor.id, cast.client.id, "progress-note")
    objects = read.canonical_fields()["objects"]
    assert isinstance(objects, list) and sorted(objects) == sorted(str(v.id) for v in views)


def test_another_treating_clinician_cannot_rewrite_the_authors_draft(cast: Cast) -> None:
    with pytest.raises(ValidationError) as caught:
        progress_note_update(
            actor=cast.cotherapist, client=cast.client, note_id=cast.note.id, body="Cam rewrite", channel=Channel.WEB
        )
    assert set(caught.value.message_dict) == {"body"}
    note = ProgressNote.objects.get(pk=cast.note.pk)
    assert open_body(note, cast.client) == "Session canary-note body"
    assert (note.status, note.updated_at) == (cast.note.status, cast.note.updated_at)
    assert not AuditEvent.objects.filter(action=AuditAction.NOTE_UPDATE).exists()
