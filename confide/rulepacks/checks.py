"""A system check: Confide refuses to start with a broken rule pack."""

from __future__ import annotations

from typing import Any

from django.core import checks

from confide.rulepacks.crisis import load_crisis
from confide.rulepacks.loader import load_library


@checks.register()
def rule_packs_load(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    library = load_library()
    found: list[checks.CheckMessage] = [
        checks.Error(problem, hint="Run 'confide rules check'.", id="confide.E020") for problem in library.problems
    ]
    found += [checks.Warning(w, id="confide.W020") for w in library.warnings]
    lines, problems = load_crisis()
    problems += [f"crisis/{pack}.toml: no rule pack {pack!r}" for pack in lines if pack not in library.ids()]
    found += [checks.Error(problem, hint="Fix the crisis lines' file.", id="confide.E021") for problem in problems]
    return found
