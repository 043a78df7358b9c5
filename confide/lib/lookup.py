"""Look up one row by id for the caller, or answer 404."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404


def one_or_404[M: Model](rows: QuerySet[M], **filters: object) -> M:
    """The one row matching ``filters``, or 404 — also for a malformed id, so a probe learns nothing."""
    try:
        return rows.get(**filters)
    except (ObjectDoesNotExist, ValueError, ValidationError):
        raise Http404 from None
