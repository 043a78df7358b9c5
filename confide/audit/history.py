"""A client's access history in plain language, a page at a time (its proofs: confide.audit.proofs).

The page is read newest first by the client's sequence number (one indexed range, whatever the history's
length), optionally of one kind or one person. Entries of the same person doing the same thing for the
same reason on the same day make one line ("Dr. Chris Moreau read 50 of your progress notes"); each line
still carries every entry's number and time, which the client's browser checks one by one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.utils import timezone

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.audit.phrases import KINDS, PHRASES, ROLES, phrase, reason
from confide.audit.seals import entries_opened
from confide.practices.models import Member

PAGE = 50  # entries, not lines
# Actions whose events name objects: a line counts the objects, not the entries ("read 50 notes").
COUNTS_OBJECTS = {AuditAction.NOTE_READ, AuditAction.PN_READ}
__all__ = ["KINDS", "PAGE", "PHRASES", "HistoryLine", "HistoryPage", "HistoryRow", "history_page"]


@dataclass(frozen=True)
class HistoryRow:
    seq: int
    who: str
    role: str
    what: str
    when: dt.datetime
    why: str
    action: str
    # What the entry commits to, as its canonical bytes say it: the browser compares each row with them.
    actor: str
    role_code: str
    time: str
    purpose: str
    mine: bool  # the viewer's own (decided by id: a name anyone can change in the database)
    sealed_seq: int | None = None  # an entry that was held back: its number within its seal
    seal: str = ""
    revealed: tuple[HistoryRow, ...] = ()  # under a lifting entry: the entries it showed
    objects: int = 0  # how many objects the entry names (the notes a chart showed)


@dataclass(frozen=True)
class HistoryLine:
    """One line a person reads: one person, one action, one reason, one day; newest entry first."""

    rows: tuple[HistoryRow, ...]

    @property
    def head(self) -> HistoryRow:
        return self.rows[0]

    @property
    def what(self) -> str:
        action = self.head.action
        n = sum(max(r.objects, 1) for r in self.rows) if action in COUNTS_OBJECTS else len(self.rows)
        return phrase(action, n)

    @property
    def start(self) -> dt.datetime:
        return self.rows[-1].when

    @property
    def seqs(self) -> str:
        return " ".join(str(r.seq) for r in self.rows)

    @property
    def times(self) -> str:
        return " ".join(r.time for r in self.rows)

    @property
    def numbers(self) -> str:
        first, last = self.rows[-1].seq, self.rows[0].seq
        return f"entry {first}" if first == last else f"entries {first}–{last}"


@dataclass(frozen=True)
class HistoryPage:
    rows: list[HistoryRow]
    lines: list[HistoryLine]
    older: int | None  # the ``before`` of the next page, if there is one
    first: bool  # the newest entries: the browser checks the history ends at the signed head
    # The numbers this page answers for, shown or not: from the next page's boundary (1 on the oldest
    # page) up to ``before`` - 1 (on the first page: up to the signed head, which the browser learns).
    low: int
    high: int | None


def history_page(
    *,
    practice_id: uuid.UUID,
    client_id: uuid.UUID,
    viewer: Member,
    before: int | None = None,
    kind: str = "",
    person: uuid.UUID | None = None,
) -> HistoryPage:
    """One page of the client's history, newest first: entries numbered below ``before``, of one ``kind`` of
    action and one ``person`` if given."""
    # Sealed entries have no number here: they appear only under the entry that lifted their seal.
    events = AuditEvent.objects.filter(practice_id=practice_id, client_id=client_id, client_seq__isnull=False)
    if before is not None:
        events = events.filter(client_seq__lt=before)
    if kind in KINDS:
        events = events.filter(action__in=KINDS[kind][1])
    if person is not None:
        events = events.filter(actor_id=person)
    page = list(events.select_related("actor__user").order_by("-client_seq", "id")[: PAGE + 1])
    lifts = [e for e in page[:PAGE] if e.action == AuditAction.SEAL_LIFT]
    opened = entries_opened(practice_id=practice_id, client_id=client_id, lifts=lifts)
    rows = [_row(e, viewer, tuple(_row(r, viewer) for r in opened.get(e.id, ()))) for e in page[:PAGE]]
    older = rows[-1].seq if len(page) > PAGE else None
    return HistoryPage(
        rows=rows,
        lines=lines_of(rows),
        older=older,
        first=before is None,
        low=older if older is not None else 1,
        high=before - 1 if before is not None else None,
    )


def lines_of(rows: list[HistoryRow]) -> list[HistoryLine]:
    """Consecutive rows of one person, action, reason and day make one line; a lifting entry stands alone."""
    lines: list[list[HistoryRow]] = []
    for row in rows:
        last = lines[-1][-1] if lines else None
        if last is not None and not row.revealed and not last.revealed and _key(last) == _key(row):
            lines[-1].append(row)
        else:
            lines.append([row])
    return [HistoryLine(tuple(line)) for line in lines]


def _key(row: HistoryRow) -> tuple[str, str, str, str, dt.date]:
    return (row.actor, row.role_code, row.action, row.purpose, timezone.localdate(row.when))


def _row(e: AuditEvent, viewer: Member, revealed: tuple[HistoryRow, ...] = ()) -> HistoryRow:
    mine = e.actor_id == viewer.id
    automatic = e.actor_id is None and e.channel == Channel.JOB  # a job on its day (a notice, a reminder)
    who = "You" if mine else (str(e.actor.user) if e.actor else "Confide" if automatic else "The system administrator")
    objects = len(e.object_ids.split())  # the notes a chart view showed (none: 0)
    return HistoryRow(
        seq=e.client_seq or 0,
        who=who,
        role="automatically" if automatic else ROLES.get(e.actor_role, e.actor_role),
        what=phrase(e.action, max(objects, 1) if e.action in COUNTS_OBJECTS else 1),
        when=e.created_at,
        why="" if e.action == AuditAction.SEAL_LIFT else reason(e.purpose),
        action=e.action,
        actor=str(e.actor_id) if e.actor_id else "",
        role_code=e.actor_role,
        time=e.created_at.isoformat(),
        purpose=e.purpose,
        mine=mine,
        sealed_seq=e.sealed_seq,
        seal=e.seal,
        revealed=revealed,
        objects=objects,
    )
