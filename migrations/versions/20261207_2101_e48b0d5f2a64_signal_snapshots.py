"""home: each tenant's snapshot of its computed signals (issue 19)

``signal_snapshots`` keeps a tenant's signals as last computed, sealed with the tenant's key, so the
start page reads one row instead of computing them on every view (tenants.home.snapshots): one row
per tenant, recomputed when a change marks it stale or the day changes. No index on the tables the
signals are computed from was needed: every statement of the signals already steps through an
existing one.

Revision ID: e48b0d5f2a64
Revises: d37a9c4e1f53
Create Date: 2026-12-07 21:01:00
"""
import sqlalchemy as sa
from alembic import op

import saas.db
from saas.db.rls import disable_tenant_rls, enable_tenant_rls

revision = 'e48b0d5f2a64'
down_revision = 'd37a9c4e1f53'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('signal_snapshots',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('computed_for', sa.Date(), nullable=False),
    sa.Column('computed_at', saas.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('stale', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('signals_sealed', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_signal_snapshots_tenant_id_tenants'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_signal_snapshots')),
    sa.UniqueConstraint('tenant_id', name=op.f('uq_signal_snapshots_tenant_id'))
    )
    enable_tenant_rls(op, 'signal_snapshots')


def downgrade():
    disable_tenant_rls(op, 'signal_snapshots')
    op.drop_table('signal_snapshots')
