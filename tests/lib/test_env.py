from __future__ import annotations

from pathlib import Path

import pytest

from confide.lib.env import ConfigError, env_bool, env_choice, env_int, env_list, env_str


def test_a_required_variable_that_is_missing_fails_loudly() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        env_str("SECRET_KEY", environ={})


def test_a_file_variant_is_read(tmp_path: Path) -> None:
    (tmp_path / "s").write_text("from-file\n")
    assert env_str("X", environ={"X_FILE": str(tmp_path / "s")}) == "from-file"


def test_both_a_value_and_a_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not both"):
        env_str("X", environ={"X": "a", "X_FILE": str(tmp_path / "s")})


def test_an_unreadable_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        env_str("X", environ={"X_FILE": str(tmp_path / "missing")})


@pytest.mark.parametrize(("raw", "value"), [("true", True), ("1", True), ("off", False), ("", False)])
def test_booleans_are_parsed(raw: str, value: bool) -> None:
    assert env_bool("B", False, environ={"B": raw}) is value


def test_a_bad_boolean_fails() -> None:
    with pytest.raises(ConfigError, match="not a boolean"):
        env_bool("B", False, environ={"B": "maybe"})


def test_integers_are_checked() -> None:
    assert env_int("N", 3, environ={}) == 3
    with pytest.raises(ConfigError, match="whole number"):
        env_int("N", 3, environ={"N": "three"})
    with pytest.raises(ConfigError, match="minimum"):
        env_int("N", 3, minimum=1, environ={"N": "0"})


def test_choices_are_enforced() -> None:
    with pytest.raises(ConfigError, match="must be one of"):
        env_choice("E", "a", choices=("a", "b"), environ={"E": "c"})


def test_lists_drop_blanks() -> None:
    assert env_list("L", "", environ={"L": "a, ,b,"}) == ["a", "b"]
