"""Arrange consent data through the real services."""

from __future__ import annotations

import datetime as dt

from confide.audit.actions import Channel
from confide.consent.directives import directive_grant
from confide.consent.models import Directive, Signature
from confide.consent.questions import QUESTIONS
from confide.consent.selectors import document_for, resolution_for, version_current
from confide.consent.services import agreement_sign
from tests.cast import Cast

RIGHT = {q.id: q.correct for q in QUESTIONS}


def current_hash(cast: Cast) -> str:
    client = cast.client
    version = version_current(practice_id=client.practice_id)
    resolution = resolution_for(practice=client.practice, client=client)
    assert version is not None and resolution is not None
    return document_for(version=version, resolution=resolution, practice=client.practice).sha256


def sign(cast: Cast, **overrides: object) -> Signature:
    client = cast.client
    version = version_current(practice_id=client.practice_id)
    assert version is not None and cast.client_member is not None
    arguments: dict[str, object] = {
        "member": cast.client_member,
        "client": client,
        "version": version,
        "document_sha256": current_hash(cast),
        "typed_name": "Jordan Canary-Client",
        "answers": dict(RIGHT),
        "ip": "203.0.113.7",
        "user_agent": "Canary-Agent/1.0",
        "channel": Channel.WEB,
    }
    arguments.update(overrides)
    return agreement_sign(**arguments)  # type: ignore[arg-type]


def grant(cast: Cast, valid_to: dt.date | None = None) -> Directive:
    assert cast.client_member is not None
    return directive_grant(
        member=cast.client_member,
        client=cast.client,
        recipient_kind="gp",
        recipient_name="Dr Grace Canary-GP",
        categories=["attendance", "summary"],
        purpose="TREAT",
        valid_to=valid_to,
        channel=Channel.WEB,
    )
