"""The extension lines of a checkpoint, read exactly as they are written (the browser splits on one space too)."""

from __future__ import annotations

import base64
import binascii

import pytest

from confide.audit.heads import extension_line, parse_extension, parse_previous, previous_line

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
