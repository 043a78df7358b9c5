"""Emergency access through the two-person escrow."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pyrage
import pytest
from django.core.management import CommandError, call_command
from pytest_django.fixtures import Settings

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.records.author_keys import author_key_reset
from confide.records.private_notes import private_note_create
from tests.cast import PASSWORD, Cast


def _identity(tmp_path: Path, name: str) -> tuple[pyrage.x25519.Identity, Path]:
    identity = pyrage.x25519.Identity.generate()
    path = tmp_path / name
    path.write_text(f"# escrow holder {name}\n{identity}\n")
    return identity, path


def test_two_holders_open_the_notes_into_an_age_file_and_it_is_audited(
    cast: Cast, tmp_path: Path, settings: Settings
) -> None:
    a, a_file = _identity(tmp_path, "a.txt")
    b, b_file = _identity(tmp_path, "b.txt")
    settings.CONFIDE_ESCROW_RECIPIENTS = [str(a.to_public()), str(b.to_public())]
    author_key_reset(member=cast.clinician, password=PASSWORD, channel=Channel.CLI)  # a key with an escrow wrap
    private_note_create(actor=cast.clinician, client=cast.client, body="escrowed words", channel=Channel.CLI)
    reader = pyrage.x25519.Identity.generate()
    out = tmp_path / "export.age"
    call_command(
        "keys",
        "escrow-open",
        author=str(cast.clinician.id),
        client=str(cast.client.id),
        identity_a=a_file,
        identity_b=b_file,
        to=str(reader.to_public()),
        out=out,
        reason="court order 123",
        stdout=StringIO(),
    )
    assert b"escrowed words" not in out.read_bytes()
    assert [n["body"] for n in json.loads(pyrage.decrypt(out.read_bytes(), [reader]))] == ["escrowed words"]
    assert AuditEvent.objects.filter(action=AuditAction.ESCROW_OPEN, client_id=cast.client.id).exists()


def test_one_holder_alone_cannot_open_it(cast: Cast, tmp_path: Path, settings: Settings) -> None:
    a, a_file = _identity(tmp_path, "a.txt")
    b, _ = _identity(tmp_path, "b.txt")
    settings.CONFIDE_ESCROW_RECIPIENTS = [str(a.to_public()), str(b.to_public())]
    author_key_reset(member=cast.clinician, password=PASSWORD, channel=Channel.CLI)
    private_note_create(actor=cast.clinician, client=cast.client, body="escrowed words", channel=Channel.CLI)
    with pytest.raises(CommandError, match="escrow does not open"):
        call_command(
            "keys",
            "escrow-open",
            author=str(cast.clinician.id),
            client=str(cast.client.id),
            identity_a=a_file,
            identity_b=a_file,
            to=str(a.to_public()),
            out=tmp_path / "x.age",
            reason="test",
            stdout=StringIO(),
        )
    assert not AuditEvent.objects.filter(action=AuditAction.ESCROW_OPEN).exists()
