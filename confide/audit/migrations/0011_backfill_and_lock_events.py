"""Counters and heads for histories recorded before them, tags for pending events, then the triggers that
keep events, counters, heads and the log state append-only."""

from django.db import migrations
from django.db.models import Max

from confide.audit.appendonly import EVENTS, FORWARD, migration_operation


def backfill(apps, schema_editor):
    event_model = apps.get_model("audit", "AuditEvent")
    counter_model = apps.get_model("audit", "ClientCounter")
    head_model = apps.get_model("audit", "LogHead")
    leaf_model = apps.get_model("audit", "LogLeaf")
    tops = event_model.objects.filter(client_id__isnull=False).values("practice_id", "client_id").annotate(top=Max("client_seq"))
    counter_model.objects.bulk_create(
        [counter_model(practice_id=r["practice_id"], client_id=r["client_id"], last_seq=r["top"] or 0) for r in tops]
    )
    heads = {}
    events = dict(event_model.objects.filter(client_id__isnull=False).values_list("id", "client_id"))
    seqs = dict(event_model.objects.filter(client_id__isnull=False).values_list("id", "client_seq"))
    for practice_id, index, event_id in leaf_model.objects.order_by("index").values_list("practice_id", "index", "event_id"):
        if event_id in events:
            heads[(practice_id, events[event_id])] = (seqs[event_id], index)
    head_model.objects.bulk_create(
        [head_model(practice_id=p, client_id=c, seq=s, leaf_index=i) for (p, c), (s, i) in heads.items()]
    )
    if not event_model.objects.exists():
        return
    # Tags need the master key; a deployment upgrades with it in place (the server migrates at start).
    from confide.audit.tags import event_tag, tag_key

    keys = {}
    for event in event_model.objects.only("id", "practice_id", "commitment").iterator():
        key = keys.get(event.practice_id) or keys.setdefault(event.practice_id, tag_key(event.practice_id))
        event_model.objects.filter(pk=event.pk).update(tag=event_tag(key, bytes(event.commitment)))


class Migration(migrations.Migration):
    dependencies = [("audit", "0010_client_heads")]
    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migration_operation((EVENTS, *FORWARD)),
    ]
