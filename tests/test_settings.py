"""Production settings, checked the way an operator would: in a fresh process."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest


def _run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CONFIDE_", "SECRET_KEY", "DJANGO_"))}
    return subprocess.run(  # noqa: S603 (fixed argv: this interpreter and our own CLI)
        [sys.executable, "-m", "confide.cli", *args],
        env={**base, "CONFIDE_DATA_DIR": str(tmp_path / "var"), **env},
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


@pytest.fixture
def production(tmp_path: Path) -> dict[str, str]:
    key = tmp_path / "master.key"
    assert _run(tmp_path, "keys", "init", str(key)).returncode == 0
    return {
        "CONFIDE_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "CONFIDE_ALLOWED_HOSTS": "confide.example.org",
        "CONFIDE_MASTER_KEY_FILE": str(key),
        "CONFIDE_SMTP_HOST": "smtp.example.org",
    }


def test_production_settings_pass_the_deploy_check(tmp_path: Path, production: dict[str, str]) -> None:
    result = _run(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production)
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path, production: dict[str, str]) -> None:
    del production["SECRET_KEY"]
    result = _run(tmp_path, "check", **production)
    assert result.returncode != 0 and "SECRET_KEY is required" in result.stderr


def test_production_refuses_a_missing_master_key(tmp_path: Path, production: dict[str, str]) -> None:
    production["CONFIDE_MASTER_KEY_FILE"] = str(tmp_path / "absent.key")
    result = _run(tmp_path, "check", **production)
    assert result.returncode != 0 and "confide.E001" in result.stderr


def test_production_refuses_debug(tmp_path: Path, production: dict[str, str]) -> None:
    result = _run(tmp_path, "check", CONFIDE_DEBUG="true", **production)
    assert result.returncode != 0 and "CONFIDE_DEBUG cannot be true" in result.stderr


@pytest.mark.parametrize(
    ("proxies", "count", "refusal"),
    [
        ("", "1", "CONFIDE_PROXY_COUNT needs CONFIDE_TRUSTED_PROXIES"),  # which proxy's headers to believe?
        ("127.0.0.1", "0", "CONFIDE_PROXY_COUNT must be at least 1"),
    ],
)
def test_a_proxy_setting_without_its_other_half_is_refused(
    tmp_path: Path, production: dict[str, str], proxies: str, count: str, refusal: str
) -> None:
    result = _run(tmp_path, "check", CONFIDE_TRUSTED_PROXIES=proxies, CONFIDE_PROXY_COUNT=count, **production)
    assert result.returncode != 0 and refusal in result.stderr


def test_production_cannot_use_the_fast_test_hasher(tmp_path: Path, production: dict[str, str]) -> None:
    code = "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])"
    result = _run(tmp_path, "shell", "-c", code, **production)
    assert result.stdout.strip().splitlines()[-1] == "django.contrib.auth.hashers.Argon2PasswordHasher", result.stderr


def test_development_generates_an_owner_only_secret_key(tmp_path: Path) -> None:
    result = _run(tmp_path, "check")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "var" / "master.key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("witnesses", "refusal"),
    [
        ("witness.example/w1+00000000+AAAA", "is not an http(s) URL"),
        ("https://w1.example witness.example/w1+00000000+AAAA", "is not a witness key"),
        ("ftp://w1.example x", "is not an http(s) URL"),
    ],
)
def test_a_witness_setting_that_is_not_url_and_key_is_refused(
    tmp_path: Path, production: dict[str, str], witnesses: str, refusal: str
) -> None:
    result = _run(tmp_path, "check", CONFIDE_WITNESSES=witnesses, **production)
    assert result.returncode != 0 and refusal in result.stderr
