"""The private copy of the tree that mutation runs work in (scripts/mutation.py, mutation_groups.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "mutation"
PYTHON = ROOT / ".venv" / "bin" / "python"
MUTMUT = ROOT / ".venv" / "bin" / "mutmut"
COPY = ("confide", "tests", "manage.py", "pyproject.toml", "uv.lock")
# Mutants and guards run on SQLite, each test database fresh; never the browser tests.
PYTEST_ARGS = ["-m", "not browser", "-q", "-p", "no:cacheprovider"]


def slug(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def env(work: Path) -> dict[str, str]:
    """Test settings on SQLite; every pytest session in ``work`` copies one migrated database file made
    there (tests/conftest.py) instead of migrating afresh: a mutant is a session of its own."""
    env = {**os.environ, "CONFIDE_ENV": "test", "PYTHONDONTWRITEBYTECODE": "1"}
    env["CONFIDE_TEST_DB_TEMPLATE"] = str(work / "template.sqlite3")
    env.pop("DATABASE_URL", None)
    return env


def copy_tree(work: Path) -> None:
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
