"""Append-only enforcement for every audit and accounting table.

- Log tables (leaves, subtree hashes, checkpoints, witnesses' cosignatures) and the accounting of
  disclosures: no UPDATE, no DELETE.
- Audit events: no DELETE; an UPDATE may only remove a salt (shredding a client), nothing else.
- Counters, heads and the log state only move forward: a client's sequence counter, a seal's counters,
  a head's number and leaf, the log's size may not go back, and none of their rows may be deleted.
- A lifted seal (``audit_seallift``) is never updated or deleted.

SQLite: triggers. PostgreSQL: triggers too (TRUNCATE included), and `confide audit lockdown --role
APP_ROLE` revokes the rights the application does not need, so that even a compromised application
cannot rewrite history (run it as the database owner). Installed by migration everywhere, the test
database included: a test that plays an attacker drops them first, as one with database access would.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations import RunPython

TABLES = ("audit_logleaf", "audit_lognode", "audit_checkpoint", "audit_cosignature")
# The accounting of disclosures: corrections and suspensions are new rows.
ACCOUNTING = ("disclosures_accountingentry", "disclosures_suspension")
# A lifted seal stays lifted: the client has been shown what it held.
SEALS = ("audit_seallift",)
EVENTS = "audit_auditevent"
# Rows that only move forward: table -> the columns that may not decrease.
FORWARD = {
    "audit_clientcounter": ("last_seq",),
    "audit_loghead": ("seq", "leaf_index"),
    "audit_logstate": ("size",),
    "audit_sealcounter": ("last", "logged"),
}
LOCKED = TABLES + ACCOUNTING + SEALS + (EVENTS, *FORWARD)


@dataclass(frozen=True)
class _Rule:
    """What UPDATE may do on a table: nothing (``frozen``), only clear ``salt``, or only raise ``forward``."""

    table: str
    salt_only: bool = False
    forward: tuple[str, ...] = ()


def _rule(table: str, columns: list[str] | None = None) -> _Rule:
    """``columns``: those the table has now (an earlier migration installs before later columns exist)."""
    forward = tuple(c for c in FORWARD.get(table, ()) if columns is None or c in columns)
    return _Rule(table, salt_only=table == EVENTS, forward=forward)


def _abort(table: str) -> str:
    return f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"


def _sqlite(rule: _Rule, columns: list[str]) -> list[str]:
    t = rule.table
    statements = [f"CREATE TRIGGER IF NOT EXISTS {t}_no_delete BEFORE DELETE ON {t} {_abort(t)}"]
    if rule.salt_only:  # every column of the table as it is now: installing again after a new column covers it
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns if c != "salt")
        statements.insert(0, f"DROP TRIGGER IF EXISTS {t}_no_update")
        statements.append(
            f"CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} WHEN NEW.salt IS NOT NULL OR {changed} {_abort(t)}"
        )
    elif rule.forward:
        back = " OR ".join(f"NEW.{c} < OLD.{c}" for c in rule.forward)
        statements.insert(0, f"DROP TRIGGER IF EXISTS {t}_no_update")  # a new forward column: install again
        statements.append(f"CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} WHEN {back} {_abort(t)}")
    else:
        statements.append(f"CREATE TRIGGER IF NOT EXISTS {t}_no_update BEFORE UPDATE ON {t} {_abort(t)}")
    return statements


_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION confide_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE col text;
BEGIN
  IF TG_OP = 'UPDATE' AND TG_ARGV[0] = 'salt' THEN
    IF NEW.salt IS NULL AND (to_jsonb(NEW) - 'salt') = (to_jsonb(OLD) - 'salt') THEN RETURN NEW; END IF;
  ELSIF TG_OP = 'UPDATE' AND TG_ARGV[0] = 'forward' THEN
    FOREACH col IN ARRAY TG_ARGV[1:] LOOP
      IF (to_jsonb(NEW) ->> col)::numeric < (to_jsonb(OLD) ->> col)::numeric THEN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
      END IF;
    END LOOP;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$
"""


def _postgres(rule: _Rule) -> list[str]:
    t = rule.table
    args = (
        "'salt'"
        if rule.salt_only
        else ", ".join(["'forward'", *(f"'{c}'" for c in rule.forward)])
        if rule.forward
        else ""
    )
    return [
        f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}",
        f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
        f"FOR EACH ROW EXECUTE FUNCTION confide_append_only({args})",
        f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t}",
        f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} "
        "FOR EACH STATEMENT EXECUTE FUNCTION confide_append_only()",
    ]


def install(connection: BaseDatabaseWrapper, tables: tuple[str, ...] = TABLES) -> None:
    """Install the triggers on ``tables`` (those that exist: an earlier migration runs before later tables)."""
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    tables = tuple(t for t in tables if t in existing)
    statements: list[str] = []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            columns = {t: [c.name for c in connection.introspection.get_table_description(cursor, t)] for t in tables}
        statements = [s for t in tables for s in _sqlite(_rule(t, columns[t]), columns[t])]
    elif connection.vendor == "postgresql":
        statements = [_PG_FUNCTION, *(s for t in tables for s in _postgres(_rule(t)))]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper, tables: tuple[str, ...] = TABLES) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "sqlite":
                for op in ("update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")
            elif connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")


def lockdown_sql(role: str) -> list[str]:
    """Statements that take rewriting rights from the application's PostgreSQL role: it keeps only
    clearing an event's salt (shredding) and moving counters, heads and the log state forward."""
    if not role.replace("_", "").isalnum():
        raise ValueError("a role name has letters, digits and underscores only")
    statements = [f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {role}" for table in LOCKED]
    statements.append(f"GRANT UPDATE (salt) ON {EVENTS} TO {role}")
    statements += [f"GRANT UPDATE ({', '.join(cols)}) ON {table} TO {role}" for table, cols in FORWARD.items()]
    return statements


def migration_operation(tables: tuple[str, ...]) -> RunPython:
    """The migration step that installs the triggers on ``tables``."""

    def forward(apps: object, schema_editor: BaseDatabaseSchemaEditor) -> None:
        install(schema_editor.connection, tables)

    def backward(apps: object, schema_editor: BaseDatabaseSchemaEditor) -> None:
        uninstall(schema_editor.connection, tables)

    return RunPython(forward, backward)
