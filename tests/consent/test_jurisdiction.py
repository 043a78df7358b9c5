"""Which law applies to a client: the practice's jurisdictions plus where the client lives."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from confide.audit.actions import Channel
from confide.clients.services import client_create
from confide.consent.selectors import pack_ids_for, resolution_for
from tests.cast import Cast


def test_a_client_living_elsewhere_adds_their_law(cast: Cast) -> None:
    client = client_create(actor=cast.clinician, name="Tex Canary", jurisdiction="us-tx", channel=Channel.CLI)
    assert pack_ids_for(practice=client.practice, client=client) == ["us-ca", "us-tx"]
    resolution = resolution_for(practice=client.practice, client=client)
    assert resolution is not None
    assert resolution.refs == ["us-federal@2026.1", "us-ca@2026.1", "us-tx@2026.1"]


def test_an_unknown_jurisdiction_is_refused(cast: Cast) -> None:
    with pytest.raises(ValidationError, match="Choose a jurisdiction from the list") as caught:
        client_create(actor=cast.clinician, name="Nowhere Canary", jurisdiction="us-zz", channel=Channel.CLI)
    assert "jurisdiction" in caught.value.message_dict


def test_a_practice_without_a_jurisdiction_has_no_policy_yet(cast: Cast) -> None:
    practice = cast.client.practice
    practice.jurisdictions = []
    assert resolution_for(practice=practice) is None
