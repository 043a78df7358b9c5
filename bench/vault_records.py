"""Vault costs through the ORM on a real SQLite file (WAL), each against a plaintext baseline.

- a progress note (~2 KB) saved and loaded: encrypted vs the same model holding plaintext bytes
- opening a chart of 50 notes: encrypted vs plaintext
- name search over 10,000 clients (target ≤ 50 ms), against the same query without decryption
- master-key rotation for 10,000 clients: time and peak memory (tracemalloc)
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
import uuid
from collections.abc import Callable

from bench._django import setup

setup()

from django.db import connection, transaction  # noqa: E402

from confide.audit.actions import Channel  # noqa: E402
from confide.clients.directory import directory_seal  # noqa: E402
from confide.clients.models import Client  # noqa: E402
from confide.clients.selectors import client_directory  # noqa: E402
from confide.practices.models import Member  # noqa: E402
from confide.practices.services import practice_create  # noqa: E402
from confide.records.models import ProgressNote  # noqa: E402
from confide.records.progress import open_body, seal_body  # noqa: E402
from confide.vault.operations import master_key_rotate  # noqa: E402
from confide.vault.sealing import new_wrapped_key, request_key_cache  # noqa: E402

BODY = ("Client reported improved sleep; practised grounding; homework reviewed. " * 29)[:2048]


def _median(fn: Callable[[], object], *, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _client(owner: Member, name: str) -> Client:
    client = Client(id=uuid.uuid4(), practice_id=owner.practice_id, created_by=owner)
    client.wrapped_key = new_wrapped_key(practice_id=owner.practice_id, client_id=client.id)
    client.name_ct = client.seal("name", name)
    client.name_dir_ct = directory_seal(practice_id=owner.practice_id, client_id=client.id, name=name)
    return client


def _note(owner: Member, client: Client, *, encrypted: bool) -> ProgressNote:
    note = ProgressNote(id=uuid.uuid4(), practice_id=owner.practice_id, client=client, author=owner)
    if encrypted:
        seal_body(note, client, BODY)
    else:
        note.body_ct = BODY.encode()
    return note


def run() -> list[str]:
    owner = practice_create(
        name=f"Bench {uuid.uuid4().hex[:6]}",
        owner_email=f"{uuid.uuid4().hex[:8]}@bench.test",
        owner_name="Bench",
        owner_password=None,
    )
    with request_key_cache():
        client = _client(owner, "Bench Client")
        client.save(force_insert=True)

    def save_load(encrypted: bool) -> Callable[[], object]:
        def once() -> object:
            with request_key_cache():  # one request: the client key is unwrapped once, here
                fresh = Client.objects.get(pk=client.pk)
                note = _note(owner, fresh, encrypted=encrypted)
                with transaction.atomic():
                    note.save(force_insert=True)
                loaded = ProgressNote.objects.get(pk=note.pk)
                return open_body(loaded, fresh) if encrypted else bytes(loaded.body_ct).decode()

        return once

    for encrypted in (True, False):
        _median(save_load(encrypted), repeat=50)  # warm up
    enc = _median(save_load(True), repeat=400)
    plain = _median(save_load(False), repeat=400)

    charts = {}
    for encrypted in (True, False):
        with request_key_cache():
            chart = _client(owner, "Chart Client")
            chart.save(force_insert=True)
            ProgressNote.objects.bulk_create([_note(owner, chart, encrypted=encrypted) for _ in range(50)])

        def open_chart(chart: Client = chart, encrypted: bool = encrypted) -> list[str]:
            with request_key_cache():
                fresh = Client.objects.get(pk=chart.pk)
                notes = ProgressNote.objects.filter(client=fresh).order_by("-created_at")
                return [open_body(n, fresh) if encrypted else bytes(n.body_ct).decode() for n in notes]

        _median(open_chart, repeat=10)
        charts[encrypted] = _median(open_chart, repeat=100)

    with request_key_cache():
        batch = [_client(owner, f"Client {i:05d} Example") for i in range(10_000)]
    Client.objects.bulk_create(batch, batch_size=500)

    def search() -> object:
        with request_key_cache():
            return client_directory(manager=owner, search="04242", channel=Channel.CLI)

    def search_floor() -> object:  # the same query, reading without decrypting
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, name_dir_ct, status FROM clients_client WHERE practice_id = %s AND shredded_at IS NULL",
                [owner.practice_id.hex],
            )
            return [row for row in cursor.fetchall() if b"04242" in bytes(row[1] or b"")]

    _median(search, repeat=3)
    search_time, floor_time = _median(search, repeat=15), _median(search_floor, repeat=15)

    tracemalloc.start()
    start = time.perf_counter()
    report = master_key_rotate()
    rotation = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    note_row = f"{enc * 1e3:.3f} ms | {plain * 1e3:.3f} ms | {enc / plain:.2f}×"
    chart_row = f"{charts[True] * 1e3:.2f} ms | {charts[False] * 1e3:.2f} ms | {charts[True] / charts[False]:.2f}×"
    search_row = f"{search_time * 1e3:.1f} ms | {floor_time * 1e3:.1f} ms (same query, no decryption)"
    rotation_row = f"{rotation:.2f} s, peak {peak / 2**20:.1f} MiB (tracemalloc)"
    return [
        "| measurement | encrypted | plaintext baseline | ratio | target |",
        "|---|---|---|---|---|",
        f"| save + load one 2 KB progress note | {note_row} | ≤ 1.2× |",
        f"| open a chart of 50 notes | {chart_row} | — |",
        f"| name search over 10,000 clients | {search_row} | {search_time / floor_time:.2f}× | ≤ 50 ms |",
        f"| rotate the master key ({report.clients:,} client keys) | {rotation_row} | — | — | — |",
    ]
