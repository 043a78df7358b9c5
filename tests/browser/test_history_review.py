"""What an independent hostile review found the browser's verifier missed or got wrong, now right (review
R1, R3, R6, R7, R8 of issue 12): deletions at a page's edges and at the history's start, a false alarm in
filtered views, a forged row under a real number, a page that is out of date, an accepted restore."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Max
from playwright.sync_api import Page, Route, expect
from pytest_django.live_server_helper import LiveServer

from confide.accounts.models import User
from confide.audit import appendonly
from confide.audit.actions import AuditAction, Channel
from confide.audit.commitment import commitment
from confide.audit.integrate import log_integrate
from confide.audit.models import AuditEvent, Checkpoint, ClientCounter, LogState
from confide.audit.services import event_record
from confide.audit.verify import log_verify
from confide.clients.models import Client
from tests.attacker import drop_append_only_triggers
from tests.audit.attacks import attack, roll_back_to
from tests.browser.helpers import sign_in
from tests.cast import Cast


def _state(page: Page) -> str:
    expect(page.locator("#verify")).not_to_have_attribute("data-state", "checking", timeout=20_000)
    return f"{page.locator('#verify').get_attribute('data-state')}: {page.locator('#verify-detail').inner_text()}"


def _open_history(page: Page, live_server: LiveServer) -> None:
    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    page.click("#history-link")


def _record(cast: Cast, n: int, action: AuditAction = AuditAction.NOTE_READ) -> AuditEvent:
    with transaction.atomic():
        for _ in range(n):
            event = event_record(actor=cast.clinician, action=action, channel=Channel.WEB, client_id=cast.client.id)
    while log_integrate(practice_id=cast.owner.practice_id):
        pass
    return event


def _all_states(page: Page) -> list[str]:
    states = [_state(page)]
    while page.locator("#older").count():
        page.click("#older")
        states.append(_state(page))
    return states


def test_deleting_the_oldest_entries_turns_the_oldest_page_red(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    _record(live_cast, 2)
    _open_history(page, live_server)
    assert _state(page).startswith("verified"), _state(page)
    drop_append_only_triggers()
    AuditEvent.objects.filter(client_id=live_cast.client.id, client_seq__lte=3).delete()
    _record(live_cast, 1)
    page.reload()
    assert _state(page) == "changed: entry 1 is missing"


def test_deleting_the_entry_just_below_a_page_turns_a_page_red(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    _record(live_cast, 120)
    _open_history(page, live_server)
    assert _state(page).startswith("verified"), _state(page)
    # The next load records "you opened your portal" (L + 1) and shows L - 48 … L + 1: L - 49 is just below it.
    hidden = ClientCounter.objects.get(client_id=live_cast.client.id).last_seq - 49
    drop_append_only_triggers()
    AuditEvent.objects.filter(client_id=live_cast.client.id, client_seq=hidden).delete()
    page.reload()
    states = _all_states(page)
    assert f"changed: entry {hidden} is missing" in states, states
    assert log_verify(practice_id=live_cast.owner.practice_id).problem


def test_a_filtered_view_over_more_than_a_bundles_span_verifies(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    _record(live_cast, 600)  # reads, then a note written: two "wrote" entries 600 apart
    _record(live_cast, 1, AuditAction.NOTE_CREATE)
    _open_history(page, live_server)
    page.select_option("#kind", "wrote")
    page.click("form.card button")
    assert _state(page).startswith("verified"), _state(page)
    expect(page.locator("#verify-status")).to_have_text("Verified: these entries are in the signed log.")
    assert page.locator("#history li.verified").count() == page.locator("#history li").count() >= 2


@pytest.fixture
def without_the_numbers_constraint() -> Iterator[None]:
    """What `ALTER TABLE … DROP CONSTRAINT audit_client_seq_unique` does on PostgreSQL, rebuilt on SQLite
    (which cannot drop one), and the table put back as it was afterwards."""
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DROP CONSTRAINT audit_client_seq_unique")
        yield
        drop_append_only_triggers()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id < 0")
            cursor.execute(
                "ALTER TABLE audit_auditevent ADD CONSTRAINT audit_client_seq_unique "
                "UNIQUE (practice_id, client_id, client_seq)"
            )
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'audit_auditevent'")
        original = cursor.fetchone()[0]
        indexes = [row[0] for row in cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_auditevent' AND sql IS NOT NULL"
        ).fetchall()]  # fmt: skip

    def rebuild(sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql.replace('"audit_auditevent"', '"audit_auditevent_new"', 1))
            cursor.execute("INSERT INTO audit_auditevent_new SELECT * FROM audit_auditevent")
            cursor.execute("DROP TABLE audit_auditevent")
            cursor.execute("ALTER TABLE audit_auditevent_new RENAME TO audit_auditevent")
            for index in indexes:
                cursor.execute(index)

    rebuild(re.sub(r', CONSTRAINT "audit_client_seq_unique" UNIQUE \([^)]*\)', "", original))
    yield
    drop_append_only_triggers()
    with connection.cursor() as cursor:  # the forged rows go, then the constraint comes back
        cursor.execute("DELETE FROM audit_auditevent WHERE id < 0")
    rebuild(original)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'audit_auditevent'")
        assert "audit_client_seq_unique" in cursor.fetchone()[0]


def test_a_forged_row_under_a_real_number_is_refused(
    page: Page, live_server: LiveServer, live_cast: Cast, without_the_numbers_constraint: None
) -> None:
    _record(live_cast, 60)
    _open_history(page, live_server)
    assert _state(page).startswith("verified"), _state(page)
    glass = _record(live_cast, 1, AuditAction.BREAKGLASS_OPEN)
    _record(live_cast, 48)  # the next load's bottom row is the break-glass
    drop_append_only_triggers()
    forged = AuditEvent(
        id=-1,  # ordered first among rows of one number
        practice_id=glass.practice_id,
        actor=live_cast.client_member,
        actor_role="client",
        action=AuditAction.CLIENT_PORTAL_READ,
        channel=Channel.WEB,
        client_id=live_cast.client.id,
        client_seq=glass.client_seq,
        object_type="client",
        created_at=glass.created_at,
        salt=os.urandom(32),
    )
    forged.commitment = commitment(bytes(forged.salt or b""), forged.canonical_fields())
    forged.tag = os.urandom(32)
    forged.save(force_insert=True)
    page.reload()
    states = _all_states(page)
    assert any(s.startswith("changed") for s in states), states


def test_a_page_drawn_before_someone_else_looked_is_out_of_date_not_complete(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    """A caching proxy keeps serving the first history page it saw; the proofs pass through."""
    stale: dict[str, object] = {}

    def proxy(route: Route) -> None:
        if route.request.resource_type != "document":
            route.continue_()
            return
        if "response" not in stale:
            stale["response"] = route.fetch()
        route.fulfill(response=stale["response"])  # type: ignore[arg-type]

    sign_in(page, live_server.url, "jordan@client.test", with_totp=False)
    page.route("**/portal/history/", proxy)
    page.click("#history-link")
    assert _state(page).startswith("verified"), _state(page)  # the client's own proof request is no news
    _record(live_cast, 1, AuditAction.BREAKGLASS_OPEN)  # Chris breaks the glass afterwards
    page.reload()
    assert _state(page).startswith("stale"), _state(page)
    expect(page.locator("#verify-status")).to_contain_text("This page is out of date: 1 newer entries")


def test_after_an_accepted_restore_a_returning_browser_is_told_and_then_verifies_again(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    """Review R7: the browser that saw entries a restored backup lost learns of the restore from the signed
    checkpoint, says so once, and verifies from there on."""
    _record(live_cast, 1)  # the night's backup holds this…
    _record(live_cast, 1)  # …not this
    _open_history(page, live_server)
    assert _state(page).startswith("verified"), _state(page)
    attack("replay an old checkpoint", live_cast.client)  # the backup is restored, counters included
    for counter in ClientCounter.objects.all():
        top = AuditEvent.objects.filter(client_id=counter.client_id).aggregate(top=Max("client_seq"))["top"]
        ClientCounter.objects.filter(pk=counter.pk).update(last_seq=top or 0)
    appendonly.install(connection, appendonly.LOCKED)
    page.reload()
    assert _state(page).startswith("changed"), _state(page)  # not yet accepted: a rollback like any other
    call_command("audit", "--practice", "harbor-therapy", "accept-restore", stdout=StringIO())
    _record(live_cast, 2)
    page.reload()
    assert _state(page).startswith("restored"), _state(page)
    expect(page.locator("#verify-status")).to_contain_text("restored a backup")
    _record(live_cast, 1)
    page.reload()
    assert _state(page).startswith("verified"), _state(page)
    assert log_verify(practice_id=live_cast.owner.practice_id).problem is None


# ---------------------------------------------------------------- the second review (F1, F2, F5, F6)


def test_a_record_swapped_under_the_account_is_noticed(page: Page, live_server: LiveServer, live_cast: Cast) -> None:
    """F1: the administrator points Jordan's portal account at a new, empty client row."""
    _record(live_cast, 1, AuditAction.BREAKGLASS_OPEN)
    _open_history(page, live_server)
    assert _state(page).startswith("verified"), _state(page)
    real = Client.objects.get(pk=live_cast.client.pk)
    Client.objects.filter(pk=real.pk).update(portal_member=None)
    Client.objects.create(
        practice_id=real.practice_id, wrapped_key=real.wrapped_key, name_ct=real.name_ct,
        portal_member=live_cast.client_member,
    )  # fmt: skip
    page.goto(f"{live_server.url}/portal/history/")
    assert _state(page) == "changed: this is not the record your browser saw on your last visit"


def test_a_member_named_you_is_still_shown_with_their_role(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    """F2: "You" is decided by the member's id, not by a name anyone with the database can change."""
    User.objects.filter(pk=live_cast.clinician.user_id).update(full_name="You")
    _record(live_cast, 1, AuditAction.BREAKGLASS_OPEN)
    _open_history(page, live_server)
    assert _state(page).startswith("verified"), _state(page)
    row = page.locator("#history li[data-action='clients:breakglass:open']")
    expect(row).to_contain_text("(clinician)")
    assert row.get_attribute("data-mine") == "false"


def _restore(cast: Cast, size: int) -> None:
    """Last night's backup comes back (log at ``size``, counters with it), and the operator accepts it."""
    drop_append_only_triggers()
    roll_back_to(cast.owner.practice_id, size)
    for counter in ClientCounter.objects.all():
        top = AuditEvent.objects.filter(client_id=counter.client_id).aggregate(top=Max("client_seq"))["top"]
        ClientCounter.objects.filter(pk=counter.pk).update(last_seq=top or 0)
    appendonly.install(connection, appendonly.LOCKED)
    call_command("audit", "--practice", "harbor-therapy", "accept-restore", stdout=StringIO())


def _size(cast: Cast) -> int:
    return LogState.objects.get(practice_id=cast.owner.practice_id).size


def test_a_restore_is_told_once_and_the_browsers_memory_is_checked_again_after_it(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    """F5: after telling of a restore, the browser goes back to checking its memory."""
    _record(live_cast, 1)
    backup = _size(live_cast)
    _record(live_cast, 30)  # a day's work the backup does not hold
    _open_history(page, live_server)
    assert _state(page).startswith("verified"), _state(page)
    _restore(live_cast, backup)
    page.reload()
    assert _state(page).startswith("restored"), _state(page)
    page.reload()
    assert _state(page).startswith("verified"), _state(page)
    key = f"confide-history-checkpoint:{live_cast.client_member.id}"
    seen = json.loads(page.evaluate(f"localStorage.getItem('{key}')"))
    _record(live_cast, 1)
    drop_append_only_triggers()  # the administrator deletes the checkpoint this browser saw
    Checkpoint.objects.filter(practice_id=live_cast.owner.practice_id, size=seen["size"]).delete()
    appendonly.install(connection, appendonly.LOCKED)
    page.reload()
    assert _state(page) == "changed: the checkpoint you saw on your last visit was deleted or changed"


def test_a_browser_last_seen_before_two_restores_is_told_and_verifies_again(
    page: Page, live_server: LiveServer, live_cast: Cast
) -> None:
    """F6: every accepted restore is carried, so a browser that slept through two recovers too."""
    _record(live_cast, 1)
    first_backup = _size(live_cast)
    _record(live_cast, 5)
    _open_history(page, live_server)
    assert _state(page).startswith("verified"), _state(page)
    _restore(live_cast, first_backup)
    _record(live_cast, 20)
    second_backup = _size(live_cast)
    _record(live_cast, 5)
    _restore(live_cast, second_backup)
    _record(live_cast, 3)
    page.reload()
    assert _state(page).startswith("restored"), _state(page)
    _record(live_cast, 3)
    page.reload()
    assert _state(page).startswith("verified"), _state(page)
    assert log_verify(practice_id=live_cast.owner.practice_id).problem is None
