"""Legal-hold guards: each test fails when the guard it names is broken."""

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
from confide.holds.services import UnderLegalHoldError, hold_active, hold_check, hold_place, hold_release
from confide.practices.models import Member
from confide.vault.operations import client_shred
from tests.cast import Cast

REASON = "Subpoena in Doe v. Roe, case 26-CV-0042"
RELEASE = "Case dismissed on 2026-11-20."


def _hold(cast: Cast, client: Client | None = None, reason: str = REASON) -> LegalHold:
    return hold_place(actor=cast.owner, client=client or cast.client, reason=reason, channel=Channel.WEB)


def _release(actor: Member, hold: LegalHold, reason: str = RELEASE) -> None:
    hold_release(actor=actor, hold_id=hold.id, reason=reason, channel=Channel.WEB)


def _shred_command(client: Client) -> str:
    out = StringIO()
    call_command("keys", "shred", str(client.id), "--confirm", str(client.id), "--reason", "retention", stdout=out)
    return out.getvalue()


def _shredded(client: Client) -> bool:
    return Client.objects.get(pk=client.pk).shredded_at is not None


@pytest.mark.parametrize("role", ["clinician", "colleague", "supervisor", "staff", "client_member"])
def test_only_owners_place_holds(cast: Cast, role: str) -> None:
    with pytest.raises(Http404):
        hold_place(actor=getattr(cast, role), client=cast.client, reason=REASON, channel=Channel.WEB)
    assert not hold_active(client_id=cast.client.id)


def test_an_owner_cannot_hold_a_client_of_another_practice(cast: Cast) -> None:
    with pytest.raises(Http404):
        hold_place(actor=cast.outsider, client=cast.client, reason=REASON, channel=Channel.WEB)
    assert not LegalHold.objects.exists()


def test_a_hold_reason_of_ten_characters_is_enough(cast: Cast) -> None:
    _hold(cast, reason="x" * 10)
    assert hold_active(client_id=cast.client.id)


def test_a_hold_needs_a_reason_of_ten_characters(cast: Cast) -> None:
    for reason in ("x" * 9, " " * 5 + "x" * 9 + " " * 5):
        with pytest.raises(ValidationError, match=r"'reason': \['Record the order or litigation"):
            _hold(cast, reason=reason)
    assert not LegalHold.objects.exists()


def test_the_hold_reason_is_sealed_as_written(cast: Cast) -> None:
    hold = _hold(cast, reason=f"  {REASON}  ")
    stored = LegalHold.objects.get(pk=hold.pk)
    assert b"Doe v. Roe" not in bytes(stored.reason_ct)
    assert stored.open("reason", key=cast.client.data_key()) == REASON
    assert (stored.practice_id, stored.client_id, stored.placed_by_id) == (
        cast.client.practice_id,
        cast.client.id,
        cast.owner.id,
    )


def test_a_hold_is_for_one_client(cast: Cast) -> None:
    _hold(cast)
    assert hold_active(client_id=cast.client.id)
    assert not hold_active(client_id=cast.other_client.id)
    client_shred(client_id=cast.other_client.id, reason="retention ended")
    assert _shredded(cast.other_client)


def test_a_held_client_cannot_be_shredded(cast: Cast) -> None:
    _hold(cast)
    with pytest.raises(UnderLegalHoldError, match="legal hold"):
        client_shred(client_id=cast.client.id, reason="retention ended")
    client = Client.objects.get(pk=cast.client.pk)
    assert client.open("name", key=client.data_key()) == "Jordan Canary-Client"  # the key still unwraps


def test_the_shred_command_refuses_a_held_client(cast: Cast) -> None:
    _hold(cast)
    with pytest.raises(CommandError, match="legal hold"):
        _shred_command(cast.client)
    assert not _shredded(cast.client)


def test_after_release_the_shred_command_works_again(cast: Cast) -> None:
    hold = _hold(cast)
    _release(cast.owner, hold)
    assert "shredded" in _shred_command(cast.client)
    assert _shredded(cast.client)


def test_hold_check_passes_once_every_hold_is_released(cast: Cast) -> None:
    first, second = _hold(cast), _hold(cast)
    _release(cast.owner, first)
    with pytest.raises(UnderLegalHoldError, match="legal hold"):
        hold_check(client_id=cast.client.id)
    _release(cast.owner, second)
    hold_check(client_id=cast.client.id)
    client_shred(client_id=cast.client.id, reason="retention ended")
    assert _shredded(cast.client)


@pytest.mark.parametrize("role", ["clinician", "colleague", "supervisor", "staff", "client_member"])
def test_only_owners_release_holds(cast: Cast, role: str) -> None:
    hold = _hold(cast)
    with pytest.raises(Http404):
        _release(getattr(cast, role), hold)
    assert hold_active(client_id=cast.client.id)


def test_another_practices_hold_is_not_found(cast: Cast) -> None:
    hold = _hold(cast)
    with pytest.raises(Http404):
        _release(cast.outsider, hold)
    assert hold_active(client_id=cast.client.id)


def test_a_release_needs_a_reason_of_ten_characters(cast: Cast) -> None:
    hold = _hold(cast)
    for reason in ("x" * 9, " " * 5 + "x" * 9 + " " * 5):
        with pytest.raises(ValidationError, match=r"'release_reason': \['Record why the hold ends"):
            _release(cast.owner, hold, reason=reason)
    assert hold_active(client_id=cast.client.id)
    _release(cast.owner, hold, reason="x" * 10)
    assert not hold_active(client_id=cast.client.id)


def test_the_release_records_who_and_why_sealed(cast: Cast) -> None:
    hold = _hold(cast)
    _release(cast.owner, hold, reason=f"  {RELEASE}  ")
    stored = LegalHold.objects.get(pk=hold.pk)
    assert stored.released_by_id == cast.owner.id and stored.released_at is not None
    assert b"dismissed" not in bytes(stored.release_reason_ct or b"")
    assert stored.open("release_reason", key=cast.client.data_key()) == RELEASE


def test_a_hold_is_released_once(cast: Cast) -> None:
    hold = _hold(cast)
    _release(cast.owner, hold)
    released_at = LegalHold.objects.get(pk=hold.pk).released_at
    with pytest.raises(Http404):
        _release(cast.owner, hold, reason="A second, later release reason.")
    assert LegalHold.objects.get(pk=hold.pk).released_at == released_at


def test_a_malformed_hold_id_is_not_found(cast: Cast) -> None:
    with pytest.raises(Http404):
        hold_release(actor=cast.owner, hold_id="not-a-uuid", reason=RELEASE, channel=Channel.WEB)


def test_placing_and_releasing_are_audited_on_the_clients_record(cast: Cast) -> None:
    hold = _hold(cast)
    _release(cast.owner, hold)
    events = AuditEvent.objects.filter(
        client_id=cast.client.id, action__in=[AuditAction.HOLD_PLACE, AuditAction.HOLD_RELEASE]
    )
    assert sorted((e.action, e.actor_id, e.channel, e.object_type, e.object_id) for e in events) == [
        (AuditAction.HOLD_PLACE, cast.owner.id, Channel.WEB, "legal-hold", str(hold.id)),
        (AuditAction.HOLD_RELEASE, cast.owner.id, Channel.WEB, "legal-hold", str(hold.id)),
    ]
