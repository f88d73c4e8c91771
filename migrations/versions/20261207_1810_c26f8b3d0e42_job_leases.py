"""leases of background tasks (issue 18): task_leases, so a task is never lost or stuck

A platform table (task names and ids, no tenant data, no row-level security, like job_runs): each
background task is recorded before it is queued, claimed when it runs, and taken back by the
reaper when its lease expires (saas.jobs.leases). notifications.lease_until: a notification left
"sending" by a sender that died is taken back when it expires (saas.notifications.sending).

Revision ID: c26f8b3d0e42
Revises: b15e7a2c9d31
Create Date: 2026-12-07 18:10:00
"""
import sqlalchemy as sa
from alembic import op

import saas.db

revision = 'c26f8b3d0e42'
down_revision = 'b15e7a2c9d31'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('task_leases',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('task', sa.String(length=120), nullable=False),
    sa.Column('arguments', sa.JSON(), nullable=False),
    sa.Column('if_abandoned', sa.String(length=120), nullable=True),
    sa.Column('status', sa.Enum('queued', 'running', 'succeeded', 'failed', name='lease_status', native_enum=False,
                                create_constraint=True, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', saas.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lease_until', saas.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', saas.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_leases'))
    )
    with op.batch_alter_table('task_leases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_leases_status_lease_until'), ['status', 'lease_until'], unique=False)
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_until', saas.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('lease_until')
    with op.batch_alter_table('task_leases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_leases_status_lease_until'))
    op.drop_table('task_leases')
