"""Mutation testing of the security core: `make mutation [MODULES="confide/x.py ..."]`.

First the hand-made guards of mutation.toml: each breaks one guard in a private copy of the tree and must
fail at least one of its tests (these include module-level settings, which mutmut does not mutate). Then
the modules of mutation.toml (or those named), in groups that share their tests: copy the working tree into
var/mutation/<modules>/ (so mutmut's mutants/ never lands in the repository), point one mutmut 3 run at the
group's modules and their tests, and score each module from it. A module passes when at least `target` per cent of
its mutants are killed and every survivor is listed in docs/mutation.md with the reason it cannot change
behaviour. Writes var/mutation/report.md (report-<modules>.md for a selection) and exits non-zero when
anything fails.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "mutation"
PYTHON = ROOT / ".venv" / "bin" / "python"
MUTMUT = ROOT / ".venv" / "bin" / "mutmut"
LISTED = re.compile(r"^\|\s*`(confide\.[\w.ǁ]+__mutmut_\d+)`\s*\|")
COPY = ("confide", "tests", "manage.py", "pyproject.toml", "uv.lock")
KILLED = ("killed", "timeout", "caught by type check")
# Mutants and guards run on SQLite, each test database fresh; never the browser tests.
PYTEST_ARGS = ["-m", "not browser", "-q", "-p", "no:cacheprovider"]


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


def _slug(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def _env(work: Path) -> dict[str, str]:
    """Test settings on SQLite; every pytest session in ``work`` copies one migrated database file made
    there (tests/conftest.py) instead of migrating afresh: a mutant is a session of its own."""
    env = {**os.environ, "CONFIDE_ENV": "test", "PYTHONDONTWRITEBYTECODE": "1"}
    env["CONFIDE_TEST_DB_TEMPLATE"] = str(work / "template.sqlite3")
    env.pop("DATABASE_URL", None)
    return env


def _copy_tree(work: Path) -> None:
    """A fresh copy of what the tests need. No earlier mutants/ folder is kept: mutmut 3 would reuse a
    mutant's old verdict even after the tests changed, and a score must come from the tests as they are."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "mutants")
    for name in COPY:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=ignore)
        else:
            shutil.copy2(source, work / name)


def _listed() -> set[str]:
    doc = ROOT / "docs" / "mutation.md"
    if not doc.exists():
        return set()
    return {m.group(1) for line in doc.read_text().splitlines() if (m := LISTED.match(line))}


def _tests(modules: list[dict[str, Any]]) -> list[str]:
    """Every module's tests, each path once (a file inside a listed folder is already in it)."""
    paths = sorted({str(t).rstrip("/") for m in modules for t in m["tests"]})
    return [p for p in paths if not any(p.startswith(f"{q}/") for q in paths if q != p)]


def _groups(modules: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Modules guarded by the same tests, together, in mutation.toml's order."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for module in modules:
        groups.setdefault(tuple(sorted(str(t) for t in module["tests"])), []).append(module)
    return list(groups.values())


def _mutate(modules: list[dict[str, Any]], children: int) -> list[Score]:
    """One mutmut run over ``modules``, which share their tests: mutmut runs those tests once to learn which
    of them reach each function (and once more as a clean run), then each mutant against only those. One
    run per group of modules pays those two passes once for the group, not once per module."""
    paths = [str(m["path"]) for m in modules]
    work = WORK / "+".join(_slug(path).removeprefix("confide.") for path in paths)
    _copy_tree(work)
    config = {
        "source_paths": ["confide/"],
        "only_mutate": paths,
        "pytest_add_cli_args_test_selection": _tests(modules),
        "pytest_add_cli_args": PYTEST_ARGS,
        "also_copy": ["manage.py"],
        "use_git_change_detection": False,
        # mutmut times each test without its fixtures (the cast), so its default limit is too tight: a
        # timeout must mean a hang, not a slow fixture, since it counts as a kill.
        "timeout_constant": 10.0,
    }
    with (work / "pyproject.toml").open("a") as handle:
        handle.write("\n[tool.mutmut]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in config.items()))
    run = subprocess.run([MUTMUT, "run", "--max-children", str(children)], cwd=work, env=_env(work), check=False)  # noqa: S603
    if run.returncode != 0:  # e.g. the selected tests fail with no mutant in place: no score is honest then
        return [
            Score(path, 0, 0, [f"mutmut run failed (exit {run.returncode}); see its output above"]) for path in paths
        ]
    listing = subprocess.run(  # noqa: S603
        [MUTMUT, "results", "--all", "true"], cwd=work, env=_env(work), check=True, capture_output=True, text=True
    ).stdout
    statuses = dict(line.strip().rsplit(": ", 1) for line in listing.splitlines() if ": " in line)
    listed = _listed()
    scores = []
    for path in paths:  # a mutant is named after its module: confide.audit.proofs.x_proof_bundle__mutmut_3
        mine = {name: status for name, status in statuses.items() if name.startswith(f"{_slug(path)}.x")}
        survivors = sorted(name for name, status in mine.items() if status not in KILLED)
        scores.append(Score(path, len(mine), len(mine) - len(survivors), [s for s in survivors if s not in listed]))
    return scores


def _break(number: int, guard: dict[str, Any]) -> str:
    """Break one guard by hand in a copy; the row says which test noticed, if any."""
    work = WORK / "guards" / str(number)
    _copy_tree(work)
    target = work / str(guard["path"])
    text, find = target.read_text(), str(guard["find"])
    if text.count(find) != 1:
        return f"| {guard['what']} | `find` occurs {text.count(find)} times in `{guard['path']}` | FAIL |"
    target.write_text(text.replace(find, str(guard["replace"])))
    # `python -m pytest` puts the copy first on sys.path, before the editable install of the original.
    command = [PYTHON, "-m", "pytest", "-x", *PYTEST_ARGS, *[str(t) for t in guard["tests"]]]
    run = subprocess.run(command, cwd=work, env=_env(work), capture_output=True, text=True, check=False)  # noqa: S603
    shutil.rmtree(work, ignore_errors=True)
    failed = [line.split(" - ")[0].removeprefix("FAILED ") for line in run.stdout.splitlines() if line[:7] == "FAILED "]
    if run.returncode == 1 and failed:
        return f"| {guard['what']} | `{failed[0]}` | killed |"
    verdict = "SURVIVED" if run.returncode == 0 else f"error (exit {run.returncode})"
    return f"| {guard['what']} | — | {verdict} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("modules", nargs="*", help="module paths from mutation.toml (default: all, guards first)")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--guards-only", action="store_true", help="only break the hand-listed guards")
    args = parser.parse_args()
    plan = tomllib.loads((ROOT / "mutation.toml").read_text())
    unknown = set(args.modules) - {m["path"] for m in plan["module"]}
    if unknown:
        print(f"Not in mutation.toml: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    lines: list[str] = []
    failures = shown = 0
    if not args.modules:
        # One guard per core at a time: each breaks its own copy of the tree and runs its own tests.
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=max(args.max_children, 1)) as pool:
            rows = list(pool.map(lambda item: _break(*item), enumerate(plan["guard"], 1)))
        print(f"guards: {(time.monotonic() - started) / 60:.1f} min", flush=True)
        failures += sum(1 for row in rows if not row.endswith("| killed |"))
        lines += ["| guard broken by hand | first test that failed | verdict |", "|---|---|---|", *rows, ""]
        print("\n".join(lines))  # at once: the module runs after it take hours
        shown = len(lines)
    if not args.guards_only:
        modules = [m for m in plan["module"] if not args.modules or m["path"] in args.modules]
        scores = []
        for group in _groups(modules):  # each group's rows as they come, with its time
            started = time.monotonic()
            scores += (done := _mutate(group, args.max_children))
            minutes = (time.monotonic() - started) / 60
            print("\n".join(score.row() for score in done) + f"  ({minutes:.1f} min)", flush=True)
        failures += sum(1 for s in scores if s.percent < plan["target"] or s.unlisted)
        lines += ["| module | mutants | killed | score | unlisted survivors |", "|---|---|---|---|---|"]
        lines += [s.row() for s in scores]
    WORK.mkdir(parents=True, exist_ok=True)
    name = "report-selection.md" if args.modules else "report.md"  # (a list of modules overflows a file name)
    (WORK / name).write_text("\n".join(lines) + "\n")
    if lines[shown:]:
        print("\n".join(lines[shown:]))
    print(f"{failures} failing (target: every guard killed; >= {plan['target']} % per module, survivors listed)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
