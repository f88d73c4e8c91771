"""PostgreSQL row-level security (isolation layer 4) and the two database roles.

Migrations call :func:`enable_tenant_rls` for every tenant table they create. The policy
compares ``tenant_id`` with the transaction-local setting ``app.tenant_id`` that
:mod:`saas.db.tenant` sets in ``after_begin``; with nothing set it sees no rows (fail closed).
``FORCE`` makes the policy apply to the table owner too; only superusers and roles with
BYPASSRLS escape it, and the web process uses neither (see :func:`role_setup_sql`).

On SQLite every helper is a no-op: the demo relies on layers 1–3.
"""

from __future__ import annotations

from typing import Any

POLICY_NAME = "tenant_isolation"
CURRENT_TENANT = "nullif(current_setting('app.tenant_id', true), '')::uuid"
CURRENT_USER = "nullif(current_setting('app.user_id', true), '')::uuid"
CURRENT_READER = "current_setting('app.reader', true)"
#: The extra, read-only policy on the few tenant tables a platform reader may see across tenants.
READER_POLICY = "platform_reader"


def tenant_policy_sql(table: str, *, also_own_rows_of_user: str | None = None) -> list[str]:
    """SQL statements that enable, force and define the tenant policy on ``table``.

    ``also_own_rows_of_user`` names a column compared with ``app.user_id``: the membership table
    uses it so a person can list their own memberships in every tenant (to choose one).
    """
    using = f"tenant_id = {CURRENT_TENANT}"
    if also_own_rows_of_user:
        using = f"({using}) OR {also_own_rows_of_user} = {CURRENT_USER}"
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS {POLICY_NAME} ON {table}",
        f"CREATE POLICY {POLICY_NAME} ON {table} FOR ALL USING ({using}) WITH CHECK ({using})",
    ]


def reader_policy_sql(table: str, reader: str) -> list[str]:
    """SQL that lets a session whose ``app.reader`` is ``reader`` SELECT every row of ``table``
    (a tenant table that already has the tenant policy). Policies combine with OR, so writes still
    need the tenant policy: such a reader cannot change a row, and sees no other table."""
    return [
        f"DROP POLICY IF EXISTS {READER_POLICY} ON {table}",
        f"CREATE POLICY {READER_POLICY} ON {table} FOR SELECT USING ({CURRENT_READER} = '{reader}')",
    ]


def enable_tenant_rls(op: Any, table: str, **kwargs: Any) -> None:
    """In a migration: put ``table`` under the tenant policy (PostgreSQL only)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in tenant_policy_sql(table, **kwargs):
        op.execute(statement)


def disable_tenant_rls(op: Any, table: str) -> None:
    """In a downgrade: remove the policy from ``table`` (PostgreSQL only)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY IF EXISTS {POLICY_NAME} ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


def make_append_only(op: Any, table: str) -> None:
    """In a migration: refuse UPDATE and DELETE on ``table`` in the database itself."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION saas_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$")
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION saas_refuse_change()")
    elif dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def drop_append_only(op: Any, table: str) -> None:
    """In a downgrade: remove the triggers of :func:`make_append_only`."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    elif dialect == "sqlite":
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")


def role_setup_sql(database: str, owner: str = "saas_owner", app_role: str = "saas_app") -> list[str]:
    """SQL, run once by a superuser, creating the owner and app roles for ``database``.

    * ``owner`` owns the schema and runs migrations.
    * ``app_role`` is what the web process and workers log in as: no ownership, NOBYPASSRLS,
      and only SELECT/INSERT/UPDATE/DELETE on tables the owner creates (default privileges), so
      it can neither change the schema nor switch the policies off. Passwords are set separately.
    """
    return [
        f"CREATE ROLE {owner} LOGIN NOSUPERUSER NOBYPASSRLS",
        f"CREATE ROLE {app_role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE",
        f"ALTER DATABASE {database} OWNER TO {owner}",
        f"ALTER SCHEMA public OWNER TO {owner}",
        f"GRANT CONNECT ON DATABASE {database} TO {app_role}",
        f"GRANT USAGE ON SCHEMA public TO {app_role}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app_role}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {app_role}",
    ]
