"""Arrange disclosures through the real services."""

from __future__ import annotations

from typing import Any

import pyrage

from confide.audit.actions import Channel
from confide.disclosures.models import DisclosureRequest
from confide.disclosures.services import RequestInput, disclosure_decide, disclosure_release, disclosure_request_create
from confide.practices.models import Member
from confide.records.progress import progress_note_sign
from tests.cast import Cast

IDENTITY = pyrage.x25519.Identity.generate()
RECIPIENT = str(IDENTITY.to_public())


def sign_note(cast: Cast) -> str:
    """Sign the cast's session note (only signed notes can be disclosed); returns its item key."""
    cast.note.refresh_from_db()  # the stored state: the access matrix rolls back between roles
    if cast.note.status != cast.note.Status.SIGNED:
        progress_note_sign(actor=cast.clinician, client=cast.client, note_id=cast.note.id, channel=Channel.CLI)
    return f"note:{cast.note.id}"


def prepare(cast: Cast, *, by: Member | None = None, **overrides: Any) -> DisclosureRequest:
    fields: dict[str, Any] = {
        "situation": "threat_to_identifiable_others",
        "recipient_name": "Officer Canary-Police, Harbor PD",
        "recipient_address": "1 Canary Street",
        "purpose": "Warn of a serious threat of violence against an identifiable person",
        "justification": "Only identity and the session note with the threat are needed to act on the warning.",
        "items": ["identity", sign_note(cast)],
        "emergency": False,
        "notice": "immediate",
        "notice_on": None,
        "notice_reason": "",
    }
    fields.update(overrides)
    return disclosure_request_create(
        member=by or cast.clinician,
        client=cast.client,
        data=RequestInput(**fields),
        channel=Channel.WEB,
    )


def approve(cast: Cast, request: DisclosureRequest) -> None:
    disclosure_decide(
        member=cast.supervisor,
        request=request,
        approve=True,
        note="Consulted: the threat is credible.",
        channel=Channel.WEB,
    )


def release(cast: Cast, request: DisclosureRequest, *, by: Member | None = None, **overrides: Any) -> bytes:
    arguments: dict[str, Any] = {"recipient_key": RECIPIENT, "passphrase": "", "private_bodies": {}}
    arguments.update(overrides)
    request.refresh_from_db()
    return disclosure_release(member=by or cast.clinician, request=request, channel=Channel.WEB, **arguments)


def released(cast: Cast, **overrides: Any) -> DisclosureRequest:
    request = prepare(cast, **overrides)
    if not request.emergency:
        approve(cast, request)
    release(cast, request)
    request.refresh_from_db()
    return request
