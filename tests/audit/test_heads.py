"""The extension lines of a checkpoint, read exactly as they are written (the browser splits on one space too)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid

import pytest

from confide.audit.heads import Head, HeadMap, extension_line, parse_extension, parse_previous, previous_line

ROOT = bytes(range(32))
HEADS = extension_line(3, ROOT)


def test_the_heads_line_is_found_among_the_others_and_read_back() -> None:
    lines = ["other/v1 7 AAAA", previous_line(5), HEADS, "confide-heads/v2 9 AAAA"]  # an unknown 3-part line first
    assert parse_extension(lines) == (3, ROOT)
    assert parse_extension([previous_line(5)]) is None


@pytest.mark.parametrize(
    "line",
    [
        HEADS.replace(" ", "  ", 1),  # two spaces: not the line as written
        HEADS.replace(" ", "\t", 1),
        f"{HEADS} extra",
    ],
)
def test_a_heads_line_not_exactly_as_written_is_not_read(line: str) -> None:
    assert parse_extension([line]) is None


def test_a_heads_root_that_is_not_strict_base64_is_refused() -> None:
    with pytest.raises(binascii.Error):
        parse_extension([f"confide-heads/v1 3 {base64.b64encode(ROOT).decode()[:-4]}!!!!"])


def test_the_previous_size_is_found_among_the_others() -> None:
    assert parse_previous(["other/v1 7", HEADS, previous_line(5)]) == 5  # an unknown 2-part line first
    assert parse_previous([HEADS]) is None
    assert parse_previous([previous_line(5).replace(" ", "  ")]) is None
    assert parse_previous(["confide-time/v1 1700000000"]) is None


def test_a_heads_leaf_is_the_byte_layout_the_browser_hashes() -> None:
    """RFC 9162 leaf hash of context, the client id's 16 bytes, then seq and index as 8 big-endian bytes
    (verify-history.js builds the same bytes; a change on one side alone breaks every client's check)."""
    client = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
    expected = hashlib.sha256(
        b"\x00confide-client-head-v1\x00"
        + bytes.fromhex("00112233445566778899aabbccddeeff")
        + bytes.fromhex("0000000000000003")
        + bytes.fromhex("0000000000000102")
    ).digest()
    assert Head(client=client, seq=3, index=258).leaf() == expected


def test_a_client_with_two_heads_is_refused_wherever_they_sort() -> None:
    first, second, third = (uuid.UUID(int=n) for n in (1, 2, 3))
    with pytest.raises(ValueError, match="^a client has more than one head$"):
        HeadMap.of([Head(second, 1, 1), Head(first, 1, 0), Head(second, 2, 5)])  # adjacent once sorted
    with pytest.raises(ValueError, match="^a client has more than one head$"):
        HeadMap.of([Head(third, 4, 9), Head(third, 5, 10), Head(first, 1, 0), Head(second, 1, 2)])
    assert [h.client for h in HeadMap.of([Head(second, 1, 1), Head(first, 1, 0)]).heads] == [first, second]
