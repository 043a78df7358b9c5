from __future__ import annotations

from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client as HttpClient

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.audit.services import AuditOutsideTransactionError, event_record
from confide.clients.models import Client
from tests.cast import Cast, build_cast


def _signed_in(cast: Cast) -> HttpClient:
    http = HttpClient()
    http.force_login(cast.clinician.user)
    return http


def test_reading_a_client_records_who_and_what(cast: Cast) -> None:
    _signed_in(cast).get(f"/clients/{cast.client.id}/")
    event = AuditEvent.objects.filter(action=AuditAction.CLIENT_READ).get()
    assert (event.actor_id, event.actor_role, event.client_id, event.channel) == (
        cast.clinician.id,
        "clinician",
        cast.client.id,
        "web",
    )


def test_a_read_that_cannot_be_audited_does_not_happen(cast: Cast) -> None:
    http = _signed_in(cast)
    with (
        mock.patch.object(AuditEvent, "save", side_effect=DatabaseError("audit store down")),
        pytest.raises(DatabaseError, match="audit store down"),
    ):
        http.get(f"/clients/{cast.client.id}/")


def test_a_write_that_cannot_be_audited_is_rolled_back(cast: Cast) -> None:
    before = Client.objects.count()
    with (
        mock.patch.object(AuditEvent, "save", side_effect=DatabaseError("audit store down")),
        pytest.raises(DatabaseError, match="audit store down"),
    ):
        _signed_in(cast).post("/clients/new/", {"name": "Never Saved"})
    assert Client.objects.count() == before


def test_events_cannot_be_recorded_outside_a_transaction(transactional_db: None) -> None:
    cast = build_cast()
    with pytest.raises(AuditOutsideTransactionError, match="inside the access's transaction"):
        event_record(actor=cast.clinician, action=AuditAction.CLIENT_READ, channel=Channel.WEB)


def test_listing_clients_records_one_event_per_client_shown(cast: Cast) -> None:
    _signed_in(cast).get("/clients/")
    assert list(AuditEvent.objects.filter(action=AuditAction.CLIENT_LIST).values_list("client_id", flat=True)) == [
        cast.client.id
    ]


def test_a_sign_in_is_recorded(cast: Cast) -> None:
    from tests.browser.helpers import fresh_totp
    from tests.cast import PASSWORD

    http = HttpClient()
    http.post("/accounts/login/", {"login": "chris@harbor.test", "password": PASSWORD})
    http.post("/accounts/2fa/authenticate/", {"code": fresh_totp("unit")})
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN, actor=cast.clinician).count() == 1
