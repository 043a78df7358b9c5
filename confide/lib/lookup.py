"""Look up one row by id for the caller, or answer 404; insert a row under an id made outside, once."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.http import Http404


def one_or_404[M: Model](rows: QuerySet[M], **filters: object) -> M:
    """The one row matching ``filters``, or 404 — also for a malformed id, so a probe learns nothing."""
    try:
        return rows.get(**filters)
    except (ObjectDoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def insert_new(row: Model, refusal: Exception) -> None:
    """Insert ``row`` under the id it was given, or raise ``refusal`` if that id exists: ids made by a
    browser (a message, a file, an entry) arrive twice when a request is sent again, or are forged."""
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        raise refusal from None
