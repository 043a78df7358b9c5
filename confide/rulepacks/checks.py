"""A system check: Confide refuses to start with a broken rule pack."""

from __future__ import annotations

from typing import Any

from django.core import checks

from confide.rulepacks.loader import load_library


@checks.register()
def rule_packs_load(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    library = load_library()
    found: list[checks.CheckMessage] = [
        checks.Error(problem, hint="Run 'confide rules check'.", id="confide.E020") for problem in library.problems
    ]
    found += [checks.Warning(w, id="confide.W020") for w in library.warnings]
    return found
