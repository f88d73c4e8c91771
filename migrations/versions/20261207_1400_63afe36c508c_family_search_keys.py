"""families: a folded search key per family, with a trigram index on PostgreSQL

Revision ID: 63afe36c508c
Revises: 5b8e2c7d41a9
Create Date: 2026-12-07 14:00:00

``families.search_text`` holds the family's searchable texts folded (tenants.families.search): ASCII,
lower case, single spaces — family name, case number and the household members' first names. It is
filled here for every family, tenant by tenant (on PostgreSQL the tenant tables are under forced
row-level security, which applies to the owner running this too).

On PostgreSQL the substring search (``LIKE '%word%'``) is served by a GIN trigram index on
``(tenant_id, search_text)``: ``pg_trgm`` for the text and ``btree_gin`` for the tenant column. Both
extensions are "trusted" (PostgreSQL 13+), so the database owner that runs the migrations may create
them; the downgrade drops them again.

A later field (a phone number, a postcode) is added to ``tenants.families.search.FIELDS`` and its
migration fills the keys again the same way, with the fields written out as they are then.
"""

import sqlalchemy as sa
from alembic import op
from anyascii import anyascii

import saas.db  # noqa: F401 - column types such as saas.db.UTCDateTime

revision = '63afe36c508c'
down_revision = '5b8e2c7d41a9'
branch_labels = None
depends_on = None

INDEX = "ix_families_tenant_id_search_text"

_tenants = sa.table("tenants", sa.column("id", sa.Uuid()))
_families = sa.table("families", sa.column("tenant_id", sa.Uuid()), sa.column("id", sa.Uuid()),
                     sa.column("family_name", sa.String()), sa.column("case_year", sa.Integer()),
                     sa.column("case_seq", sa.Integer()), sa.column("search_text", sa.Text()))
_members = sa.table("family_members", sa.column("tenant_id", sa.Uuid()), sa.column("family_id", sa.Uuid()),
                    sa.column("role", sa.String()), sa.column("first_name", sa.String()))


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.alter_column('search_text', server_default=None)
    _fill_search_text()
    if postgresql:
        op.create_index(INDEX, 'families', ['tenant_id', 'search_text'], unique=False,
                        postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'})
    else:
        op.create_index(INDEX, 'families', ['tenant_id', 'search_text'], unique=False)


def downgrade():
    op.drop_index(INDEX, table_name='families')
    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.drop_column('search_text')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP EXTENSION IF EXISTS btree_gin")
        op.execute("DROP EXTENSION IF EXISTS pg_trgm")


def _fold(text):
    """saas.search.fold as it is in this revision, written out."""
    if not text:
        return ""
    import unicodedata

    cleaned = "".join(" " if unicodedata.category(char)[0] in "CZ" else char for char in text)
    return " ".join(anyascii(cleaned).lower().split())


def _fill_search_text():
    bind = op.get_bind()
    for tenant_id in bind.execute(sa.select(_tenants.c.id)).scalars().all():
        if bind.dialect.name == "postgresql":
            bind.execute(sa.text("SELECT set_config('app.tenant_id', :tenant, true)"), {"tenant": str(tenant_id)})
        names = {}
        for family_id, first_name in bind.execute(
                sa.select(_members.c.family_id, _members.c.first_name)
                .where(_members.c.tenant_id == tenant_id)
                .order_by(_members.c.family_id, _members.c.role, _members.c.first_name)):
            names.setdefault(family_id, []).append(first_name)
        keys = [
            {"tenant": tenant_id, "family": family_id,
             "key": " ".join(folded for folded in map(_fold, [name, f"{year}-{seq:04d}", *names.get(family_id, [])])
                             if folded)}
            for family_id, name, year, seq in bind.execute(
                sa.select(_families.c.id, _families.c.family_name, _families.c.case_year, _families.c.case_seq)
                .where(_families.c.tenant_id == tenant_id))
        ]
        if keys:
            bind.execute(sa.update(_families)
                         .where(_families.c.tenant_id == sa.bindparam("tenant"),
                                _families.c.id == sa.bindparam("family"))
                         .values(search_text=sa.bindparam("key")), keys)
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT set_config('app.tenant_id', '', true)"))
