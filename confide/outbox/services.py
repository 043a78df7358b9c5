"""Sending e-mail so that none is lost: ``mail_send`` keeps each message in the outbox, sealed, and tries
it at once; when the mail server is down it stays there and is tried again with backoff (by the job
worker, and by ``confide jobs run``) until the server accepts it. A failure never fails the request."""

from __future__ import annotations

import datetime as dt
import json
import logging
import smtplib
import uuid

from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from confide.outbox.backoff import retry_delay
from confide.outbox.models import OutgoingMail
from confide.vault.sealing import master_key

log = logging.getLogger(__name__)
PURPOSE = "outgoing-mail"


def mail_send(*, practice_id: uuid.UUID, kind: OutgoingMail.Kind, to: str, subject: str, body: str) -> OutgoingMail:
    """Keep the message (in the caller's transaction, if any) and try to deliver it now."""
    envelope = json.dumps({"to": to, "subject": subject, "body": body}).encode()
    mail = OutgoingMail.objects.create(
        practice_id=practice_id, kind=kind, envelope_ct=master_key().seal_secret(envelope.decode(), purpose=PURPOSE)
    )
    mail_deliver(mail=mail)
    return mail


def mail_deliver(*, mail: OutgoingMail, now: dt.datetime | None = None) -> bool:
    """One attempt. Accepted: the row is gone. Refused or unreachable: the next attempt is scheduled."""
    envelope = json.loads(master_key().open_secret(bytes(mail.envelope_ct), purpose=PURPOSE))
    try:
        with transaction.atomic():  # a failure below must not break the caller's transaction
            send_mail(
                subject=envelope["subject"], message=envelope["body"], from_email=None, recipient_list=[envelope["to"]]
            )
            OutgoingMail.objects.filter(pk=mail.pk).delete()
        return True
    except (smtplib.SMTPException, OSError) as exc:
        mail.attempts += 1
        mail.last_error = type(exc).__name__[:80]
        mail.next_attempt_at = (now or timezone.now()) + retry_delay(mail.attempts)
        mail.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        log.warning(
            "mail %s not sent (attempt %s, %s); next try at %s",
            mail.pk,
            mail.attempts,
            mail.last_error,
            mail.next_attempt_at.isoformat(),
        )
        if mail_retry_task.get_backend().supports_defer:  # the job worker tries again when it is due
            when = mail.next_attempt_at
            transaction.on_commit(lambda: mail_retry_task.using(run_after=when).enqueue())
        return False


def mail_retry_due(*, now: dt.datetime | None = None) -> int:
    """Try every kept message whose next attempt is due; return how many were delivered."""
    now = now or timezone.now()
    delivered = 0
    for mail in OutgoingMail.objects.filter(next_attempt_at__lte=now).order_by("next_attempt_at"):
        delivered += mail_deliver(mail=mail, now=now)
    return delivered


@task()
def mail_retry_task() -> int:
    return mail_retry_due()
