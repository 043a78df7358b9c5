"""The Merkle core against the shared transparency-dev vectors and a simple recursive reference."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from confide.audit import merkle

# Copied into the repository with their licence (vectors/README.md), so a bare clone passes.
VECTORS = Path(__file__).resolve().parent / "vectors"


def _cases(kind: str) -> list[tuple[str, dict[str, Any]]]:
    files = sorted((VECTORS / kind).glob("*/*.json"))
    assert files, f"no {kind} vectors under {VECTORS}"
    return [(f"{f.parent.name}/{f.stem}", json.loads(f.read_text())) for f in files]


def _b(value: str) -> bytes:
    return base64.b64decode(value)


@pytest.mark.parametrize(("name", "case"), _cases("inclusion"), ids=lambda v: v if isinstance(v, str) else "")
def test_inclusion_vectors(name: str, case: dict[str, Any]) -> None:
    ok = merkle.verify_inclusion(
        case["leafIdx"], case["treeSize"], _b(case["leafHash"]), [_b(p) for p in case["proof"] or []], _b(case["root"])
    )
    assert ok is not case["wantErr"], case["desc"]


@pytest.mark.parametrize(("name", "case"), _cases("consistency"), ids=lambda v: v if isinstance(v, str) else "")
def test_consistency_vectors(name: str, case: dict[str, Any]) -> None:
    ok = merkle.verify_consistency(
        case["size1"], case["size2"], _b(case["root1"]), _b(case["root2"]), [_b(p) for p in case["proof"] or []]
    )
    assert ok is not case["wantErr"], case["desc"]


CT_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
CT_HASHES = [merkle.leaf_hash(bytes.fromhex(x)) for x in CT_LEAVES]


def test_the_ct_tree_root() -> None:
    assert base64.b64encode(merkle.root(CT_HASHES)).decode() == "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="


def test_the_empty_tree_root() -> None:
    assert merkle.root([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def _over_ct_tree(kind: str, size_key: str, root_key: str) -> list[dict[str, Any]]:
    return [
        c
        for _, c in _cases(kind)
        if not c["wantErr"]
        and 0 < c[size_key] <= 8
        and c.get("size1", 1) > 0
        and merkle.root(CT_HASHES[: c[size_key]]) == _b(c[root_key])
    ]


def test_generated_inclusion_proofs_match_the_vectors() -> None:
    cases = _over_ct_tree("inclusion", "treeSize", "root")
    assert len(cases) >= 5
    for case in cases:
        expected = [_b(p) for p in case["proof"] or []]
        assert merkle.inclusion_proof(CT_HASHES[: case["treeSize"]], case["leafIdx"]) == expected, case


def test_generated_consistency_proofs_match_the_vectors() -> None:
    cases = [c for c in _over_ct_tree("consistency", "size2", "root2") if c["size1"] < c["size2"]]
    assert len(cases) >= 4
    for case in cases:
        expected = [_b(p) for p in case["proof"] or []]
        assert merkle.consistency_proof(CT_HASHES[: case["size2"]], case["size1"]) == expected, case


# A deliberately naive reference, straight from the RFC's recursive definitions.
def _ref_mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = 1
    while k * 2 < len(d):
        k *= 2
    return hashlib.sha256(b"\x01" + _ref_mth(d[:k]) + _ref_mth(d[k:])).digest()


def _ref_path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) <= 1:
        return []
    k = 1
    while k * 2 < len(d):
        k *= 2
    return _ref_path(m, d[:k]) + [_ref_mth(d[k:])] if m < k else _ref_path(m - k, d[k:]) + [_ref_mth(d[:k])]


def _ref_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [_ref_mth(d)]
    k = 1
    while k * 2 < len(d):
        k *= 2
    if m <= k:
        return _ref_subproof(m, d[:k], b) + [_ref_mth(d[k:])]
    return _ref_subproof(m - k, d[k:], False) + [_ref_mth(d[:k])]


leaf_lists = st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=70)


@given(leaves=leaf_lists, data=st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])  # (load, not code)
def test_proofs_match_the_reference_and_verify(leaves: list[bytes], data: st.DataObject) -> None:
    n = len(leaves)
    assert merkle.root(leaves) == _ref_mth(leaves)
    index = data.draw(st.integers(0, n - 1))
    path = merkle.inclusion_proof(leaves, index)
    assert path == _ref_path(index, leaves)
    assert merkle.verify_inclusion(index, n, leaves[index], path, merkle.root(leaves))
    old = data.draw(st.integers(1, n))
    proof = merkle.consistency_proof(leaves, old)
    assert proof == (_ref_subproof(old, leaves, True) if old < n else [])
    assert merkle.verify_consistency(old, n, merkle.root(leaves[:old]), merkle.root(leaves), proof)


@given(leaves=leaf_lists, data=st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])  # (load, not code)
def test_a_changed_proof_never_verifies(leaves: list[bytes], data: st.DataObject) -> None:
    n = len(leaves)
    index = data.draw(st.integers(0, n - 1))
    path = merkle.inclusion_proof(leaves, index)
    if path:
        at = data.draw(st.integers(0, len(path) - 1))
        path[at] = bytes([path[at][0] ^ 1]) + path[at][1:]
        assert not merkle.verify_inclusion(index, n, leaves[index], path, merkle.root(leaves))
    real = merkle.root(leaves)
    wrong = bytes([real[0] ^ 1]) + real[1:]
    assert not merkle.verify_inclusion(index, n, leaves[index], merkle.inclusion_proof(leaves, index), wrong)
