"""Schemathesis, every check, against /api/v1 on a live server with valid tokens of the cast: no failures.

It reads the OpenAPI document the server serves and runs its phases (coverage, fuzzing, stateful sequences;
valid and invalid data), checking every answer: no 5xx; each status, media type, header and body as the
document declares them (so every error is a problem document); what the schema allows is accepted and what
it forbids refused; undeclared methods are 405 with an Allow header; each operation refuses a missing or
wrong token; a client just created can be read. Chris (clinician) makes the requests; what he reads,
schemathesis reads again as Casey (same practice, off Jordan's care team) and Otto (another practice), who
must not receive the same object. Derandomised; it writes to the test database only (flushed afterwards).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from pytest_django.live_server_helper import LiveServer

from confide.audit.actions import Channel
from confide.practices.models import Member
from confide.tokens.services import API_SCOPES, token_create
from tests.cast import build_cast

EXAMPLES = 25  # --max-examples: about a minute on 2 busy cores


def _token(member: Member) -> str:
    _, secret = token_create(
        actor=member, name="schemathesis", scopes=[p.value for p in API_SCOPES], days=1, channel=Channel.CLI
    )
    return secret


def _config(folder: Path, tokens: dict[str, str]) -> Path:
    """schemathesis.toml naming the identities (a Web Fuzzing Commons file): the first one makes the requests."""
    identities = [
        {"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {token}"}]}
        for name, token in tokens.items()
    ]
    (folder / "identities.json").write_text(json.dumps({"auth": identities}))
    names = ", ".join(f'"{name}"' for name in tokens)
    config = folder / "schemathesis.toml"
    first = next(iter(tokens))
    config.write_text(f'[auth.wfc]\npath = "identities.json"\nuser = "{first}"\npeers = [{names}]\n')
    return config


def _loopback_only() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in {"http_proxy", "https_proxy", "all_proxy"}}
    env["NO_PROXY"] = env["no_proxy"] = "*"
    return env


def test_schemathesis_finds_no_failure(transactional_db: None, live_server: LiveServer, tmp_path: Path) -> None:
    cast = build_cast()
    tokens = {"chris": _token(cast.clinician), "casey": _token(cast.colleague), "otto": _token(cast.outsider)}
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        f"--config-file={_config(tmp_path, tokens)}",
        "--no-color",
        "run",
        f"{live_server.url}/api/v1/openapi.json",
        "--checks=all",
        f"--max-examples={EXAMPLES}",
        "--generation-deterministic",  # derandomised, and no example database kept between runs
        "--workers=1",  # the live server answers one request at a time
        "--request-timeout=30",
        "--suppress-health-check=too_slow",  # how fast data is made measures the machine's load, not the API
        "--wait-for-schema=60",  # (likewise how fast a loaded machine first builds the OpenAPI document)
    ]
    started = time.monotonic()
    # cwd: the run's own folder, where schemathesis keeps its cache of earlier failures (none: it is new).
    run = subprocess.run(  # noqa: S603 (a fixed command line; the tokens are the test's own)
        command, cwd=tmp_path, env=_loopback_only(), capture_output=True, text=True, timeout=600, check=False
    )
    print(f"schemathesis ran {time.monotonic() - started:.1f} s:\n{run.stdout}{run.stderr}")  # shown on failure
    assert run.returncode == 0
