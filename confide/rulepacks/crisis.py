"""Where to turn in a crisis, per jurisdiction: the lines the portal names beside "messages are not for
emergencies" (pure core, no Django).

Crisis lines are not law, so they are not rules of a pack: a new line must not change a pack's version and
ask every client to sign again. They live beside the packs, one file per pack id (``crisis/<id>.toml``), each
line cited and checked like a rule, and follow the packs' layering: California uses the federal file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, ValidationError

from confide.rulepacks.loader import field_errors
from confide.rulepacks.schema import Citation, Strict

CRISIS_DIR = Path(__file__).parent / "crisis"


class Line(Strict):
    name: str
    call: str = Field(pattern=r"^[0-9 ]{3,15}$")  # a number as people dial it
    text: str | None = Field(default=None, pattern=r"^[0-9 ]{3,15}$")
    hours: str
    plain: str = Field(min_length=20)  # when to use it, in the client's words
    citations: list[Citation] = Field(min_length=1)


class Lines(Strict):
    pack: str = Field(pattern=r"^[a-z]{2}(-[a-z]+)?$")
    emergency: str = Field(pattern=r"^[0-9]{3}$")  # the number for an emergency now
    lines: list[Line] = Field(min_length=1)


@dataclass(frozen=True)
class Crisis:
    emergency: str
    lines: tuple[Line, ...]

    def sentence(self) -> str:
        """One plain sentence for the page: the emergency number and the first line."""
        first = self.lines[0]
        if first.call == self.emergency:
            return f"{self.emergency} ({first.name}, {first.hours})"
        texted = f" (call or text {first.call})" if first.text == first.call else f" ({first.call})"
        return f"{self.emergency} in an emergency, or {first.name}{texted}, {first.hours}"


def load_crisis(folder: Path = CRISIS_DIR) -> tuple[dict[str, Lines], list[str]]:
    """Every crisis file by pack id, and every problem found (each naming its file)."""
    found: dict[str, Lines] = {}
    problems: list[str] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            with path.open("rb") as handle:
                lines = Lines.model_validate(tomllib.load(handle))
        except tomllib.TOMLDecodeError as exc:
            problems.append(f"{path.name}: not valid TOML: {exc}")
            continue
        except ValidationError as exc:
            problems += field_errors(path, exc)
            continue
        if path.stem != lines.pack:
            problems.append(f"{path.name}: the file must be named {lines.pack}.toml")
        found[lines.pack] = lines
    return found, problems


def crisis_for(found: dict[str, Lines], layered_ids: list[str]) -> Crisis | None:
    """The lines for packs layered parents first (resolve.layered): the most specific file decides."""
    for pack_id in reversed(layered_ids):
        if pack_id in found:
            return Crisis(found[pack_id].emergency, tuple(found[pack_id].lines))
    return None
