"""Append-only enforcement for the log tables (leaves, subtree hashes, checkpoints) and the accounting of disclosures.

SQLite: triggers refuse UPDATE and DELETE. PostgreSQL: triggers too, and `confide audit
lockdown --role APP_ROLE` revokes UPDATE/DELETE/TRUNCATE from the application's role so that
even a compromised application cannot rewrite history (run it as the database owner).
Installed by migration everywhere, the test database included: a test that plays an attacker drops them
first, as an attacker with database access would.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations import RunPython

TABLES = ("audit_logleaf", "audit_lognode", "audit_checkpoint")
# The accounting of disclosures: corrections and suspensions are new rows.
ACCOUNTING = ("disclosures_accountingentry", "disclosures_suspension")
LOCKED = TABLES + ACCOUNTING


def _sqlite(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        for op in ("UPDATE", "DELETE")
    ]


_PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION confide_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
)


def _postgres(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION confide_append_only()",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION confide_append_only()",
    ]


def install(connection: BaseDatabaseWrapper, tables: tuple[str, ...] = TABLES) -> None:
    statements: list[str] = []
    if connection.vendor == "sqlite":
        statements = [s for t in tables for s in _sqlite(t)]
    elif connection.vendor == "postgresql":
        statements = [_PG_FUNCTION, *(s for t in tables for s in _postgres(t))]
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
    """Statements that take rewriting rights from the application's PostgreSQL role."""
    if not role.replace("_", "").isalnum():
        raise ValueError("a role name has letters, digits and underscores only")
    return [f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {role}" for table in LOCKED]


def migration_operation(tables: tuple[str, ...]) -> RunPython:
    """The migration step that installs the triggers on ``tables``."""

    def forward(apps: object, schema_editor: BaseDatabaseSchemaEditor) -> None:
        install(schema_editor.connection, tables)

    def backward(apps: object, schema_editor: BaseDatabaseSchemaEditor) -> None:
        uninstall(schema_editor.connection, tables)

    return RunPython(forward, backward)
