"""lists: indexes for every default sort and filter (issue 19)

The family list's default sort (newest referral first, then id) has its own index with the date
descending, so page 1 reads 25 index entries instead of sorting every family; the waiting list's
state index and the name index gain the id that breaks ties. The volunteer list sorts by name, then id. Each index
leads with tenant_id, like every index on a tenant table.

Revision ID: d37a9c4e1f53
Revises: c26f8b3d0e42
Create Date: 2026-12-07 21:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd37a9c4e1f53'
down_revision = 'c26f8b3d0e42'
branch_labels = None
depends_on = None

#: (table, index name, columns) added; a column may be an SQL expression (a descending sort).
ADDED = (
    ("families", "ix_families_tenant_id_referred_on_desc_id", ["tenant_id", sa.column("referred_on").desc(), "id"]),
    ("families", "ix_families_tenant_id_state_referred_on_id", ["tenant_id", "state", "referred_on", "id"]),
    ("families", "ix_families_tenant_id_family_name_id", ["tenant_id", "family_name", "id"]),
    ("families", "ix_families_tenant_id_municipality_referred_on", ["tenant_id", "municipality", "referred_on"]),
    ("families", "ix_families_tenant_id_referrer_type_referred_on", ["tenant_id", "referrer_type", "referred_on"]),
    ("volunteers", "ix_volunteers_tenant_id_state_name_id", ["tenant_id", "state", "name", "id"]),
    ("volunteers", "ix_volunteers_tenant_id_name_id", ["tenant_id", "name", "id"]),
    ("volunteers", "ix_volunteers_tenant_id_municipality_name", ["tenant_id", "municipality", "name"]),
    ("volunteers", "ix_volunteers_tenant_id_applied_on_id", ["tenant_id", "applied_on", "id"]),
)
#: (table, index name, columns) the new ones replace: each is a prefix of one added above.
REPLACED = (
    ("families", "ix_families_tenant_id_state_referred_on", ["tenant_id", "state", "referred_on"]),
    ("families", "ix_families_tenant_id_family_name", ["tenant_id", "family_name"]),
    ("volunteers", "ix_volunteers_tenant_id_state", ["tenant_id", "state"]),
    ("volunteers", "ix_volunteers_tenant_id_name", ["tenant_id", "name"]),
)


def upgrade():
    for table, name, columns in ADDED:
        op.create_index(name, table, columns)
    for table, name, _columns in REPLACED:
        op.drop_index(name, table_name=table)


def downgrade():
    for table, name, columns in REPLACED:
        op.create_index(name, table, columns)
    for table, name, _columns in ADDED:
        op.drop_index(name, table_name=table)
