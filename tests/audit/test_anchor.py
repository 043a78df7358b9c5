"""The anchor file: the newest signed checkpoint of each practice, kept outside the database. It only moves
forward, keeps the first of two notes of one size (a fork is not taken), is each practice's own, sits in a
folder only Confide's user can enter, and a restore sets it aside and is remembered line by line."""

from __future__ import annotations

import uuid
from pathlib import Path

from pytest_django.fixtures import Settings

from confide.audit.anchor import anchor_advance, anchor_read, anchor_supersede, restore_read, restore_record

A, B = uuid.UUID(int=0xA), uuid.UUID(int=0xB)


def _note(size: int, root: str = "cm9vdA==") -> str:
    return f"confide.localhost/harbor/audit\n{size}\n{root}\n\n— confide.localhost/harbor/audit c2lnbmF0dXJl\n"


def test_the_anchor_only_moves_forward(settings: Settings) -> None:
    anchor_advance(A, _note(7))
    anchor_advance(A, _note(3))  # an older checkpoint signed late never replaces a newer one
    assert anchor_read(A) == _note(7)
    anchor_advance(A, _note(9))
    assert anchor_read(A) == _note(9)


def test_of_two_notes_of_one_size_the_first_is_kept(settings: Settings) -> None:
    anchor_advance(A, _note(5, "Zmlyc3Q="))
    anchor_advance(A, _note(5, "c2Vjb25k"))
    assert anchor_read(A) == _note(5, "Zmlyc3Q=")


def test_each_practice_keeps_its_own_anchor(settings: Settings) -> None:
    anchor_advance(A, _note(4))
    assert anchor_read(B) is None
    anchor_advance(B, _note(2))
    assert (anchor_read(A), anchor_read(B)) == (_note(4), _note(2))


def test_the_anchor_folder_is_made_with_its_parents_for_confides_user_only(settings: Settings, tmp_path: Path) -> None:
    settings.CONFIDE_LOG_ANCHOR_DIR = tmp_path / "not" / "yet" / "there"
    anchor_advance(A, _note(1))
    assert anchor_read(A) == _note(1)
    assert (tmp_path / "not" / "yet" / "there").stat().st_mode & 0o777 == 0o700


def test_a_restore_sets_the_anchor_aside_and_returns_it(settings: Settings) -> None:
    assert anchor_supersede(A, suffix="20261202T000000Z") is None  # nothing kept yet
    anchor_advance(A, _note(6))
    assert anchor_supersede(A, suffix="20261202T000000Z") == _note(6)
    assert anchor_read(A) is None
    aside = Path(settings.CONFIDE_LOG_ANCHOR_DIR) / f"{A}.checkpoint.superseded-20261202T000000Z"
    assert aside.read_text() == _note(6)


def test_each_restore_is_remembered_as_its_own_line_for_its_own_practice(settings: Settings) -> None:
    anchor_advance(A, _note(9))  # a restore is accepted only where an anchor is kept
    restore_record(A, "confide-restored/v1 3 5 cm9vdA==")
    restore_record(A, "confide-restored/v1 8 9 cm9vdA==")
    assert restore_read(A) == ["confide-restored/v1 3 5 cm9vdA==", "confide-restored/v1 8 9 cm9vdA=="]
    assert restore_read(B) == []
