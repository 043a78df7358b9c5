"""A hand-broken guard (scripts/mutation.py) whose break cannot even be applied is a failure of the
listing, named as such, never an "error" that looks like a broken test run."""

from typing import Any

from scripts import mutation

WHAT = "the sign-in key is taken as typed"

GUARD: dict[str, Any] = {
    "what": WHAT,
    "path": "confide/accounts/identity.py",
    "find": "def login_key(email: str) -> str:",  # a signature: stable while the body changes
    "tests": ["tests/accounts/test_identity.py"],
}


def test_a_replacement_that_does_not_compile_is_refused_before_any_test_runs() -> None:
    # A TOML literal string keeps "\n" as two characters: the copy would not import, every test errors.
    row = mutation._break(0, GUARD | {"replace": "    if x:\\n        return email"}, {})
    assert row.endswith("| FAIL |") and "does not compile" in row


def test_a_find_that_is_not_in_the_file_once_is_refused() -> None:
    row = mutation._break(0, GUARD | {"find": "return", "replace": "pass"}, {})
    assert "`find` occurs" in row and row.endswith("| FAIL |")


def test_the_test_that_last_killed_a_guard_runs_first_only_while_it_is_still_one_of_its_tests() -> None:
    killer = "tests/accounts/test_identity.py::test_x"
    assert mutation._killer(GUARD, {WHAT: killer}) == killer
    assert mutation._killer(GUARD | {"tests": ["tests/accounts"]}, {WHAT: killer}) == killer
    assert mutation._killer(GUARD, {WHAT: "tests/vault/test_keyring.py::test_x"}) is None  # not its test
    assert mutation._killer(GUARD, {WHAT: "tests/accounts/test_gone.py::test_x"}) is None  # no such file
    assert mutation._killer(GUARD | {"tests": ["tests/acc"]}, {WHAT: killer}) is None  # a prefix is not a folder
    assert mutation._killer(GUARD, {}) is None
