"""The checks the client's browser makes of a proof bundle (confide/static/confide/verify-history.js), in
Python: the tests of confide.audit.proofs use them so that every field of a bundle is checked without
Chromium (a guard must have a test that fails without a browser)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from typing import Any

from confide.audit import heads, merkle, note
from confide.audit.commitment import commitment
from confide.audit.log import verifier_key
from confide.practices.models import Practice


def _b(value: str) -> bytes:
    return base64.b64decode(value)


def _leaf(entry: dict[str, Any]) -> bytes:
    """The entry's leaf, recomputed from its salt and committed bytes, as the browser does."""
    leaf = merkle.leaf_hash(commitment(_b(entry["salt"]), json.loads(entry["canonical"])))
    assert leaf == _b(entry["leaf"]), "the leaf is not the hash of the committed entry"
    return leaf


def _signed_time(checkpoint: note.Checkpoint) -> dt.datetime:
    [line] = [line for line in checkpoint.extensions if line.startswith(heads.TIME + " ")]
    return dt.datetime.fromtimestamp(int(line.split(" ")[1]), dt.UTC)


def revealed_check(bundle: dict[str, Any], lift: dict[str, Any]) -> list[dict[str, Any]]:
    """A lifting entry's revealed entries: as many as it counts, each of this client and seal, in the served
    log, and in the first signed checkpoint that held them, which the served one extends, signed no earlier
    than two minutes before the time the entry claims and no later than a day after. Returns their fields."""
    lifted = json.loads(lift["canonical"])
    served = _b(bundle["root"])
    held = lift.get("revealed", [])
    assert len(held) == int(lifted["purpose"]), "the lifting entry counts more entries than are shown"
    fields = []
    for entry in held:
        committed = json.loads(entry["canonical"])
        assert (committed["client"], committed["seal"]) == (bundle["client"], lifted["object_id"])
        leaf = _leaf(entry)
        proof = [_b(p) for p in entry["proof"]]
        assert merkle.verify_inclusion(entry["index"], bundle["size"], leaf, proof, served)
        since = note.open_note(entry["since"]["checkpoint"], verifier=bundle["verifier_key"])
        assert entry["index"] < since.size <= bundle["size"]
        proof = [_b(p) for p in entry["since"]["proof"]]
        assert merkle.verify_inclusion(entry["index"], since.size, leaf, proof, since.root)
        consistency = [_b(p) for p in entry["since"]["consistency"]]
        if since.size == bundle["size"]:
            assert (since.root, consistency) == (served, [])
        else:
            assert merkle.verify_consistency(since.size, bundle["size"], since.root, served, consistency)
        at, claimed = _signed_time(since), dt.datetime.fromisoformat(committed["time"])
        assert claimed - dt.timedelta(minutes=2) <= at <= claimed + dt.timedelta(days=1)
        fields.append(committed)
    assert len({f["sealed_seq"] for f in fields}) == len(fields), "an entry is shown twice"
    return fields


def bundle_check(practice: Practice, bundle: dict[str, Any], *, since: int | None = None) -> list[dict[str, object]]:
    """Check the bundle the way the browser does; return each entry's committed fields."""
    assert "problem" not in bundle, bundle.get("problem")
    assert bundle["verifier_key"] == verifier_key(practice)
    signed = note.open_note(str(bundle["checkpoint"]), verifier=str(bundle["verifier_key"]))
    root = _b(str(bundle["root"]))
    assert (signed.size, signed.root) == (bundle["size"], root)
    fields = []
    for entry in bundle["entries"]:
        committed = json.loads(entry["canonical"])
        leaf = _leaf(entry) if entry["salt"] is not None else _b(entry["leaf"])
        proof = [_b(p) for p in entry["proof"]]
        assert merkle.verify_inclusion(entry["index"], signed.size, leaf, proof, root), entry
        assert committed["seq"] == entry["seq"]
        assert committed["client"] == bundle["client"]
        if "revealed" in entry:
            revealed_check(bundle, entry)
        fields.append(committed)
    head = bundle["head"]
    if head is not None:  # the client's head is in the signed map, and the history ends there
        signed_heads = heads.parse_extension(signed.extensions)
        assert signed_heads is not None, "the checkpoint does not sign the client heads"
        count, heads_root = signed_heads
        mine = heads.Head(uuid.UUID(str(bundle["client"])), head["seq"], head["index"])
        proof = [_b(p) for p in head["proof"]]
        assert merkle.verify_inclusion(head["position"], count, mine.leaf(), proof, heads_root)
        newest = [e for e in bundle["entries"] if e["seq"] == head["seq"]]
        assert [e["index"] for e in newest] == [head["index"]] or not newest
    if since is not None and bundle["consistency"] is not None:  # the log only grew since the last visit
        seen = note.open_note(str(bundle["seen"]), verifier=str(bundle["verifier_key"]))
        assert seen.size == since == bundle["consistency"]["from"]
        proof = [_b(p) for p in bundle["consistency"]["proof"]]
        assert merkle.verify_consistency(since, signed.size, seen.root, root, proof)
    if bundle["anchor"] is not None:  # and it extends the checkpoint kept outside the database
        kept = note.open_note(str(bundle["anchor"]["checkpoint"]), verifier=str(bundle["verifier_key"]))
        proof = [_b(p) for p in bundle["anchor"]["proof"]]
        if kept.size == signed.size:
            assert (kept.root, proof) == (root, [])
        else:
            assert merkle.verify_consistency(kept.size, signed.size, kept.root, root, proof)
    return fields
