"""The log tables refuse rewrites: the append-only triggers are installed by migration, in the test
database as in production."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from confide.audit import appendonly
from confide.audit.integrate import log_integrate
from confide.audit.models import Checkpoint, LogLeaf, LogNode
from tests.cast import Cast


@pytest.fixture
def triggers(cast: Cast) -> None:
    """No install here: the migrations put the triggers in place, as they do in production."""
    log_integrate(practice_id=cast.owner.practice_id)


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


def test_the_triggers_can_be_dropped_only_deliberately(triggers: None) -> None:
    from tests.attacker import drop_append_only_triggers

    drop_append_only_triggers()  # an attacker with database access does this first
    LogLeaf.objects.all().delete()
    assert not LogLeaf.objects.exists()
    appendonly.install(connection)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LogNode.objects.all().delete()


def test_lockdown_names_every_log_table() -> None:
    assert appendonly.lockdown_sql("confide_app") == [
        *(f"REVOKE UPDATE, DELETE, TRUNCATE ON {t} FROM confide_app" for t in appendonly.LOCKED),
        "GRANT UPDATE (salt) ON audit_auditevent TO confide_app",
        "GRANT UPDATE (last_seq) ON audit_clientcounter TO confide_app",
        "GRANT UPDATE (seq, leaf_index) ON audit_loghead TO confide_app",
        "GRANT UPDATE (size) ON audit_logstate TO confide_app",
        "GRANT UPDATE (last, logged) ON audit_sealcounter TO confide_app",
    ]
    with pytest.raises(ValueError, match="letters, digits and underscores"):
        appendonly.lockdown_sql("x; DROP TABLE y")
