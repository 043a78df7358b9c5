"""Mutation testing of the security core: `make mutation [MODULES="confide/x.py ..."]`.

First the hand-made guards of mutation.toml: each breaks one guard in a private copy of the tree and must
fail at least one of its tests (these include module-level settings, which mutmut does not mutate). Then
the modules of mutation.toml (or those named), in groups that share their tests: copy the working tree into
var/mutation/<modules>/ (so mutmut's mutants/ never lands in the repository), point one mutmut 3 run at the
group's modules and their tests, and score each module from it. A module passes when at least `target` per cent of
its mutants are killed and every survivor is listed in docs/mutation.md with the reason it cannot change
behaviour. Writes var/mutation/report.md (report-selection.md for a selection) and exits non-zero when
anything fails.

A listed survivor is left out while its module is byte for byte the one on which a run last confirmed the
listing (scripts/mutation_skips.py, mutation-checked.json): equivalent mutants cost a run most of its time
and cannot change verdict. A group is not run at all while nothing it depends on changed since it passed
(scripts/mutation_kept.py, mutation-scores.json): its score is shown as kept. `--recheck` (make
mutation-all) runs every group and leaves nothing out; `--rescore` scores the folders of the last run again
(after listing survivors in docs/mutation.md) without running anything.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path
from typing import Any

from scripts import mutation_kept
from scripts.mutation_groups import Score, groups, listed_survivors, mutate, score, work_of
from scripts.mutation_tree import PYTEST_ARGS, PYTHON, ROOT, WORK, copy_tree, env

KILLERS = ROOT / "mutation-killers.json"  # each guard's test that last failed when it was broken
KEPT = ROOT / "mutation-scores.json"  # each group's last passing score, with what it depended on


def _killer(guard: dict[str, Any], killers: dict[str, str]) -> str | None:
    """The test that last killed ``guard``, if it is still one of the guard's tests."""
    test = killers.get(str(guard["what"]))
    if test is None or not (ROOT / test.split("::")[0]).is_file():
        return None
    inside = any(test == t or test.startswith((f"{t}/", f"{t}::")) for t in map(str, guard["tests"]))
    return test if inside else None


# A guard in these may change what migrating makes: it migrates a database of its own, not the shared one.
SCHEMA = ("/migrations/", "models.py", "settings.py", "appendonly.py", "apps.py", "conftest.py")
TEMPLATE = WORK / "guards" / "template.sqlite3"


def _template() -> None:
    """One migrated test database for every guard, made by the unbroken tree: migrating costs each pytest
    session about as much as the one test it then runs."""
    TEMPLATE.unlink(missing_ok=True)
    TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
    test = "tests/audit/test_appendonly.py::test_appends_still_work"  # any test that uses the database
    command: list[str | Path] = [PYTHON, "-m", "pytest", *PYTEST_ARGS, test]
    subprocess.run(command, cwd=ROOT, env={**env(ROOT), "CONFIDE_TEST_DB_TEMPLATE": str(TEMPLATE)}, check=True)  # noqa: S603


def _first_failure(work: Path, tests: list[str], *, shared: bool) -> tuple[int, str | None]:
    environment = {**env(work), "CONFIDE_TEST_DB_TEMPLATE": str(TEMPLATE)} if shared else env(work)
    # `python -m pytest` puts the copy first on sys.path, before the editable install of the original.
    command: list[str | Path] = [PYTHON, "-m", "pytest", "-x", *PYTEST_ARGS, *tests]
    run = subprocess.run(command, cwd=work, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    failed = [line.split(" - ")[0].removeprefix("FAILED ") for line in run.stdout.splitlines() if line[:7] == "FAILED "]
    return run.returncode, failed[0] if run.returncode == 1 and failed else None


def _break(number: int, guard: dict[str, Any], killers: dict[str, str]) -> str:
    """Break one guard by hand in a copy; the row says which test noticed, if any. The test that noticed
    last time runs first, alone (seconds, not the minute its folders take); only if it no longer fails do
    all of the guard's tests run. Either way the verdict is a test failing with the guard broken."""
    text, find = (ROOT / str(guard["path"])).read_text(), str(guard["find"])
    if text.count(find) != 1:
        return f"| {guard['what']} | `find` occurs {text.count(find)} times in `{guard['path']}` | FAIL |"
    broken = text.replace(find, str(guard["replace"]))
    if str(guard["path"]).endswith(".py"):
        try:
            compile(broken, str(guard["path"]), "exec")
        except SyntaxError as error:
            return f"| {guard['what']} | the replacement does not compile: {error.msg} (line {error.lineno}) | FAIL |"
    work = WORK / "guards" / str(number)
    copy_tree(work)
    (work / str(guard["path"])).write_text(broken)
    known, shared = _killer(guard, killers), not any(part in str(guard["path"]) for part in SCHEMA)
    code, failed = _first_failure(work, [known], shared=shared) if known else (0, None)
    if failed is None:
        code, failed = _first_failure(work, [str(t) for t in guard["tests"]], shared=shared)
    shutil.rmtree(work, ignore_errors=True)
    if failed:
        killers[str(guard["what"])] = failed
        return f"| {guard['what']} | `{failed}` | killed |"
    verdict = "SURVIVED" if code == 0 else f"error (exit {code})"
    return f"| {guard['what']} | — | {verdict} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("modules", nargs="*", help="module paths from mutation.toml (default: all, guards first)")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--guards-only", action="store_true", help="only break the hand-listed guards")
    parser.add_argument("--recheck", action="store_true", help="run every group and every mutant, listed survivors too")
    parser.add_argument("--rescore", action="store_true", help="score the last run's folders again, run nothing")
    args = parser.parse_args()
    plan = tomllib.loads((ROOT / "mutation.toml").read_text())
    unknown = set(args.modules) - {m["path"] for m in plan["module"]}
    if unknown:
        print(f"Not in mutation.toml: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    lines: list[str] = []
    failures = shown = 0
    if not args.modules and not args.rescore:
        # One guard per core at a time: each breaks its own copy of the tree and runs its own tests.
        started = time.monotonic()
        killers: dict[str, str] = json.loads(KILLERS.read_text()) if KILLERS.exists() else {}
        _template()
        with ThreadPoolExecutor(max_workers=max(args.max_children, 1)) as pool:
            rows = list(pool.map(lambda item: _break(item[0], item[1], killers), enumerate(plan["guard"], 1)))
        listed = {str(g["what"]) for g in plan["guard"]}
        KILLERS.write_text(json.dumps({k: v for k, v in sorted(killers.items()) if k in listed}, indent=1) + "\n")
        print(f"guards: {(time.monotonic() - started) / 60:.1f} min", flush=True)
        failures += sum(1 for row in rows if not row.endswith("| killed |"))
        lines += ["| guard broken by hand | first test that failed | verdict |", "|---|---|---|", *rows, ""]
        print("\n".join(lines))  # at once: the module runs after it take hours
        shown = len(lines)
    if not args.guards_only:
        modules = [m for m in plan["module"] if not args.modules or m["path"] in args.modules]
        scores = []
        record = mutation_kept.load(KEPT)
        for group in groups(modules):  # each group's rows as they come, with its time
            started = time.monotonic()
            paths = [str(m["path"]) for m in group]
            if args.rescore and not (work_of(paths) / "mutants").is_dir():
                print(f"no earlier run of {', '.join(paths)} to score", file=sys.stderr)
                return 2
            name = mutation_kept.key(group)
            current = mutation_kept.fingerprint(
                ROOT, group, listed=listed_survivors(), mutmut_version=version("mutmut")
            )
            kept = None if args.rescore or args.recheck else mutation_kept.kept(record, name, current)
            if kept is not None:
                done, note = [Score(*row) for row in kept], "kept: nothing it depends on changed since it passed"
            else:
                done = score(paths) if args.rescore else mutate(group, args.max_children, recheck=args.recheck)
                note = f"{(time.monotonic() - started) / 60:.1f} min"
                if all(s.percent >= plan["target"] and not s.unlisted for s in done):
                    record[name] = {
                        "fingerprint": current,
                        "scores": [[s.module, s.total, s.killed, s.unlisted] for s in done],
                    }
                    mutation_kept.save(KEPT, record)
            scores += done
            print("\n".join(score.row() for score in done) + f"  ({note})", flush=True)
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
