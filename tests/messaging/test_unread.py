"""What a person has not opened (unread.py), the dashboard's prompt, and the no-PHI e-mail that a message
waits (notify.py), against a real SMTP server."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from confide.audit.actions import AuditAction, Channel
from confide.audit.models import AuditEvent
from confide.careteams.models import CareTeamMember
from confide.messaging.envelope import MailboxSecret
from confide.messaging.models import Message, MessageNotice
from confide.messaging.notify import QUIET, SETTLE, notices_send
from confide.messaging.selectors import thread_read
from confide.messaging.services import message_send
from confide.messaging.unread import threads_of, unread_for
from confide.practices.models import Member
from tests.cast import Cast
from tests.conftest import Inbox
from tests.messaging.test_services import publish, sealed_for

WEB = Channel.WEB
PHI = ("Jordan", "Canary", "Chris", "Clinician", "Harbor", "Thursday")


@pytest.fixture
def team(cast: Cast) -> dict[str, MailboxSecret]:
    return {
        "client": publish(cast.client_member),
        "clinician": publish(cast.clinician),
        "sam": publish(cast.supervisor),
    }


def _send(cast: Cast, team: dict[str, MailboxSecret], who: str = "client", ago: dt.timedelta | None = None) -> Message:
    member = {"client": cast.client_member, "clinician": cast.clinician}[who]
    envelope = sealed_for(cast, team[who], b"can we move to Thursday?")
    message = message_send(member=member, client_id=cast.client.id, envelope=envelope, channel=WEB)
    if ago is not None:
        Message.objects.filter(pk=message.pk).update(sent_at=timezone.now() - ago)
    return message


def test_unread_counts_what_was_sealed_to_me_by_others_until_i_open_it(
    cast: Cast, team: dict[str, MailboxSecret]
) -> None:
    _send(cast, team)
    _send(cast, team)
    _send(cast, team, "clinician")
    [mine] = unread_for(cast.clinician)
    assert (mine.client_id, mine.count) == (cast.client.id, 2)  # not the one Chris wrote
    assert [u.count for u in unread_for(cast.client_member)] == [1]
    thread_read(member=cast.clinician, client_id=cast.client.id, channel=WEB)
    assert unread_for(cast.clinician) == []
    assert [u.count for u in unread_for(cast.supervisor)] == [3]  # Sam has not opened any


def test_a_message_sealed_before_i_had_a_key_is_not_unread_for_me(cast: Cast) -> None:
    team = {"client": publish(cast.client_member)}
    _send(cast, team)
    publish(cast.clinician)
    assert unread_for(cast.clinician) == []


def test_a_seat_given_up_stops_counting(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    _send(cast, team)
    CareTeamMember.objects.filter(member=cast.supervisor).delete()
    assert unread_for(cast.supervisor) == [] and cast.client.id not in threads_of(cast.supervisor)
    assert cast.client.id not in threads_of(cast.outsider) and threads_of(cast.staff) == set()  # (Otto: his own)
    assert threads_of(cast.client_member) == {cast.client.id}


def test_the_dashboard_prompts_after_the_working_days_set(
    cast: Cast, team: dict[str, MailboxSecret], client: Browser, settings: object
) -> None:
    _send(cast, team, ago=dt.timedelta(days=7))
    client.force_login(cast.clinician.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'id="messages-unread"' in page and "1 unopened message" in page and "please open it" in page
    assert "waiting 5 working days" in page
    thread_read(member=cast.clinician, client_id=cast.client.id, channel=WEB)
    assert 'id="messages-unread"' not in client.get(reverse("dashboard")).content.decode()


def test_a_new_message_is_counted_without_a_prompt(cast: Cast, team: dict[str, MailboxSecret], client: Browser) -> None:
    _send(cast, team)
    client.force_login(cast.clinician.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "1 unopened message" in page and "please open" not in page


def test_the_portal_says_how_many_are_new(cast: Cast, team: dict[str, MailboxSecret], client: Browser) -> None:
    _send(cast, team, "clinician")
    client.force_login(cast.client_member.user)
    assert '<strong id="messages-unread">— 1 new</strong>' in client.get(reverse("portal_home")).content.decode()


def test_the_notice_is_a_link_and_nothing_else(cast: Cast, team: dict[str, MailboxSecret], smtp_inbox: Inbox) -> None:
    _send(cast, team, "clinician", ago=SETTLE + dt.timedelta(minutes=1))
    assert notices_send() == 2  # Jordan, and Sam (who has not opened it); not Chris, who wrote it
    to = sorted(str(m["To"]) for m in smtp_inbox.messages)
    assert to == ["jordan@client.test", "sam@harbor.test"]
    for index, message in enumerate(smtp_inbox.messages):
        text = str(message["Subject"]) + smtp_inbox.body(index)
        assert "http://localhost:8000/portal/" in text or "http://localhost:8000/dashboard/" in text
        for word in PHI:
            assert word not in text, word
    events = AuditEvent.objects.filter(action=AuditAction.MESSAGE_NOTIFY)
    assert sorted((e.client_id is not None, e.object_id) for e in events) == sorted(
        [(True, str(cast.client_member.id)), (False, str(cast.supervisor.id))]
    )


def test_a_message_read_on_an_open_page_sends_no_mail(
    cast: Cast, team: dict[str, MailboxSecret], smtp_inbox: Inbox
) -> None:
    _send(cast, team, "clinician", ago=SETTLE - dt.timedelta(minutes=1))
    assert notices_send() == 0
    for member in (cast.client_member, cast.supervisor):
        thread_read(member=member, client_id=cast.client.id, channel=WEB)
    assert notices_send(now=timezone.now() + SETTLE) == 0 and smtp_inbox.messages == []


def test_at_most_one_notice_a_week(cast: Cast, team: dict[str, MailboxSecret], smtp_inbox: Inbox) -> None:
    now = timezone.now()
    _send(cast, team, "clinician", ago=SETTLE + dt.timedelta(minutes=1))
    assert notices_send(now=now) == 2
    _send(cast, team, "clinician", ago=SETTLE + dt.timedelta(minutes=1))
    assert notices_send(now=now + QUIET - dt.timedelta(minutes=1)) == 0
    assert notices_send(now=now + QUIET + dt.timedelta(minutes=1)) == 2
    assert MessageNotice.objects.count() == 4


def test_no_notice_to_a_deactivated_account(cast: Cast, team: dict[str, MailboxSecret], smtp_inbox: Inbox) -> None:
    _send(cast, team, "clinician", ago=SETTLE + dt.timedelta(minutes=1))
    Member.objects.filter(pk=cast.supervisor.pk).update(is_active=False)
    cast.client_member.user.is_active = False
    cast.client_member.user.save(update_fields=["is_active"])
    assert notices_send() == 0


def test_the_prompt_waits_for_the_working_days_the_practice_set(
    cast: Cast, team: dict[str, MailboxSecret], client: Browser, settings: Settings
) -> None:
    settings.CONFIDE_MESSAGE_PROMPT_DAYS = 6
    _send(cast, team, ago=dt.timedelta(days=7))  # 5 working days
    client.force_login(cast.clinician.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "1 unopened message" in page and "please open" not in page
    settings.CONFIDE_MESSAGE_PROMPT_DAYS = 5
    assert "waiting 5 working days" in client.get(reverse("dashboard")).content.decode()


def test_a_shredded_clients_thread_is_no_longer_one_to_read(cast: Cast) -> None:
    from confide.vault.operations import client_shred  # noqa: PLC0415

    assert threads_of(cast.clinician) == {cast.client.id}
    client_shred(client_id=cast.client.id, reason="retention period over")  # the seats stay, as tombstones
    assert CareTeamMember.objects.filter(member=cast.clinician, client=cast.client).exists()
    assert threads_of(cast.clinician) == set() and unread_for(cast.clinician) == []


def test_unread_is_per_thread_i_may_read_now_oldest_waiting_first(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    from confide.careteams.services import careteam_add  # noqa: PLC0415
    from tests.messaging.test_selectors import send_in  # noqa: PLC0415

    careteam_add(
        actor=cast.owner, client=cast.other_client, member=cast.supervisor,
        team_role=CareTeamMember.TeamRole.SUPERVISOR, channel=WEB,
    )  # fmt: skip
    casey = publish(cast.colleague)
    days = dt.timedelta(days=1)
    # Aisha's thread waits longer first; then a message older still arrives in Jordan's (sent offline).
    jordan, aisha = cast.client.id, cast.other_client.id
    for jordans, aishas, order in ((1 * days, 2 * days, [aisha, jordan]), (5 * days, 3 * days, [jordan, aisha])):
        _send(cast, team, ago=jordans)
        older = send_in(cast.other_client, cast.colleague, casey)
        Message.objects.filter(pk=older.pk).update(sent_at=timezone.now() - aishas)
        found = unread_for(cast.supervisor)
        assert [u.client_id for u in found] == order and found[0].oldest < found[1].oldest
    CareTeamMember.objects.filter(member=cast.supervisor, client=cast.client).delete()  # Sam left Jordan's team
    assert [(u.client_id, u.count) for u in unread_for(cast.supervisor)] == [(cast.other_client.id, 2)]


def test_a_message_shared_to_my_new_key_is_counted_once(cast: Cast, team: dict[str, MailboxSecret]) -> None:
    from confide.messaging import share  # noqa: PLC0415
    from confide.messaging.sharing import history_share, shareable  # noqa: PLC0415

    _send(cast, team)
    sam = publish(cast.supervisor)  # Sam started over: the message is sealed to his old key only
    rows = shareable(member=cast.clinician, client_id=cast.client.id, target=sam.mailbox.id, channel=WEB)
    shares = {
        str(r.id): share.reshare(r.context, r.commitment, r.sealed, mine=team["clinician"], target=sam.mailbox)
        for r in rows
    }
    history_share(member=cast.clinician, client_id=cast.client.id, target=sam.mailbox.id, shares=shares, channel=WEB)
    assert [u.count for u in unread_for(cast.supervisor)] == [1]  # one message, sealed to two of his keys
