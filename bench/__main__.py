"""Run the benchmark modules in bench/ (all, or those named: ``python -m bench audit_log``).

Each module exposes ``run() -> list[str]`` of Markdown rows.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import platform
import sys
from pathlib import Path


def main() -> None:
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {platform.platform()}"
    )
    for module in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if module.name.startswith("_") or (sys.argv[1:] and module.name not in sys.argv[1:]):
            continue
        bench = importlib.import_module(f"bench.{module.name}")
        print(f"\n## {module.name}\n")
        for row in bench.run():
            print(row)


if __name__ == "__main__":
    main()
