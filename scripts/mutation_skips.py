"""Which listed survivors a mutation run may leave out, and when a module's listing counts as confirmed.

A survivor listed in docs/mutation.md is equivalent: no test can kill it, so running every test that reaches
its function again (the costliest part of a run: a survivor runs all of them, a killed mutant stops at the
first failure) only repeats the verdict. That verdict is a property of the module's code, so it is kept
against the module's exact bytes: `mutation-checked.json` holds, per module, the SHA-256 of the source on
which a run last executed every one of its mutants and found each survivor listed, with the mutmut version
that numbered them. A later run leaves out a listed survivor only while its module's bytes and the mutmut
version are those recorded; any change to the module runs all of its mutants again. (An equivalence that
rests on another module's code is re-examined by `--recheck`, which leaves nothing out.)

No Django import: scripts/mutation.py and its tests use this directly.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

LISTED = re.compile(r"^\|\s*`(confide\.[\w.ǁ]+__mutmut_\d+)`\s*\|")
# A mutant is named after its module and function: confide.vault.keyring.xǁMasterKeyǁserialize__mutmut_7.
MODULE = re.compile(r"^(confide(?:\.\w+)+?)\.x(?:_|ǁ)")


def listed(doc: str) -> set[str]:
    """The mutant names docs/mutation.md lists as equivalent survivors (one table row each)."""
    return {m.group(1) for line in doc.splitlines() if (m := LISTED.match(line))}


def module_path(mutant: str) -> str:
    """`confide.tokens.services.x_token_create__mutmut_12` → `confide/tokens/services.py`."""
    match = MODULE.match(mutant)
    if match is None:
        raise ValueError(f"not a mutant name: {mutant!r}")
    return match.group(1).replace(".", "/") + ".py"


def fingerprint(source: bytes, *, mutmut_version: str) -> str:
    """What a module's listing is kept against: its exact bytes and the tool that numbers its mutants."""
    return hashlib.sha256(f"mutmut {mutmut_version}\n".encode() + source).hexdigest()


def load(path: Path) -> dict[str, str]:
    """The recorded fingerprints (none when the file does not exist yet)."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{path} is not a mapping of module paths to fingerprints")
    return dict(data)


def save(path: Path, record: Mapping[str, str]) -> None:
    path.write_text(json.dumps(dict(sorted(record.items())), indent=2) + "\n")


def skippable(*, listed: Iterable[str], record: Mapping[str, str], fingerprints: Mapping[str, str]) -> set[str]:
    """Listed survivors of the modules whose current fingerprint is the recorded one."""
    return {
        name
        for name in listed
        if (path := module_path(name)) in fingerprints and record.get(path) == fingerprints[path]
    }


def confirmed(*, statuses: Mapping[str, str], listed: Iterable[str], killed: Iterable[str]) -> bool:
    """Whether a run of one module's mutants confirms its listing: every mutant has a verdict (none left
    unchecked, none left out) and every survivor among them is listed."""
    kills, listing = set(killed), set(listed)
    return bool(statuses) and all(
        status in kills or (status == "survived" and name in listing) for name, status in statuses.items()
    )


def stale(*, statuses: Mapping[str, str], listed: Iterable[str], killed: Iterable[str]) -> list[str]:
    """Listed names that a run killed (a test kills them now) or that no longer exist in the module: their
    rows in docs/mutation.md are out of date."""
    kills = set(killed)
    modules = {module_path(name) for name in statuses}
    return sorted(
        name for name in listed if module_path(name) in modules and (name not in statuses or statuses[name] in kills)
    )
