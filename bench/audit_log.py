"""The transparency log beside pymerkle 7.0.0 (the peer) and plain hashlib (the floor).

Sizes come from CONFIDE_BENCH_LOG_SIZES (default "1000000,10000000"); each size is a real
log in an SQLite file, built by the same generator as `confide audit generate`.
"""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from bench._django import setup
from bench._timing import median_ms as _ms

setup()

from django.db import transaction  # noqa: E402
from pymerkle import InmemoryTree, SqliteTree  # noqa: E402
from pymerkle import verify_consistency as pm_verify_consistency  # noqa: E402
from pymerkle import verify_inclusion as pm_verify_inclusion  # noqa: E402

from confide.audit import merkle  # noqa: E402
from confide.audit.actions import AuditAction, Channel  # noqa: E402
from confide.audit.generate import bench_practice, events_generate  # noqa: E402
from confide.audit.log import consistency_proof, inclusion_proof, log_root  # noqa: E402
from confide.audit.services import event_record  # noqa: E402
from confide.practices.models import Member  # noqa: E402
from confide.practices.services import practice_create  # noqa: E402

SIZES = [int(s) for s in os.environ.get("CONFIDE_BENCH_LOG_SIZES", "1000000,10000000").split(",") if s]


def _rate(fn: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    fn()
    return count / (time.perf_counter() - start)


def _request_overhead(member: Member) -> tuple[float, float]:
    def empty() -> None:
        with transaction.atomic():
            pass

    def audited() -> None:
        with transaction.atomic():
            event_record(actor=member, action=AuditAction.CLIENT_READ, channel=Channel.WEB, object_type="bench")

    _ms(audited, 50)
    return _ms(audited, 2000), _ms(empty, 2000)


def _floor_rate(count: int) -> float:
    payloads = [os.urandom(32) for _ in range(count)]
    return _rate(lambda: merkle.root([hashlib.sha256(b"\x00" + p).digest() for p in payloads]), count)


def _pymerkle_rates(count: int, folder: Path) -> tuple[float, float]:
    entries = [os.urandom(32) for _ in range(count)]
    memory = InmemoryTree(algorithm="sha256")
    single = _rate(lambda: [memory.append_entry(e) for e in entries], count)
    with SqliteTree(str(folder / "pymerkle.db"), algorithm="sha256") as tree:
        batched = _rate(lambda: tree.append_entries(entries), count)
    return single, batched


def _confide_proofs(practice_id: uuid.UUID, size: int) -> dict[str, float]:
    rng = random.Random(7)  # noqa: S311 (reproducible sample positions, not secrets)
    root = log_root(practice_id, size)
    indexes = [rng.randrange(size) for _ in range(200)]
    olds = [rng.randrange(1, size) for _ in range(200)]
    proofs = {i: inclusion_proof(practice_id, i, size) for i in indexes}
    from confide.audit.models import LogLeaf

    leaves = dict(LogLeaf.objects.filter(practice_id=practice_id, index__in=indexes).values_list("index", "leaf_hash"))
    it = iter(indexes * 3)
    ot = iter(olds * 3)
    gen_incl = _ms(lambda: inclusion_proof(practice_id, next(it), size), 200)
    ver_incl = _ms(
        lambda: [merkle.verify_inclusion(i, size, bytes(leaves[i]), proofs[i], root) for i in indexes[:1]], 200
    )
    gen_cons = _ms(lambda: consistency_proof(practice_id, next(ot), size), 200)
    old = olds[0]
    cproof = consistency_proof(practice_id, old, size)
    old_root = log_root(practice_id, old)
    ver_cons = _ms(lambda: merkle.verify_consistency(old, size, old_root, root, cproof), 200)
    return {"incl_gen": gen_incl, "incl_ver": ver_incl, "cons_gen": gen_cons, "cons_ver": ver_cons}


def _pymerkle_proofs(size: int) -> dict[str, float]:
    tree = InmemoryTree(algorithm="sha256")
    for _ in range(size):
        tree.append_entry(os.urandom(32))
    rng = random.Random(7)  # noqa: S311 (reproducible sample positions, not secrets)
    root = tree.get_state()
    index = rng.randrange(1, size + 1)
    proof = tree.prove_inclusion(index)
    base = tree.get_leaf(index)
    old = rng.randrange(1, size)
    cproof = tree.prove_consistency(old, size)
    old_root = tree.get_state(old)
    return {
        "incl_gen": _ms(lambda: tree.prove_inclusion(rng.randrange(1, size + 1)), 200),
        "incl_ver": _ms(lambda: pm_verify_inclusion(base, root, proof), 200),
        "cons_gen": _ms(lambda: tree.prove_consistency(rng.randrange(1, size), size), 200),
        "cons_ver": _ms(lambda: pm_verify_consistency(old_root, root, cproof), 200),
    }


# Runs the command from a small interpreter and reports its peak RSS. A child forked straight
# from this (large) benchmark process would inherit our peak: Linux keeps ru_maxrss across exec.
_PEAK_HELPER = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:], capture_output=True, text=True, check=False)
print((result.stdout + result.stderr).strip().splitlines()[-1])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _verify_process(database: Path, data_dir: Path, slug: str) -> tuple[float, float, str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "CONFIDE_DATA_DIR": str(data_dir)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "confide.cli", "audit", "--practice", slug, "verify"]
    start = time.perf_counter()
    result = subprocess.run(  # noqa: S603 (our own interpreter and CLI)
        [sys.executable, "-c", _PEAK_HELPER, *command], env=env, capture_output=True, text=True, check=True
    )
    elapsed = time.perf_counter() - start
    line, peak_kib = result.stdout.strip().splitlines()[-2:]
    return elapsed, int(peak_kib) / 1024, line


def run() -> list[str]:
    from django.conf import settings

    owner = practice_create(name="Overhead", owner_email="overhead@bench.test", owner_name="B", owner_password=None)
    audited, empty = _request_overhead(owner)
    rows = [
        "| measurement | Confide | pymerkle 7.0.0 (peer) | hashlib (floor) | target |",
        "|---|---|---|---|---|",
        f"| per-request audit overhead (event_record in the access's transaction) | {audited - empty:.3f} ms "
        f"({audited:.3f} vs {empty:.3f} ms for an empty transaction) | — | — | ≤ 0.5 ms |",
    ]
    folder = Path(tempfile.mkdtemp(prefix="confide-bench-log-"))
    single_pm, batched_pm = _pymerkle_rates(100_000, folder)
    floor = _floor_rate(1_000_000)
    practice = bench_practice("benchmark-log")
    ingest = _rate(lambda: events_generate(practice=practice, count=200_000), 200_000)
    rows.append(
        f"| append, single (one event per request) | {1000 / audited:,.0f} events/s | {single_pm:,.0f} entries/s "
        f"(in memory) | — | — |"
    )
    peer_batched = f"{batched_pm:,.0f} entries/s (SqliteTree.append_entries)"
    rows.append(
        f"| append, batched: sustained ingest (commitments, inserts, integration, checkpoint) | {ingest:,.0f} events/s "
        f"| {peer_batched} | {floor:,.0f} leaves/s (hash + root) | ≥ 20,000/s |"
    )
    built = 200_000
    database = Path(str(settings.DATABASES["default"]["NAME"]))
    for size in SIZES:
        start = time.perf_counter()
        events_generate(practice=practice, count=size - built)
        built = size
        build_s = time.perf_counter() - start
        ours = _confide_proofs(practice.id, size)
        peer = _pymerkle_proofs(size) if size <= 1_000_000 else None
        label = f"{size:,}"
        for key, what in (
            ("incl_gen", "inclusion proof, generate"),
            ("incl_ver", "inclusion proof, verify"),
            ("cons_gen", "consistency proof, generate"),
            ("cons_ver", "consistency proof, verify"),
        ):
            theirs = f"{peer[key]:.3f} ms (in memory)" if peer else "not run: in-memory tree too large"
            rows.append(f"| {what}, at {label} | {ours[key]:.3f} ms | {theirs} | — | ≤ 2 ms |")
        elapsed, peak, line = _verify_process(database, Path(str(settings.DATA_DIR)), practice.slug)
        ours_verify = f"{elapsed:.0f} s, peak RSS {peak:.0f} MiB (“{line}”)"
        rows.append(
            f"| `confide audit verify` at {label} (built in {build_s:.0f} s) | {ours_verify} | — | — | ≤ 256 MB |"
        )
    return rows
