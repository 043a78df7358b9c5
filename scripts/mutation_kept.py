"""When a group's last score still stands, so that `make mutation` runs only what changed.

A mutant's verdict depends on the module's code, the tests that run against it, and the code those tests
reach. A group's *fingerprint* covers what it most depends on: the mutmut version, the bytes of each
module and of the project modules it imports directly (all but the audit vocabulary, which only grows),
every test file the group names with the suite's shared fixtures, and the survivors docs/mutation.md lists
for its modules. While that
fingerprint is the one recorded with a passing score (`mutation-scores.json`), the group is not run again
and its score is shown as kept. Anything else — a change elsewhere that weakens what a test reaches — is
what `make mutation-all` (`--recheck`: every group, every mutant) is for, before a release.

No Django import: scripts/mutation.py and its tests use this directly.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

SHARED = ("tests/conftest.py", "tests/cast.py", "tests/attacker.py", "tests/postgres.py")
# Imported nearly everywhere and only ever grown: a new audit action is a new name, which no existing line
# of code uses, so it cannot turn a killed mutant into a survivor (renaming one breaks imports at once).
VOCABULARY = ("confide/audit/actions.py",)


def imports(root: Path, path: Path) -> set[Path]:
    """The project's own modules that ``path`` imports directly (``from confide.x import y`` counts both
    ``confide/x.py`` and ``confide/x/y.py``, whichever exist)."""
    found: set[Path] = set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        for name in names:
            if name.split(".")[0] == "confide":
                for candidate in (root / f"{name.replace('.', '/')}.py", root / name.replace(".", "/") / "__init__.py"):
                    if candidate.is_file() and str(candidate.relative_to(root)) not in VOCABULARY:
                        found.add(candidate)
    return found


def _files(root: Path, modules: Iterable[Mapping[str, Any]]) -> list[Path]:
    found: set[Path] = {root / name for name in SHARED if (root / name).is_file()}
    for module in modules:
        source = root / str(module["path"])
        found |= {source, *imports(root, source)}
        for test in module["tests"]:
            path = root / str(test)
            found |= set(path.rglob("*.py")) if path.is_dir() else {path}
    return sorted(found)


def fingerprint(root: Path, modules: Sequence[Mapping[str, Any]], *, listed: Iterable[str], mutmut_version: str) -> str:
    paths = [str(m["path"]).removesuffix(".py").replace("/", ".") for m in modules]
    digest = hashlib.sha256(f"mutmut {mutmut_version}\n".encode())
    for name in sorted(n for n in listed if any(n.startswith(f"{p}.") for p in paths)):
        digest.update(f"listed {name}\n".encode())
    for path in _files(root, modules):
        data = path.read_bytes()
        digest.update(f"{path.relative_to(root)} {len(data)}\n".encode() + data)
    return digest.hexdigest()


def key(modules: Iterable[Mapping[str, Any]]) -> str:
    return " ".join(sorted(str(m["path"]) for m in modules))


def load(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    if not isinstance(data, dict) or not all(isinstance(v, dict) and "fingerprint" in v for v in data.values()):
        raise ValueError(f"{path} is not a mapping of groups to kept scores")
    return dict(data)


def kept(record: Mapping[str, Mapping[str, Any]], group: str, current: str) -> list[list[Any]] | None:
    """The scores recorded for ``group`` if its fingerprint is still ``current``, else None."""
    entry = record.get(group)
    if entry is None or entry.get("fingerprint") != current:
        return None
    return [list(row) for row in entry["scores"]]


def save(path: Path, record: Mapping[str, Mapping[str, Any]]) -> None:
    path.write_text(json.dumps(dict(sorted(record.items())), indent=1) + "\n")
