"""RFC 9162 (= RFC 6962) Merkle tree hashing, proofs and verification. Pure: no Django.

Hashes are raw 32-byte SHA-256 values. Proof generation works over any ``mth(start, end)``
callable returning the hash of leaves [start, end), so storage can answer from stored
subtree hashes (O(log n) lookups) while the list-based helpers below serve tests and tools.

Decisions where the RFC leaves room (as transparency-dev/merkle does):
- every hash must be exactly 32 bytes;
- a consistency proof from size 0 is always rejected (it proves nothing);
- equal sizes need an empty proof and equal roots.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import cache

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Mth = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly below n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The tree head of the leaves, by the streaming stack algorithm (RFC 9162 §2.1.2)."""
    if not leaf_hashes:
        return EMPTY_ROOT
    stack: list[bytes] = []
    for index, leaf in enumerate(leaf_hashes):
        stack.append(leaf)
        merges = index
        while merges & 1:  # one merge per trailing 1-bit of the index
            right = stack.pop()
            stack.append(node_hash(stack.pop(), right))
            merges >>= 1
    result = stack.pop()
    while stack:
        result = node_hash(stack.pop(), result)
    return result


def list_mth(leaf_hashes: Sequence[bytes]) -> Mth:
    """An ``mth`` over an in-memory list of leaf hashes (memoised per call site)."""

    @cache
    def mth(start: int, end: int) -> bytes:
        if end - start == 1:
            return leaf_hashes[start]
        k = split_point(end - start)
        return node_hash(mth(start, start + k), mth(start + k, end))

    return mth


def inclusion_proof_from(mth: Mth, index: int, size: int) -> list[bytes]:
    """PATH(m, D_n) of RFC 9162 §2.1.3.1, sibling first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            path.append(mth(start + k, end))
            end = start + k
        else:
            path.append(mth(start, start + k))
            start += k
    path.reverse()
    return path


def consistency_proof_from(mth: Mth, old_size: int, new_size: int) -> list[bytes]:
    """PROOF(m, D_n) of RFC 9162 §2.1.4.1."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to {new_size}")
    if old_size == new_size:
        return []
    proof: list[bytes] = []
    start, end, m, complete = 0, new_size, old_size, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            proof.append(mth(start + k, end))
            end = start + k
        else:
            proof.append(mth(start, start + k))
            start, m, complete = start + k, m - k, False
    if not complete:
        proof.append(mth(start, end))
    proof.reverse()
    return proof


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    return inclusion_proof_from(list_mth(leaf_hashes), index, len(leaf_hashes))


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    return consistency_proof_from(list_mth(leaf_hashes), old_size, len(leaf_hashes))


def _sizes_ok(*hashes: bytes) -> bool:
    return all(isinstance(h, bytes) and len(h) == HASH_SIZE for h in hashes)


def _inner_and_border(index: int, size: int) -> tuple[int, int]:
    inner = (index ^ (size - 1)).bit_length()
    border = bin(index >> inner).count("1")
    return inner, border


def verify_inclusion(index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2 with the length pre-checks of the reference implementation."""
    if not 0 <= index < size or not _sizes_ok(leaf_hash, root, *proof):
        return False
    inner, border = _inner_and_border(index, size)
    if len(proof) != inner + border:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2 with the pre-checks of the reference implementation."""
    if new_size < old_size or old_size <= 0:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof or not _sizes_ok(old_root, new_root, *proof):
        return False
    inner, border = _inner_and_border(old_size - 1, new_size)
    shift = (old_size & -old_size).bit_length() - 1  # trailing zeros: the old tree's complete subtree
    # The path starts from the old tree's largest complete subtree: the old root itself when
    # the old size is a power of two (the proof then leaves it out), else the proof's first hash.
    path = [old_root, *proof] if old_size == 1 << shift else list(proof)
    if len(path) != 1 + inner - shift + border:
        return False
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0
