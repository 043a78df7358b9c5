"""Recording measures: sealed answers, early warnings, acknowledgement, history, FHIR export."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from fhir.resources.questionnaireresponse import QuestionnaireResponse

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.measures.fhir import questionnaire_response
from confide.measures.models import Administration, EarlyWarning
from confide.measures.services import assignment_create, history_for, warning_acknowledge, warnings_open_for
from tests.cast import Cast
from tests.measures.helpers import record


def test_answers_and_results_are_sealed(cast: Cast) -> None:
    administration, _ = record(cast, "phq9", [1, 1, 1, 1, 1, 1, 1, 1, 0])
    stored = Administration.objects.get(pk=administration.pk)
    assert b"[1, 1" not in bytes(stored.answers_ct) and b"mild" not in bytes(stored.result_ct)
    assert json.loads(stored.open("result", key=cast.client.data_key()))["band"] == "mild"


def test_invalid_answers_are_a_field_error_and_nothing_is_saved(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="has 9 items; got 3") as caught:
        record(cast, "phq9", [1, 2, 3])
    assert "has 9 items; got 3" in caught.value.message_dict["answers"][0]
    assert not Administration.objects.exists()


def test_item9_raises_a_risk_warning_first_on_the_dashboard(cast: Cast) -> None:
    record(cast, "srs", [80, 80, 80, 80])
    _, warnings = record(cast, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert len(warnings) == 1
    shown = warnings_open_for(member=cast.clinician)
    assert [w.kind for w in shown] == ["risk", "alliance"]
    assert shown[0].client_name == "Jordan Canary-Client" and shown[0].rule == "R1"
    assert warnings_open_for(member=cast.colleague) == []  # not on the care team


def test_reliable_deterioration_compares_with_the_last_result(cast: Cast) -> None:
    record(cast, "phq9", [1, 1, 1, 1, 0, 0, 0, 0, 0], when=timezone.now() - dt.timedelta(days=14))
    _, warnings = record(cast, "phq9", [2, 2, 2, 2, 1, 1, 0, 0, 0])
    details = [json.loads(w.open("detail", key=cast.client.data_key())) for w in warnings]
    assert [d["kind"] for d in details] == ["deterioration"]


def test_a_warning_is_acknowledged_with_a_note(cast: Cast) -> None:
    _, [warning] = record(cast, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 2])
    with pytest.raises(ValidationError, match=re.escape("Record what you did (e.g. risk reviewed")):
        warning_acknowledge(member=cast.clinician, warning_id=warning.id, note=" ", channel=Channel.WEB)
    with pytest.raises(Http404):
        warning_acknowledge(member=cast.colleague, warning_id=warning.id, note="seen", channel=Channel.WEB)
    warning_acknowledge(
        member=cast.clinician, warning_id=warning.id, note="Risk reviewed by phone.", channel=Channel.WEB
    )
    assert EarlyWarning.objects.get(pk=warning.pk).acknowledged_at is not None
    assert warnings_open_for(member=cast.clinician) == []


def test_history_is_audited_and_in_order(cast: Cast) -> None:
    record(cast, "gad7", [1] * 7, when=timezone.now() - dt.timedelta(days=7))
    record(cast, "gad7", [2] * 7)
    series = history_for(member=cast.clinician, client=cast.client, channel=Channel.WEB)
    assert [p.total for p in series["gad7"]] == [7, 14]
    assert AuditEvent.objects.filter(action=AuditAction.MEASURE_READ, client_id=cast.client.id).exists()


def test_only_portal_instruments_can_be_assigned(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="only questionnaires whose wording is installed"):
        assignment_create(actor=cast.clinician, client=cast.client, instrument="srs", channel=Channel.WEB)
    assert assignment_create(actor=cast.clinician, client=cast.client, instrument="phq9", channel=Channel.WEB).pk


def test_phq9_exports_as_a_loinc_coded_questionnaire_response() -> None:
    resource = questionnaire_response(
        id="a1",
        instrument="phq9",
        answers=[0, 1, 2, 3, 0, 1, 2, 3, 0],
        total=12,
        client_id="c1",
        authored=dt.datetime(2026, 11, 26, tzinfo=dt.UTC),
    )
    response = QuestionnaireResponse.model_validate(resource)
    assert response.questionnaire == "http://loinc.org/q/44249-1"
    first = resource["item"][0]
    assert first["linkId"] == "/44250-9" and first["answer"][0]["valueCoding"]["code"] == "LA6568-5"
    assert resource["item"][-1] == {"linkId": "/44261-6", "answer": [{"valueInteger": 12}]}


def test_gad7_uses_the_verified_loinc_item_codes() -> None:
    resource = questionnaire_response(
        id="a2",
        instrument="gad7",
        answers=[0] * 7,
        total=0,
        client_id="c1",
        authored=dt.datetime(2026, 11, 26, tzinfo=dt.UTC),
    )
    assert [i["linkId"] for i in resource["item"]] == [
        "/69725-0",
        "/68509-9",
        "/69733-4",
        "/69734-2",
        "/69735-9",
        "/69689-8",
        "/69736-7",
        "/70274-6",
    ]


def test_a_plan_assigns_every_n_attended_sessions(cast: Cast) -> None:
    from confide.measures.models import Assignment
    from confide.measures.services import plan_set
    from confide.scheduling.services import attendance_mark, series_create

    plan_set(actor=cast.clinician, client=cast.client, instrument="phq9", every_sessions=2, channel=Channel.WEB)
    series = series_create(
        actor=cast.clinician,
        client=cast.client,
        first_start=timezone.now() - dt.timedelta(days=28),
        cadence_days=7,
        count=4,
        channel=Channel.WEB,
    )
    sessions = list(series.appointments.order_by("start_at"))
    attendance_mark(actor=cast.clinician, appointment=sessions[0], status="attended", channel=Channel.WEB)
    assert not Assignment.objects.exists()
    attendance_mark(actor=cast.clinician, appointment=sessions[1], status="attended", channel=Channel.WEB)
    assert Assignment.objects.filter(instrument="phq9", completed_at=None).count() == 1
    attendance_mark(actor=cast.clinician, appointment=sessions[2], status="attended", channel=Channel.WEB)
    attendance_mark(actor=cast.clinician, appointment=sessions[3], status="attended", channel=Channel.WEB)
    assert Assignment.objects.filter(instrument="phq9").count() == 1  # still pending: not assigned twice
