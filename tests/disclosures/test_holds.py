"""A legal hold blocks shredding until it is released, with reasons recorded."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.http import Http404

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.clients.models import Client
from confide.holds.models import LegalHold
from confide.holds.services import UnderLegalHoldError, hold_place, hold_release
from confide.vault.operations import client_shred
from tests.cast import Cast


def _hold(cast: Cast) -> LegalHold:
    return hold_place(
        actor=cast.owner, client=cast.client, reason="Subpoena in Doe v. Roe, case 26-CV-0042", channel=Channel.WEB
    )


def test_a_hold_blocks_shredding(cast: Cast) -> None:
    _hold(cast)
    with pytest.raises(UnderLegalHoldError, match="legal hold"):
        client_shred(client_id=cast.client.id, reason="retention ended")
    assert Client.objects.get(pk=cast.client.pk).shredded_at is None


def test_the_shred_command_explains_the_hold(cast: Cast) -> None:
    _hold(cast)
    with pytest.raises(CommandError, match="legal hold"):
        call_command(
            "keys", "shred", str(cast.client.id), "--confirm", str(cast.client.id), "--reason", "x", stdout=StringIO()
        )


def test_after_release_shredding_works(cast: Cast) -> None:
    hold = _hold(cast)
    hold_release(actor=cast.owner, hold_id=hold.id, reason="Case dismissed on 2026-11-20.", channel=Channel.WEB)
    client_shred(client_id=cast.client.id, reason="retention ended")
    assert Client.objects.get(pk=cast.client.pk).shredded_at is not None


def test_reasons_are_required_and_sealed(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="reason.*order or litigation"):
        hold_place(actor=cast.owner, client=cast.client, reason="x", channel=Channel.WEB)
    hold = _hold(cast)
    assert b"Doe v. Roe" not in bytes(LegalHold.objects.get(pk=hold.pk).reason_ct)


def test_only_the_owner_places_holds(cast: Cast) -> None:
    with pytest.raises(Http404):
        hold_place(actor=cast.clinician, client=cast.client, reason="Subpoena in Doe v. Roe", channel=Channel.WEB)


def test_holds_appear_in_the_clients_history(cast: Cast) -> None:
    _hold(cast)
    assert AuditEvent.objects.filter(action=AuditAction.HOLD_PLACE, client_id=cast.client.id).count() == 1
