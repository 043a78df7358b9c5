"""Member management never reaches across practices, in the selector and in the service on their own."""

from __future__ import annotations

import pytest
from django.http import Http404

from confide.audit.actions import Channel
from confide.audit.models import AuditEvent
from confide.invitations.services import invitation_for_member_create
from confide.practices.models import Member
from confide.practices.permissions import Role
from confide.practices.selectors import member_get_for_manager
from confide.practices.services import member_set_role
from tests.cast import Cast


def test_a_manager_cannot_look_up_another_practices_member(cast: Cast) -> None:
    with pytest.raises(Http404):
        member_get_for_manager(manager=cast.owner, member_id=cast.outsider.id)
    with pytest.raises(Http404):
        member_get_for_manager(manager=cast.owner, member_id=str(cast.outsider.id))


def test_a_manager_looks_up_a_member_of_their_own_practice(cast: Cast) -> None:
    assert member_get_for_manager(manager=cast.owner, member_id=cast.staff.id) == cast.staff


def test_a_manager_cannot_change_another_practices_members_role(cast: Cast) -> None:
    # A second Harbor owner, so that the last-owner rule cannot be what refuses the change.
    member_set_role(actor=cast.owner, member=cast.supervisor, role=Role.OWNER, channel=Channel.CLI)
    before = AuditEvent.objects.count()
    for role in (Role.STAFF, None):
        with pytest.raises(Http404):
            member_set_role(actor=cast.owner, member=cast.outsider, role=role, channel=Channel.CLI)
    otto = Member.objects.get(pk=cast.outsider.pk)
    assert (otto.role, otto.is_active) == (Role.OWNER, True)
    assert AuditEvent.objects.count() == before


def test_a_manager_cannot_change_a_non_owner_of_another_practice(cast: Cast) -> None:
    elsewhere_staff = invitation_for_member_create(
        actor=cast.outsider,
        email="ella@elsewhere.test",
        full_name="Ella Elsewhere",
        role=Role.STAFF,
        link_base="http://testserver/invitations/",
        channel=Channel.CLI,
    )
    with pytest.raises(Http404):
        member_set_role(actor=cast.owner, member=elsewhere_staff, role=Role.CLINICIAN, channel=Channel.CLI)
    with pytest.raises(Http404):
        member_set_role(actor=cast.owner, member=elsewhere_staff, role=None, channel=Channel.CLI)
    elsewhere_staff.refresh_from_db()
    assert (elsewhere_staff.role, elsewhere_staff.is_pending) == (Role.STAFF, True)
