"""tenants: a data version raised by every change to the organisation's data (issue 19)

Figures that are expensive to compute and read often (the start page's key figures, a family's
suggested volunteers, a list's count) are kept per process under it (saas.tenancy.versions).

Revision ID: f5a0b6c1d2e3
Revises: e48b0d5f2a64
Create Date: 2026-12-07 23:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'f5a0b6c1d2e3'
down_revision = 'e48b0d5f2a64'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tenants') as batch_op:
        batch_op.add_column(sa.Column('data_version', sa.BigInteger(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('tenants') as batch_op:
        batch_op.drop_column('data_version')
