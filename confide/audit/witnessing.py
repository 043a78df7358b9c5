"""Each new checkpoint goes to the practice's independent witnesses (C2SP tlog-witness); their
cosignatures are kept beside it, verified, for the client's browser to check (CONFIDE_WITNESSES).

A witness cosigns only a checkpoint that extends the last one it cosigned for this log, so the request
carries a consistency proof from that size; a witness that answers with another size (409) is asked
again from there. A witness that has cosigned a larger tree than this log holds has seen a different
history — a rollback or a fork — and the operator is told at once. Nothing sent names a client: a
checkpoint is a size and hashes.
"""

from __future__ import annotations

import base64
import logging
import queue
import re
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from http.client import HTTPResponse

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max

from confide.audit.log import checkpoint_latest, consistency_proof
from confide.audit.models import Checkpoint, Cosignature
from confide.witness.cosign import Cosigner, cosigned_at, parse_cosigner

logger = logging.getLogger(__name__)
TIMEOUT = 10  # seconds per read; a witness that does not answer in time is asked again with the next checkpoint
DEADLINE = 15  # seconds for the whole exchange
SIZE = re.compile(r"(0|[1-9][0-9]{0,19})\n?")


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    content_type: str


def witnesses() -> list[tuple[str, Cosigner]]:
    return [(url, parse_cosigner(vkey)) for url, vkey in settings.CONFIDE_WITNESSES]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A witness answers where it is asked: a redirect (to an internal address, say) is not followed."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _answer(status: int, response: HTTPResponse | urllib.error.HTTPError) -> Answer:
    """At most 4 KiB of an answer, read leniently: a witness's cosignature line is short."""
    return Answer(status, response.read(4096).decode("utf-8", "replace"), response.headers["Content-Type"] or "")


def _exchange(url: str, data: bytes) -> Answer:
    request = urllib.request.Request(f"{url}/add-checkpoint", data=data)  # noqa: S310 (data: a POST)
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as response:  # http(s) only: the settings refuse others
            return _answer(response.status, response)
    except urllib.error.HTTPError as error:
        return _answer(error.code, error)


def _post(url: str, data: bytes) -> Answer | None:
    """One request with one deadline for all of it: a witness that trickles its answer a byte at a time
    (each read within the socket's timeout) is abandoned, not waited for (its thread is a daemon's)."""
    result: queue.Queue[Answer | BaseException] = queue.Queue(maxsize=1)

    def exchange() -> None:
        try:
            result.put(_exchange(url, data))
        except BaseException as error:  # handed to the caller, which decides
            result.put(error)

    threading.Thread(target=exchange, name="witness", daemon=True).start()
    try:
        answer = result.get(timeout=DEADLINE)
    except queue.Empty:
        logger.warning("witness %s did not answer within %s s", url, DEADLINE)
        return None
    if isinstance(answer, (urllib.error.URLError, OSError)):
        logger.warning("witness %s unreachable: %s", url, answer)
        return None
    if isinstance(answer, BaseException):
        raise answer
    return answer


def _request(practice_id: uuid.UUID, checkpoint: Checkpoint, old: int) -> bytes:
    proof = consistency_proof(practice_id, old, checkpoint.size) if old else []  # (old <= size: [] when equal)
    lines = [f"old {old}", *(base64.b64encode(h).decode() for h in proof)]
    return ("\n".join(lines) + "\n\n" + checkpoint.note).encode()


def _ask(practice_id: uuid.UUID, checkpoint: Checkpoint, url: str, cosigner: Cosigner) -> str | None:
    """The witness's cosignature line for ``checkpoint``, verified; None if it gave none."""
    mine = Cosignature.objects.filter(practice_id=practice_id, witness=cosigner.name)
    old = min(mine.aggregate(size=Max("size"))["size"] or 0, checkpoint.size)
    for _ in range(2):  # once from what we know it cosigned, once more from the size it says it has
        answer = _post(url, _request(practice_id, checkpoint, old))
        if answer is None:
            return None
        if answer.status == 409 and answer.content_type.startswith("text/x.tlog.size"):
            match = SIZE.fullmatch(answer.body)
            theirs = int(match[1]) if match else -1
            if theirs > checkpoint.size or theirs == old:  # a larger tree, or the same size with another root
                logger.error(
                    "witness %s has cosigned a different history of log size %s (this log: %s): a fork or a rollback",
                    cosigner.name,
                    theirs,
                    checkpoint.size,
                )
                return None
            if theirs >= 0:
                logger.info("witness %s holds size %s, not %s: asking again from there", cosigner.name, theirs, old)
                old = theirs
                continue
        if answer.status != 200:
            logger.warning(
                "witness %s refused checkpoint %s: %s %s",
                cosigner.name,
                checkpoint.size,
                answer.status,
                answer.body[:200],
            )
            return None
        body = checkpoint.note.partition("\n\n")[0] + "\n"
        for line in answer.body.splitlines():
            if cosigned_at(body, line, cosigner) is not None:
                return line
        logger.error("witness %s answered checkpoint %s with no valid cosignature", cosigner.name, checkpoint.size)
        return None
    return None


def checkpoint_witness(*, practice_id: uuid.UUID) -> int:
    """Ask every witness to cosign the practice's newest checkpoint; return how many did."""
    checkpoint = checkpoint_latest(practice_id=practice_id)
    if checkpoint is None:
        return 0
    added = 0
    for url, cosigner in witnesses():
        if Cosignature.objects.filter(practice_id=practice_id, size=checkpoint.size, witness=cosigner.name).exists():
            continue
        try:
            line = _ask(practice_id, checkpoint, url, cosigner)
        except Exception:  # one witness's failure is never another's, nor the other periodic jobs'
            logger.exception("witness %s: asking it to cosign checkpoint %s failed", cosigner.name, checkpoint.size)
            continue
        if line is None:
            continue
        try:
            with transaction.atomic():
                Cosignature.objects.create(
                    practice_id=practice_id, size=checkpoint.size, witness=cosigner.name, line=line
                )
            added += 1
        except IntegrityError:  # a second job kept the same witness's cosignature of this checkpoint first
            pass
    return added


def witnessed(practice_id: uuid.UUID, size: int) -> tuple[Checkpoint, list[str]] | None:
    """The newest checkpoint at or below ``size`` that a configured witness cosigned, with every configured
    witness's cosignature line of it."""
    names = [cosigner.name for _, cosigner in witnesses()]
    rows = Cosignature.objects.filter(practice_id=practice_id, witness__in=names, size__lte=size)
    newest = rows.aggregate(size=Max("size"))["size"]
    if newest is None:
        return None
    checkpoint = Checkpoint.objects.filter(practice_id=practice_id, size=newest).first()
    if checkpoint is None:
        return None
    return checkpoint, list(rows.filter(size=newest).order_by("witness").values_list("line", flat=True))
