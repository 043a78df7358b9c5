"""The log tables refuse rewrites once the append-only triggers are installed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import DatabaseError, connection, transaction

from confide.audit import appendonly
from confide.audit.log import log_integrate
from confide.audit.models import Checkpoint, LogLeaf, LogNode
from tests.cast import Cast


@pytest.fixture
def triggers(cast: Cast) -> Iterator[None]:
    log_integrate(practice_id=cast.owner.practice_id)
    appendonly.install(connection)
    yield
    appendonly.uninstall(connection)


@pytest.mark.parametrize("model", [LogLeaf, LogNode, Checkpoint])
def test_updates_are_refused(triggers: None, model: type[LogLeaf | LogNode | Checkpoint]) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        model.objects.all().update(practice_id=model.objects.first().practice_id)  # type: ignore[union-attr]


@pytest.mark.parametrize("model", [LogLeaf, LogNode, Checkpoint])
def test_deletes_are_refused(triggers: None, model: type[LogLeaf | LogNode | Checkpoint]) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        model.objects.all().delete()


def test_appends_still_work(triggers: None, cast: Cast) -> None:
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(cast.clinician.user)
    http.get(f"/clients/{cast.client.id}/")
    assert log_integrate(practice_id=cast.owner.practice_id) > 0


def test_lockdown_names_every_log_table() -> None:
    assert appendonly.lockdown_sql("confide_app") == [
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {t} FROM confide_app" for t in appendonly.LOCKED
    ]
    with pytest.raises(ValueError):
        appendonly.lockdown_sql("x; DROP TABLE y")
