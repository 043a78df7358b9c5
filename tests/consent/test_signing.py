"""Signing an agreement: comprehension check, typed name, the exact text's hash, sealed evidence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.consent.due import DueReason
from confide.consent.models import AgreementKind, Signature
from confide.consent.selectors import client_due_reasons, document_for, resolution_for, version_current
from confide.scheduling.services import series_create
from tests.cast import Cast
from tests.consent.helpers import RIGHT, current_hash, sign


def test_signing_records_the_document_hash_and_packs(cast: Cast) -> None:
    signature = sign(cast)
    assert signature.document_sha256 == current_hash(cast)
    assert signature.pack_refs == ["us-federal@2026.1", "us-ca@2026.1"]
    assert signature.event == Signature.Event.GIVEN


def test_signing_again_is_a_renewal(cast: Cast) -> None:
    sign(cast)
    assert sign(cast).event == Signature.Event.RENEWED


def test_a_signed_client_is_no_longer_due(cast: Cast) -> None:
    assert client_due_reasons(client=cast.client) != []
    sign(cast)
    assert client_due_reasons(client=cast.client) == []


def test_wrong_answers_are_field_errors_and_nothing_is_saved(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="When I may share without asking you") as caught:
        sign(cast, answers={**RIGHT, "share": "never"})
    assert list(caught.value.message_dict) == ["share"]
    assert not Signature.objects.exists()


def test_the_typed_name_must_match_the_record(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="exactly as your practice has it") as caught:
        sign(cast, typed_name="Someone Else")
    assert "typed_name" in caught.value.message_dict


def test_case_and_spacing_of_the_name_do_not_matter(cast: Cast) -> None:
    assert sign(cast, typed_name="  jordan   canary-client ").pk


def test_a_stale_document_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="changed while you were reading") as caught:
        sign(cast, document_sha256="0" * 64)
    assert "changed while you were reading" in caught.value.message_dict["document"][0]


def test_only_the_client_themself_can_sign(cast: Cast) -> None:
    with pytest.raises(Http404):
        sign(cast, member=cast.clinician)


def test_the_evidence_is_sealed_not_stored_in_the_clear(cast: Cast) -> None:
    signature = sign(cast)
    stored = Signature.objects.get(pk=signature.pk)
    for column, plain in (("typed_name", b"Jordan"), ("ip", b"203.0.113.7"), ("user_agent", b"Canary-Agent")):
        assert plain not in bytes(getattr(stored, f"{column}_ct"))
        assert stored.open(column, key=cast.client.data_key()).encode().startswith(plain)


def test_signing_is_audited_in_the_clients_history(cast: Cast) -> None:
    signature = sign(cast)
    event = AuditEvent.objects.get(action=AuditAction.AGREEMENT_SIGN)
    assert (event.client_id, event.object_id) == (cast.client.id, str(signature.id))


def _session_in_two_days(cast: Cast, modality: str) -> None:
    sign(cast)
    series_create(
        actor=cast.clinician,
        client=cast.client,
        first_start=timezone.now() + dt.timedelta(days=2),
        cadence_days=7,
        count=1,
        modality=modality,
        channel=Channel.CLI,
    )


def test_a_video_session_makes_teletherapy_consent_due_until_signed(cast: Cast) -> None:
    _session_in_two_days(cast, "video")
    assert client_due_reasons(client=cast.client) == [DueReason.TELEHEALTH]
    telehealth = version_current(practice_id=cast.client.practice_id, kind=AgreementKind.TELEHEALTH)
    resolution = resolution_for(practice=cast.client.practice, client=cast.client)
    assert telehealth is not None and resolution is not None
    digest = document_for(version=telehealth, resolution=resolution, practice=cast.client.practice).sha256
    sign(cast, version=telehealth, document_sha256=digest)
    assert client_due_reasons(client=cast.client) == []


def test_in_person_sessions_need_no_teletherapy_consent(cast: Cast) -> None:
    _session_in_two_days(cast, "in_person")
    assert client_due_reasons(client=cast.client) == []
