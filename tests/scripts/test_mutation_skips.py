"""Which listed survivors a mutation run leaves out (scripts/mutation_skips.py): only those whose module is
byte for byte the one on which their listing was confirmed, by the same mutmut."""

import json
from pathlib import Path

import pytest

from scripts import mutation_skips as skips

SERVICES = "confide.tokens.services.x_token_create__mutmut_12"
KEYRING = "confide.vault.keyring.xǁMasterKeyǁserialize__mutmut_7"
DOC = f"""
| mutant | why it is equivalent |
|---|---|
| `{SERVICES}` | The name error's wording only. |
| `{KEYRING}` | The `"version"` key is written but never read. |
Prose that names `confide.audit.services.x_event_record__mutmut_1` is not a row.
"""
KILLED = ("killed", "timeout")


def test_the_listing_is_the_table_rows_of_the_document() -> None:
    assert skips.listed(DOC) == {SERVICES, KEYRING}


def test_a_mutant_is_placed_in_its_module_for_functions_and_methods() -> None:
    assert skips.module_path(SERVICES) == "confide/tokens/services.py"
    assert skips.module_path(KEYRING) == "confide/vault/keyring.py"
    assert skips.module_path("confide.audit.services.x__seal_open__mutmut_17") == "confide/audit/services.py"


def test_a_name_that_is_no_mutant_is_refused() -> None:
    with pytest.raises(ValueError, match="not a mutant name: 'confide.tokens'"):
        skips.module_path("confide.tokens")


def test_the_fingerprint_changes_with_one_byte_of_the_module_or_with_the_tool() -> None:
    base = skips.fingerprint(b"x = 1\n", mutmut_version="3.8.1")
    assert base == skips.fingerprint(b"x = 1\n", mutmut_version="3.8.1")
    assert base != skips.fingerprint(b"x = 2\n", mutmut_version="3.8.1")
    assert base != skips.fingerprint(b"x = 1\n", mutmut_version="3.9.0")


def test_only_the_listed_survivors_of_an_unchanged_module_are_left_out() -> None:
    record = {"confide/tokens/services.py": "aaa", "confide/vault/keyring.py": "bbb"}
    now = {"confide/tokens/services.py": "aaa", "confide/vault/keyring.py": "changed"}
    assert skips.skippable(listed={SERVICES, KEYRING}, record=record, fingerprints=now) == {SERVICES}


def test_nothing_is_left_out_of_a_module_never_confirmed_or_not_in_this_run() -> None:
    listed = {SERVICES, KEYRING}
    assert skips.skippable(listed=listed, record={}, fingerprints={"confide/tokens/services.py": "aaa"}) == set()
    record = {"confide/vault/keyring.py": "bbb"}
    assert skips.skippable(listed=listed, record=record, fingerprints={"confide/tokens/services.py": "bbb"}) == set()


def test_a_run_confirms_a_listing_only_when_every_mutant_ran_and_every_survivor_is_listed() -> None:
    ran = {SERVICES: "survived", "confide.tokens.services.x_token_create__mutmut_1": "killed"}
    assert skips.confirmed(statuses=ran, listed={SERVICES}, killed=KILLED)
    assert not skips.confirmed(statuses=ran, listed=set(), killed=KILLED)
    assert not skips.confirmed(statuses={**ran, SERVICES: "skipped"}, listed={SERVICES}, killed=KILLED)
    assert not skips.confirmed(statuses={**ran, SERVICES: "not checked"}, listed={SERVICES}, killed=KILLED)
    assert not skips.confirmed(statuses={}, listed={SERVICES}, killed=KILLED)


def test_listed_rows_that_a_run_kills_or_no_longer_finds_are_named_as_out_of_date() -> None:
    gone = "confide.tokens.services.x_token_create__mutmut_99"
    ran = {SERVICES: "killed", "confide.tokens.services.x_token_create__mutmut_1": "survived"}
    # The keyring row is about a module this run did not touch: not out of date.
    assert skips.stale(statuses=ran, listed={SERVICES, gone, KEYRING}, killed=KILLED) == [SERVICES, gone]


def test_the_record_round_trips_sorted_and_a_malformed_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mutation-checked.json"
    assert skips.load(path) == {}
    skips.save(path, {"b.py": "2", "a.py": "1"})
    assert list(json.loads(path.read_text())) == ["a.py", "b.py"]
    assert skips.load(path) == {"a.py": "1", "b.py": "2"}
    path.write_text('{"a.py": 1}')
    with pytest.raises(ValueError, match="is not a mapping of module paths to fingerprints"):
        skips.load(path)
