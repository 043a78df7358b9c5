"""Guards on the client's own consent records: only their own directives and signatures, expiry, download trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.consent.directives import directive_fhir, directive_grant, directive_list
from confide.consent.models import Directive, Signature
from confide.consent.selectors import document_for, resolution_for, version_current
from confide.consent.services import agreement_sign
from confide.invitations.models import Invitation
from confide.invitations.services import invitation_accept, invitation_for_client_create
from confide.practices.models import Member
from tests.cast import Cast, signed_in
from tests.consent.helpers import RIGHT, grant, sign


def _aisha_portal(cast: Cast) -> Member:
    """Give Aisha a portal account the way the practice does: invite her, she accepts with a password."""
    invitation_for_client_create(
        actor=cast.colleague, client=cast.other_client, link_base="http://testserver/invitations/", channel=Channel.WEB
    )
    invitation = Invitation.objects.get(client=cast.other_client)
    member = invitation_accept(invitation=invitation, password="a long passphrase for aisha", signed_in=None)
    cast.other_client.refresh_from_db()
    assert cast.other_client.portal_member_id == member.id
    return member


def _aisha_grants(cast: Cast, aisha: Member) -> Directive:
    return directive_grant(
        member=aisha,
        client=cast.other_client,
        recipient_kind="gp",
        recipient_name="Dr Aisha's GP",
        categories=["attendance"],
        purpose="TREAT",
        valid_to=None,
        channel=Channel.WEB,
    )


def _aisha_signs(cast: Cast, aisha: Member) -> Signature:
    client = cast.other_client
    version = version_current(practice_id=client.practice_id)
    resolution = resolution_for(practice=client.practice, client=client)
    assert version is not None and resolution is not None
    return agreement_sign(
        member=aisha,
        client=client,
        version=version,
        document_sha256=document_for(version=version, resolution=resolution, practice=client.practice).sha256,
        typed_name="Aisha Other-Client",
        answers=dict(RIGHT),
        ip="203.0.113.8",
        user_agent="Canary-Agent/1.0",
        channel=Channel.WEB,
    )


def test_a_client_cannot_withdraw_another_clients_permission(cast: Cast) -> None:
    aisha = _aisha_portal(cast)
    theirs = _aisha_grants(cast, aisha)
    response = signed_in(cast.client_member).post(f"/portal/sharing/{theirs.id}/withdraw/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Directive.Status.ACTIVE and theirs.revoked_at is None
    assert not AuditEvent.objects.filter(action=AuditAction.DIRECTIVE_REVOKE).exists()


def test_a_client_cannot_export_another_clients_permission(cast: Cast) -> None:
    aisha = _aisha_portal(cast)
    theirs = _aisha_grants(cast, aisha)
    response = signed_in(cast.client_member).get(f"/portal/sharing/{theirs.id}/consent.json")
    assert response.status_code == 404


def test_an_expired_permission_no_longer_shows_as_active(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    today = timezone.localdate()
    directive = grant(cast, valid_to=today + dt.timedelta(days=3))
    assert [d.active for d in directive_list(client=cast.client)] == [True]
    assert cast.client_member is not None
    fhir = directive_fhir(member=cast.client_member, client=cast.client, directive_id=directive.id, channel=Channel.WEB)
    assert fhir["status"] == "active"

    later = timezone.now() + dt.timedelta(days=3)  # the end date itself: the permission has lapsed
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert [d.active for d in directive_list(client=cast.client)] == [False]
    fhir = directive_fhir(member=cast.client_member, client=cast.client, directive_id=directive.id, channel=Channel.WEB)
    assert fhir["status"] == "inactive"


def test_granting_for_a_client_one_is_not_the_portal_member_of_is_refused(cast: Cast) -> None:
    assert cast.client_member is not None
    with pytest.raises(Http404):
        directive_grant(
            member=cast.client_member,
            client=cast.other_client,
            recipient_kind="gp",
            recipient_name="Dr Intruder",
            categories=["attendance"],
            purpose="TREAT",
            valid_to=None,
            channel=Channel.WEB,
        )
    assert not Directive.objects.exists()


def test_exporting_a_directive_of_a_client_one_is_not_the_portal_member_of_is_refused(cast: Cast) -> None:
    aisha = _aisha_portal(cast)
    theirs = _aisha_grants(cast, aisha)
    assert cast.client_member is not None
    with pytest.raises(Http404):
        directive_fhir(member=cast.client_member, client=cast.other_client, directive_id=theirs.id, channel=Channel.WEB)


@pytest.mark.parametrize(
    ("suffix", "what"),
    [("agreement.pdf", "agreement-pdf"), ("receipt.pdf", "receipt-pdf"), ("receipt.json", "receipt-json")],
)
def test_each_download_of_a_signed_agreement_is_in_the_clients_history(cast: Cast, suffix: str, what: str) -> None:
    signature = sign(cast)
    response = signed_in(cast.client_member).get(f"/portal/agreements/{signature.id}/{suffix}")
    assert response.status_code == 200
    events = AuditEvent.objects.filter(action=AuditAction.AGREEMENT_DOWNLOAD)
    assert [(e.client_id, e.object_type, e.object_id) for e in events] == [(cast.client.id, what, str(signature.id))]
    assert events[0].actor_id == cast.client_member.id


@pytest.mark.parametrize("suffix", ["", "agreement.pdf", "receipt.pdf", "receipt.json"])
def test_another_clients_signature_is_not_found(cast: Cast, suffix: str) -> None:
    aisha = _aisha_portal(cast)
    theirs = _aisha_signs(cast, aisha)
    response = signed_in(cast.client_member).get(f"/portal/agreements/{theirs.id}/{suffix}")
    assert response.status_code == 404
    assert b"Aisha" not in response.content
    assert not AuditEvent.objects.filter(action=AuditAction.AGREEMENT_DOWNLOAD).exists()
