"""A real witness for the tests: ``confide-witness`` (as ``python -m confide.witness.server``) set up in a
folder of its own and serving on a loopback port, as it would on a second machine."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import free_port


@dataclass(frozen=True)
class WitnessServer:
    url: str
    vkey: str
    folder: Path


def witness_command(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "confide.witness.server", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)  # noqa: S603


@contextlib.contextmanager
def witness_serving(folder: Path, *, trusted: list[str], name: str = "witness.test/w1") -> Iterator[WitnessServer]:
    """A witness trusting the logs ``trusted`` (their verifier keys), made in ``folder`` unless already there."""
    if not (folder / "witness.key").exists():
        made = witness_command("init", folder, "--name", name)
        assert made.returncode == 0, made.stderr
    for vkey in trusted:
        assert witness_command("trust", folder, vkey).returncode == 0
    vkey = witness_command("show", folder).stdout.splitlines()[0]
    port = free_port()
    command = [sys.executable, "-m", "confide.witness.server", "serve", str(folder), "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(url + "/", timeout=1) as response:  # noqa: S310
                    assert response.read().decode().strip() == vkey
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise AssertionError("the witness did not start")
        yield WitnessServer(url, vkey, folder)
    finally:
        process.terminate()
        process.wait(timeout=10)
