"""A master-key rotation reseals sign-in sessions (confide.accounts.sessions): no one is signed out."""

from __future__ import annotations

import base64
import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.test import Client as HttpClient
from django.utils import timezone

from confide.accounts import sessions
from confide.accounts.sessions import PREFIX, SessionStore, stored_key
from confide.clients.models import Client
from confide.vault import operations
from confide.vault.keyring import MasterKey, VaultError
from confide.vault.operations import master_key_rotate
from confide.vault.sealing import RELOAD_SECONDS
from tests.cast import Cast


def test_a_master_rotation_reseals_live_sessions_and_drops_expired_ones(cast: Cast, own_master_key: Path) -> None:
    HttpClient().force_login(cast.clinician.user)  # a second live session
    http = HttpClient()
    http.force_login(cast.client_member.user)
    key = http.session.session_key
    assert key is not None
    stale = Session.objects.get(session_key=stored_key(key))
    Session.objects.create(
        session_key="e" * 32, session_data=stale.session_data, expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    old = MasterKey.load(own_master_key, create=False)
    report = master_key_rotate()
    assert report.sessions == 2 and not Session.objects.filter(session_key="e" * 32).exists()
    row = Session.objects.get(session_key=stored_key(key)).session_data
    with pytest.raises(VaultError, match="secret does not decrypt with this master key"):  # the old key alone
        old.open_secret(base64.b64decode(row[len(PREFIX) :]), purpose=f"session|{stored_key(key)}")
    assert http.get("/portal/").status_code == 200  # still signed in


def test_a_session_saved_while_the_rotation_runs_is_not_overwritten_with_what_it_read(
    cast: Cast, own_master_key: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    http = HttpClient()
    http.force_login(cast.client_member.user)
    key = http.session.session_key
    assert key is not None
    opened = sessions._open
    once: list[bool] = []

    def a_request_saves_meanwhile(data: str, row: str) -> str | None:
        signed = opened(data, row)
        if not once:  # a request for this session writes it between the rotation's read and its write
            once.append(True)
            store = SessionStore(session_key=key)
            store["saved"] = "meanwhile"
            store.save()
        return signed

    monkeypatch.setattr(sessions, "_open", a_request_saves_meanwhile)
    master_key_rotate()
    monkeypatch.setattr(sessions, "_open", opened)
    assert SessionStore(session_key=key).load()["saved"] == "meanwhile"


def test_nothing_is_resealed_before_every_process_has_loaded_the_new_primary(
    cast: Cast, own_master_key: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    moments: dict[str, float] = {}
    write, batches = operations._write_key_file, operations._clients_in_batches

    def first_write(path: Path, key: MasterKey) -> None:
        moments.setdefault("written", time.monotonic())
        write(path, key)

    def reseal_starts() -> Iterator[list[Client]]:
        moments["resealing"] = time.monotonic()
        return batches()

    monkeypatch.setattr(operations, "_write_key_file", first_write)
    monkeypatch.setattr(operations, "_clients_in_batches", reseal_starts)
    master_key_rotate()
    assert moments["resealing"] - moments["written"] >= RELOAD_SECONDS
