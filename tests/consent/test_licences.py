"""Clinician competence shown to clients; owners warned before a licence expires."""

from __future__ import annotations

import datetime as dt

from django.test import Client as HttpClient
from django.utils import timezone

from confide.audit.actions import Channel
from confide.consent.services import Licence, licences_expiring, member_set_licence
from tests.cast import Cast


def _licence(cast: Cast, expires: dt.date) -> None:
    licence = Licence("us-ca", "PSY 12345", expires, "PhD, licensed psychologist")
    member_set_licence(actor=cast.owner, member=cast.clinician, licence=licence, channel=Channel.WEB)


def _page(member: object, path: str) -> str:
    http = HttpClient()
    http.force_login(member.user)  # type: ignore[attr-defined]
    return http.get(path).content.decode()


def test_the_client_sees_credentials_and_licence(cast: Cast) -> None:
    _licence(cast, dt.date(2027, 6, 30))
    page = _page(cast.client_member, "/portal/")
    assert "PhD, licensed psychologist" in page and "Licence PSY 12345 (US-CA), valid until 30 Jun 2027" in page


def test_owners_are_warned_sixty_days_ahead(cast: Cast) -> None:
    _licence(cast, timezone.localdate() + dt.timedelta(days=59))
    assert [m.id for m in licences_expiring(practice_id=cast.owner.practice_id)] == [cast.clinician.id]
    assert "Licences to renew" in _page(cast.owner, "/dashboard/")
    assert "Licences to renew" not in _page(cast.clinician, "/dashboard/")


def test_a_licence_far_from_expiry_is_quiet(cast: Cast) -> None:
    _licence(cast, timezone.localdate() + dt.timedelta(days=61))
    assert licences_expiring(practice_id=cast.owner.practice_id) == []
