from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from confide.vault.sealing import master_key_forget


@pytest.fixture
def own_master_key(tmp_path: Path, settings: Settings) -> Iterator[Path]:
    """Rotation rewrites the key file: give the test a copy, and restore the cache after."""
    path = tmp_path / "master.key"
    shutil.copy(settings.CONFIDE_MASTER_KEY_FILE, path)
    settings.CONFIDE_MASTER_KEY_FILE = path
    master_key_forget()
    yield path
    master_key_forget()
