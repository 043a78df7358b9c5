"""Load and check the rule packs shipped in ``confide/rulepacks/packs/`` (pure core, no Django).

One TOML file per pack version, named ``<id>@<version>.toml``. ``load_library`` returns every
version and every problem found, each naming its file, so ``confide rules check`` can list
them all at once instead of stopping at the first.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from confide.rulepacks.schema import Pack

PACKS_DIR = Path(__file__).parent / "packs"
REVIEW_GRACE = dt.timedelta(days=90)


@dataclass
class Library:
    packs: list[Pack] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def ids(self) -> list[str]:
        return sorted({pack.id for pack in self.packs})

    def versions(self, pack_id: str) -> list[Pack]:
        return sorted((p for p in self.packs if p.id == pack_id), key=lambda p: p.effective_from)

    def in_force(self, pack_id: str, on: dt.date) -> Pack:
        for pack in self.versions(pack_id):
            if pack.status == "active" and pack.in_force(on):
                return pack
        raise LookupError(f"no active version of rule pack {pack_id!r} is in force on {on.isoformat()}")

    def by_ref(self, ref: str) -> Pack:
        for pack in self.packs:
            if pack.ref == ref:
                return pack
        raise LookupError(f"no rule pack {ref!r}")


def field_errors(path: Path, exc: ValidationError) -> list[str]:
    found = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "pack"
        message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
        found.append(f"{path.name}: {where}: {message}")
    return found


def load_pack(path: Path) -> Pack:
    with path.open("rb") as handle:
        return Pack.model_validate(tomllib.load(handle))


def load_library(folder: Path = PACKS_DIR, *, today: dt.date | None = None) -> Library:
    library = Library()
    for path in sorted(folder.glob("*.toml")):
        try:
            pack = load_pack(path)
        except tomllib.TOMLDecodeError as exc:
            library.problems.append(f"{path.name}: not valid TOML: {exc}")
            continue
        except ValidationError as exc:
            library.problems += field_errors(path, exc)
            continue
        if path.stem != pack.ref:
            library.problems.append(f"{path.name}: the file must be named {pack.ref}.toml")
        library.packs.append(pack)
    _check_across(library, today or dt.date.today())
    return library


def _check_across(library: Library, today: dt.date) -> None:
    owners: dict[str, str] = {}
    for pack in library.packs:
        for rule in pack.rules():
            owner = owners.setdefault(rule.id, pack.id)
            if owner != pack.id:
                library.problems.append(f"{pack.ref}: rule id {rule.id!r} is already used by pack {owner!r}")
        for parent in pack.inherits:
            if parent not in {p.id for p in library.packs}:
                library.problems.append(f"{pack.ref}: inherits unknown pack {parent!r}")
        if pack.status == "active" and pack.effective_to is None and today > pack.review_due + REVIEW_GRACE:
            library.warnings.append(f"{pack.ref}: legal review was due on {pack.review_due.isoformat()}")
    for pack_id in library.ids():
        active = [p for p in library.versions(pack_id) if p.status == "active"]
        for earlier, later in zip(active, active[1:], strict=False):
            if earlier.effective_to is None or earlier.effective_to > later.effective_from:
                library.problems.append(f"{later.ref}: overlaps {earlier.ref} (set effective_to on the older version)")
        refs = {p.ref for p in library.versions(pack_id)}
        for pack in library.versions(pack_id):
            if pack.supersedes and pack.supersedes not in refs:
                library.problems.append(f"{pack.ref}: supersedes unknown version {pack.supersedes!r}")
