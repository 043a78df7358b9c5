"""Background jobs of the transparency log (run by `confide db_worker`)."""

from __future__ import annotations

import uuid

from django.tasks import task


@task()
def log_integrate_task(practice_id: str) -> int:
    from confide.audit.integrate import log_integrate

    total = 0
    while added := log_integrate(practice_id=uuid.UUID(practice_id)):
        total += added
    return total


def log_integrate_all() -> int:
    """Integrate every practice's pending events now (the periodic safety net behind the per-event task)."""
    from confide.practices.models import Practice

    return sum(log_integrate_task.call(str(pk)) for pk in Practice.objects.values_list("pk", flat=True))


@task()
def checkpoint_witness_task(practice_id: str) -> int:
    from confide.audit.witnessing import checkpoint_witness

    return checkpoint_witness(practice_id=uuid.UUID(practice_id))


def checkpoint_witness_all() -> int:
    """Ask the witnesses to cosign every practice's newest checkpoint (the periodic safety net)."""
    from django.conf import settings

    from confide.practices.models import Practice

    if not settings.CONFIDE_WITNESSES:
        return 0
    return sum(checkpoint_witness_task.call(str(pk)) for pk in Practice.objects.values_list("pk", flat=True))
