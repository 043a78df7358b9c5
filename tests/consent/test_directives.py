"""Consent directives: grant, withdraw, and export as valid FHIR R5 Consent with checked codes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from fhir.resources.consent import Consent

from confide.audit.actions import Channel
from confide.consent.directives import directive_fhir, directive_list, directive_revoke, unblockable
from confide.consent.fhir import code_problems
from confide.consent.models import Directive
from tests.cast import Cast
from tests.consent.helpers import grant


def _fhir(cast: Cast, directive: Directive) -> dict[str, object]:
    assert cast.client_member is not None
    return directive_fhir(member=cast.client_member, client=cast.client, directive_id=directive.id, channel=Channel.WEB)


def test_a_directive_exports_as_valid_r5_consent(cast: Cast) -> None:
    resource = _fhir(cast, grant(cast, valid_to=timezone.localdate() + dt.timedelta(days=90)))
    consent = Consent.model_validate(resource)
    assert consent.status == "active" and consent.decision == "deny"
    assert code_problems(resource) == []


def test_psychotherapy_notes_are_denied_inside_every_permit(cast: Cast) -> None:
    consent = Consent.model_validate(_fhir(cast, grant(cast)))
    [permit] = consent.provision or []
    [nested] = permit.provision or []
    assert [label.code for label in nested.securityLabel or []] == ["PSYTHPN"]


def test_a_withdrawn_directive_exports_as_inactive(cast: Cast) -> None:
    directive = grant(cast)
    assert cast.client_member is not None
    directive_revoke(member=cast.client_member, client=cast.client, directive_id=directive.id, channel=Channel.WEB)
    assert _fhir(cast, directive)["status"] == "inactive"
    assert [d.active for d in directive_list(client=cast.client)] == [False]


def test_the_code_check_catches_what_the_library_lets_through(cast: Cast) -> None:
    resource = _fhir(cast, grant(cast)) | {"status": "bogus-code"}
    Consent.model_validate(resource)  # fhir.resources does not check bindings
    assert code_problems(resource) == ["status: 'bogus-code' is not an allowed code"]


def test_the_recipient_is_sealed(cast: Cast) -> None:
    grant(cast)
    stored = Directive.objects.get()
    assert b"Grace" not in bytes(stored.recipient_name_ct)
    assert directive_list(client=cast.client)[0].recipient == "Dr Grace Canary-GP"


def test_bad_input_names_each_field(cast: Cast) -> None:
    from confide.consent.directives import directive_grant

    assert cast.client_member is not None
    with pytest.raises(ValidationError, match="Choose who this is") as caught:
        directive_grant(
            member=cast.client_member,
            client=cast.client,
            recipient_kind="x",
            recipient_name=" ",
            categories=["psychotherapy_notes"],
            purpose="SPY",
            valid_to=dt.date(2020, 1, 1),
            channel=Channel.WEB,
        )
    assert set(caught.value.message_dict) == {"recipient_kind", "recipient_name", "categories", "purpose", "valid_to"}
    assert not Directive.objects.exists()


def test_the_portal_lists_what_a_directive_cannot_block_in_california(cast: Cast) -> None:
    ids = {d.deciding.rule.id for d in unblockable(client=cast.client)}
    assert {"ca.civ43_92.duty_to_protect", "ca.pc11166.child_abuse", "us.hipaa.164_512e.court_order"} <= ids
    assert "us.hipaa.164_512e.subpoena" not in ids
