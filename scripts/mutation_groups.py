"""Mutation runs of the modules of mutation.toml, in groups that share their tests, and their scores."""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from scripts import mutation_skips
from scripts.mutation_tree import MUTMUT, PYTEST_ARGS, PYTHON, ROOT, WORK, copy_tree, env, slug

CHECKED = ROOT / "mutation-checked.json"
KILLED = ("killed", "timeout", "caught by type check")


@dataclass
class Score:
    module: str
    total: int
    killed: int
    unlisted: list[str]

    @property
    def percent(self) -> float:
        return 100.0 * self.killed / self.total if self.total else 0.0

    def row(self) -> str:
        unlisted = ", ".join(f"`{u}`" for u in self.unlisted) or "—"
        return f"| `{self.module}` | {self.total} | {self.killed} | {self.percent:.1f} % | {unlisted} |"


def listed_survivors() -> set[str]:
    doc = ROOT / "docs" / "mutation.md"
    return mutation_skips.listed(doc.read_text()) if doc.exists() else set()


def _fingerprints(work: Path, paths: list[str]) -> dict[str, str]:
    tool = version("mutmut")
    return {path: mutation_skips.fingerprint((work / path).read_bytes(), mutmut_version=tool) for path in paths}


def tests_of(modules: list[dict[str, Any]]) -> list[str]:
    """Every module's tests, each path once (a file inside a listed folder is already in it)."""
    paths = sorted({str(t).rstrip("/") for m in modules for t in m["tests"]})
    return [p for p in paths if not any(p.startswith(f"{q}/") for q in paths if q != p)]


def groups(modules: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Modules guarded by the same tests, together, in mutation.toml's order."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for module in modules:
        groups.setdefault(tuple(sorted(str(t) for t in module["tests"])), []).append(module)
    return list(groups.values())


def work_of(paths: list[str]) -> Path:
    """The group's folder, named after its modules (a long group by its first and a hash of all: a file
    name has at most 255 bytes)."""
    name = "+".join(slug(path).removeprefix("confide.") for path in paths)
    if len(name) > 120:
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        name = f"{slug(paths[0]).removeprefix('confide.')}+{len(paths) - 1}-more-{digest}"
    return WORK / name


def _leave_out(work: Path, paths: list[str], names: set[str]) -> None:
    """Generate the group's mutants first and mark ``names`` skipped in mutmut's record of them: mutmut
    keeps a mutant file newer than its source, with its verdicts, and runs only mutants without one."""
    generate = (
        "import sys\nfrom pathlib import Path\nfrom mutmut.__main__ import create_file_mutants\n"
        "for p in sys.argv[1:]:\n    r = create_file_mutants(Path(p))\n    if r.error: raise r.error\n"
    )
    subprocess.run([PYTHON, "-c", generate, *paths], cwd=work, env=env(work), check=True, capture_output=True)  # noqa: S603
    for path in paths:
        meta = work / "mutants" / f"{path}.meta"
        data = json.loads(meta.read_text())
        codes = data["exit_code_by_key"]
        for name in names & set(codes):
            codes[name] = 34  # mutmut's "skipped"
        meta.write_text(json.dumps(data, indent=4))


def mutate(modules: list[dict[str, Any]], children: int, *, recheck: bool) -> list[Score]:
    """One mutmut run over ``modules``, which share their tests: mutmut runs those tests once to learn which
    of them reach each function (and once more as a clean run), then each mutant against only those. One
    run per group of modules pays those two passes once for the group, not once per module."""
    paths = [str(m["path"]) for m in modules]
    work = work_of(paths)
    copy_tree(work)
    config = {
        "source_paths": ["confide/"],
        "only_mutate": paths,
        "pytest_add_cli_args_test_selection": tests_of(modules),
        "pytest_add_cli_args": PYTEST_ARGS,
        "also_copy": ["manage.py"],
        "use_git_change_detection": False,
        # mutmut times each test without its fixtures (the cast), so its default limit is too tight: a
        # timeout must mean a hang, not a slow fixture, since it counts as a kill.
        "timeout_constant": 10.0,
    }
    with (work / "pyproject.toml").open("a") as handle:
        handle.write("\n[tool.mutmut]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in config.items()))
    record = {} if recheck else mutation_skips.load(CHECKED)
    skip = mutation_skips.skippable(listed=listed_survivors(), record=record, fingerprints=_fingerprints(work, paths))
    if skip:
        _leave_out(work, paths, skip)
        print(f"{len(skip)} listed survivors left out: their modules are unchanged since they were confirmed")
    run = subprocess.run([MUTMUT, "run", "--max-children", str(children)], cwd=work, env=env(work), check=False)  # noqa: S603
    if run.returncode != 0:  # e.g. the selected tests fail with no mutant in place: no score is honest then
        return [
            Score(path, 0, 0, [f"mutmut run failed (exit {run.returncode}); see its output above"]) for path in paths
        ]
    return score(paths)


def score(paths: list[str]) -> list[Score]:
    """Each module's score from its group's folder; a module whose run confirms its listing is recorded in
    mutation-checked.json, and listed rows that the run shows out of date are named."""
    work = work_of(paths)
    listing = subprocess.run(  # noqa: S603
        [MUTMUT, "results", "--all", "true"], cwd=work, env=env(work), check=True, capture_output=True, text=True
    ).stdout
    statuses = dict(line.strip().rsplit(": ", 1) for line in listing.splitlines() if ": " in line)
    listed, record, fingerprints = listed_survivors(), mutation_skips.load(CHECKED), _fingerprints(work, paths)
    scores = []
    for path in paths:  # a mutant is named after its module: confide.audit.proofs.x_proof_bundle__mutmut_3
        mine = {name: status for name, status in statuses.items() if mutation_skips.module_path(name) == path}
        survivors = sorted(name for name, status in mine.items() if status not in KILLED)
        scores.append(Score(path, len(mine), len(mine) - len(survivors), [s for s in survivors if s not in listed]))
        if mutation_skips.confirmed(statuses=mine, listed=listed, killed=KILLED):
            record[path] = fingerprints[path]
        for name in mutation_skips.stale(statuses=mine, listed=listed, killed=KILLED):
            print(f"listed in docs/mutation.md but {mine.get(name, 'gone')}: {name}")
    mutation_skips.save(CHECKED, record)
    return scores
