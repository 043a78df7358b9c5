"""A hand-broken guard (scripts/mutation.py) whose break cannot even be applied is a failure of the
listing, named as such, never an "error" that looks like a broken test run."""

from scripts import mutation

GUARD = {
    "what": "the sign-in key is taken as typed",
    "path": "confide/accounts/identity.py",
    "find": "def login_key(email: str) -> str:",  # a signature: stable while the body changes
    "tests": ["tests/accounts/test_identity.py"],
}


def test_a_replacement_that_does_not_compile_is_refused_before_any_test_runs() -> None:
    # A TOML literal string keeps "\n" as two characters: the copy would not import, every test errors.
    row = mutation._break(0, GUARD | {"replace": "    if x:\\n        return email"})
    assert row.endswith("| FAIL |") and "does not compile" in row


def test_a_find_that_is_not_in_the_file_once_is_refused() -> None:
    row = mutation._break(0, GUARD | {"find": "return", "replace": "pass"})
    assert "`find` occurs" in row and row.endswith("| FAIL |")
