"""``confide rules check | diff OLD NEW | show PACK [PACK…]``: validate, compare and explain rule packs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from confide.rulepacks.diff import pack_diff
from confide.rulepacks.loader import PACKS_DIR, Library, load_library, load_pack
from confide.rulepacks.resolve import resolve
from confide.rulepacks.schema import Pack


class Command(BaseCommand):
    help = "Validate, compare and explain the jurisdiction rule packs."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="validate every pack; exit 1 naming each problem")
        check.add_argument("--folder", type=Path, default=PACKS_DIR)
        diff = sub.add_parser("diff", help="list the changes between two pack versions (id@version or file)")
        diff.add_argument("old")
        diff.add_argument("new")
        show = sub.add_parser("show", help="resolve packs (e.g. us-ca) and explain which rule decides each situation")
        show.add_argument("packs", nargs="+")
        show.add_argument("--on", type=dt.date.fromisoformat, default=None, help="date (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"])(options)

    def _check(self, options: dict[str, Any]) -> None:
        library = load_library(options["folder"])
        for warning in library.warnings:
            self.stderr.write(f"warning: {warning}")
        if library.problems:
            raise CommandError("\n".join(["Rule packs have problems:", *library.problems]))
        rules = sum(len(pack.rules()) for pack in library.packs)
        cited = sum(len(rule.citations) for pack in library.packs for rule in pack.rules())
        self.stdout.write(f"{len(library.packs)} packs, {rules} rules, {cited} citations: every rule is cited.")

    def _pack(self, library: Library, name: str) -> Pack:
        path = Path(name)
        try:
            return load_pack(path) if path.suffix == ".toml" else library.by_ref(name)
        except (OSError, LookupError, ValueError) as exc:
            raise CommandError(f"Cannot load {name}: {exc}") from exc

    def _diff(self, options: dict[str, Any]) -> None:
        library = load_library()
        old, new = self._pack(library, options["old"]), self._pack(library, options["new"])
        changes = pack_diff(old, new)
        for change in changes:
            self.stdout.write(str(change))
        facing = sum(c.client_facing for c in changes)
        verdict = "clients must re-affirm" if facing else "no re-affirmation needed"
        self.stdout.write(f"{len(changes)} changes, {facing} client-facing: {verdict}.")

    def _show(self, options: dict[str, Any]) -> None:
        library = load_library()
        try:
            resolution = resolve(library, options["packs"], options["on"] or dt.date.today())
        except (LookupError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("Packs: " + ", ".join(resolution.refs))
        for kind, decision in resolution.decisions.items():
            self.stdout.write(f"- {kind.value}: {decision.explanation}")
