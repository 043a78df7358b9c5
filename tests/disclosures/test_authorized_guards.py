"""Guards of client-authorized releases and of the items a disclosure reads.

Each test breaks when the guard it names is removed or loosened in ``confide.disclosures.authorized``
or ``confide.disclosures.items``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.disclosures.items import items_read
from confide.disclosures.models import DisclosureRequest
from confide.disclosures.services import situations_for
from confide.records.models import ProgressNote
from confide.records.progress import progress_note_create, progress_note_sign
from tests.cast import Cast
from tests.consent.helpers import grant
from tests.disclosures.helpers import prepare, release, sign_note


def _on(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    """Let the calendar move on to ``day`` (the directive's dates are whole days)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def _authorized_request(cast: Cast, until: dt.date) -> tuple[str, DisclosureRequest]:
    directive = grant(cast, valid_to=until)
    situation = f"authorized:{directive.id}"
    request = prepare(cast, situation=situation, items=["identity"], recipient_name="Dr Grace Canary-GP")
    assert request.state == DisclosureRequest.State.APPROVED
    return situation, request


def test_a_permission_past_its_end_date_no_longer_authorizes_a_release(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    until = timezone.localdate() + dt.timedelta(days=2)
    situation, request = _authorized_request(cast, until)
    _on(monkeypatch, until + dt.timedelta(days=1))
    assert situation not in [s.kind for s in situations_for(client=cast.client)]
    with pytest.raises(ValidationError) as caught:
        release(cast, request)
    assert set(caught.value.message_dict) == {"release"}
    request.refresh_from_db()
    assert (request.state, request.released_at) == (DisclosureRequest.State.APPROVED, None)
    assert not AuditEvent.objects.filter(action=AuditAction.DISCLOSURE_RELEASE).exists()


def test_a_permission_before_its_end_date_still_authorizes_the_release(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    until = timezone.localdate() + dt.timedelta(days=2)
    situation, request = _authorized_request(cast, until)
    _on(monkeypatch, until - dt.timedelta(days=1))
    assert situation in [s.kind for s in situations_for(client=cast.client)]
    release(cast, request)
    request.refresh_from_db()
    assert request.state == DisclosureRequest.State.RELEASED


def _other_clients_signed_note(cast: Cast) -> ProgressNote:
    note = progress_note_create(
        actor=cast.colleague, client=cast.other_client, body="Aisha canary-session body", channel=Channel.CLI
    )
    return progress_note_sign(actor=cast.colleague, client=cast.other_client, note_id=note.id, channel=Channel.CLI)


def test_another_clients_note_cannot_be_chosen_for_the_disclosure(cast: Cast) -> None:
    foreign = _other_clients_signed_note(cast)
    with pytest.raises(ValidationError) as caught:
        prepare(cast, items=["identity", f"note:{foreign.id}"])
    assert set(caught.value.message_dict) == {"items"}
    assert not DisclosureRequest.objects.exists()


def test_reading_the_chosen_items_skips_another_clients_note_unread(cast: Cast) -> None:
    own = sign_note(cast)
    foreign = _other_clients_signed_note(cast)
    contents = items_read(
        client=cast.client,
        member=cast.clinician,
        keys=["identity", own, f"note:{foreign.id}"],
        private_bodies={},
        channel=Channel.WEB,
    )
    bodies = [text for _, text in contents.texts]
    assert "Session canary-note body" in bodies
    assert not any("Aisha" in text for text in bodies)
    reads = AuditEvent.objects.filter(action=AuditAction.NOTE_READ)
    assert list(reads.values_list("client_id", "object_id")) == [(cast.client.id, str(cast.note.id))]
