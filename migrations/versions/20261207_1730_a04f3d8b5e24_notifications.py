"""notifications: each person's preferences and the sent log (issue 17)

Two tenant tables, both under the tenant RLS policy: ``notification_preferences`` (one choice per
person and kind) and ``notifications`` (one row per kind, subject, event key and recipient, unique:
what makes sending idempotent).

Revision ID: a04f3d8b5e24
Revises: 9f3e2c7a4d13
Create Date: 2026-12-07 17:30:00
"""

import sqlalchemy as sa
from alembic import op

import saas.db  # noqa: F401 - column types such as saas.db.UTCDateTime
from saas.db.rls import disable_tenant_rls, enable_tenant_rls

revision = 'a04f3d8b5e24'
down_revision = '9f3e2c7a4d13'
branch_labels = None
depends_on = None

TENANT_TABLES = ("notification_preferences", "notifications")
CHOICES = ('at_once', 'digest', 'off')


def upgrade():
    op.create_table('notification_preferences',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('choice', sa.Enum(*CHOICES, name='notification_choice', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('updated_at', saas.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_notification_preferences_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_notification_preferences')),
    sa.UniqueConstraint('tenant_id', 'user_id', 'kind', name=op.f('uq_notification_preferences_tenant_id_user_id_kind'))
    )
    op.create_table('notifications',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.String(length=80), nullable=False),
    sa.Column('event_key', sa.String(length=80), nullable=False),
    sa.Column('recipient_id', sa.Uuid(), nullable=False),
    sa.Column('delivery', sa.Enum(*CHOICES, name='notification_delivery', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'failed', name='notification_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=True),
    sa.Column('created_at', saas.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', saas.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_notifications_recipient_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_notifications_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('tenant_id', 'kind', 'subject_id', 'event_key', 'recipient_id', name=op.f('uq_notifications_tenant_id_kind_subject_id_event_key_recipient_id'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_tenant_id_status_delivery'), ['tenant_id', 'status', 'delivery'], unique=False)

    for table in TENANT_TABLES:
        enable_tenant_rls(op, table)


def downgrade():
    for table in TENANT_TABLES:
        disable_tenant_rls(op, table)
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_tenant_id_status_delivery'))
    op.drop_table('notifications')
    op.drop_table('notification_preferences')
