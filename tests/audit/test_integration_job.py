"""With the job worker up (as `make run` and production run it), an access queues its own integration and
the worker logs it: nobody has to run `confide audit integrate`. (How soon is the worker's polling interval,
two seconds in `make run`, and the two-second debounce per practice.)"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent, LogLeaf, PendingEvent
from confide.audit.services import event_record
from tests.cast import build_cast

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_an_access_queues_its_integration_and_the_worker_logs_it() -> None:
    from django_tasks_db.models import DBTaskResult

    cast = build_cast()
    with override_settings(TASKS=DATABASE_BACKEND):
        cache.clear()  # the debounce of earlier accesses
        with transaction.atomic():
            event = event_record(
                actor=cast.clinician, action=AuditAction.CLIENT_READ, channel=Channel.WEB, client_id=cast.client.id
            )
        queued = DBTaskResult.objects.filter(task_path="confide.audit.tasks.log_integrate_task", status="READY")
        assert queued.count() == 1 and PendingEvent.objects.filter(event_id=event.id).exists()
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        assert LogLeaf.objects.filter(event_id=event.id).exists()
        assert not PendingEvent.objects.exists() and AuditEvent.objects.count() == LogLeaf.objects.count()
        assert DBTaskResult.objects.get().status == "SUCCESSFUL"
