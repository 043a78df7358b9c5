"""Break-glass: reason required, time-limited, owner alerted at once, reviewed, visible to the client."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.history import history_page
from confide.breakglass.models import Grant
from confide.breakglass.services import breakglass_open, breakglass_review, reviews_open
from confide.clients.selectors import client_get_for_member
from confide.practices.permissions import Permission
from tests.cast import Cast
from tests.conftest import Inbox

REASON = "Client called in crisis; their clinician is on leave and I need the safety plan."


def _open(cast: Cast) -> None:
    breakglass_open(member=cast.colleague, client_number="C-00001", reason=REASON, channel=Channel.WEB)


def test_off_the_team_the_record_stays_closed(cast: Cast) -> None:
    with pytest.raises(Http404):
        client_get_for_member(member=cast.colleague, client_id=cast.client.id, channel=Channel.WEB)


def test_a_reason_is_required(cast: Cast, smtp_inbox: Inbox) -> None:
    with pytest.raises(ValidationError, match="reason.*State the emergency") as caught:
        breakglass_open(member=cast.colleague, client_number="C-00001", reason="need it", channel=Channel.WEB)
    assert "reason" in caught.value.message_dict
    assert not Grant.objects.exists() and smtp_inbox.messages == []


def test_the_grant_opens_the_record_read_only(cast: Cast, smtp_inbox: Inbox) -> None:
    _open(cast)
    client, role = client_get_for_member(member=cast.colleague, client_id=cast.client.id, channel=Channel.WEB)
    assert (client.id, role) == (cast.client.id, "emergency")
    with pytest.raises(Http404):
        client_get_for_member(
            member=cast.colleague,
            client_id=cast.client.id,
            permission=Permission.RECORDS_NOTE_WRITE,
            channel=Channel.WEB,
        )


def test_the_grant_expires(cast: Cast, smtp_inbox: Inbox) -> None:
    _open(cast)
    Grant.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(Http404):
        client_get_for_member(member=cast.colleague, client_id=cast.client.id, channel=Channel.WEB)


def test_the_owner_is_alerted_at_once_without_phi(cast: Cast, smtp_inbox: Inbox) -> None:
    _open(cast)
    [message] = smtp_inbox.messages
    assert message["To"] == "olivia@harbor.test"
    text = str(message["Subject"]) + smtp_inbox.body()
    assert "/practice/emergency-access/" in text
    for word in ("Jordan", "Canary", "Casey", "crisis"):
        assert word not in text


def test_the_review_queue_must_be_closed_with_a_decision(cast: Cast, smtp_inbox: Inbox) -> None:
    _open(cast)
    [grant] = reviews_open(actor=cast.owner)
    with pytest.raises(ValidationError, match="note.*Record the reasons"):
        breakglass_review(actor=cast.owner, grant_id=grant.id, justified=True, note=" ", channel=Channel.WEB)
    breakglass_review(
        actor=cast.owner, grant_id=grant.id, justified=True, note="Safety plan needed.", channel=Channel.WEB
    )
    assert reviews_open(actor=cast.owner) == []
    with pytest.raises(Http404):  # closing the review also ends the access
        client_get_for_member(member=cast.colleague, client_id=cast.client.id, channel=Channel.WEB)


def test_the_client_sees_the_emergency_access(cast: Cast, smtp_inbox: Inbox) -> None:
    _open(cast)
    client_get_for_member(member=cast.colleague, client_id=cast.client.id, channel=Channel.WEB)
    assert cast.client_member is not None
    rows = history_page(practice_id=cast.client.practice_id, client_id=cast.client.id, viewer=cast.client_member).rows
    assert any("emergency" in r.what for r in rows if r.action == AuditAction.BREAKGLASS_OPEN)
    assert any(r.why == "emergency access" for r in rows if r.action == AuditAction.CLIENT_READ)
