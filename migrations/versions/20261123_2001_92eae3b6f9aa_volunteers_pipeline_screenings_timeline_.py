"""volunteers: pipeline, screenings, timeline, screening policy

Revision ID: 92eae3b6f9aa
Revises: 6b039e7680e1
Create Date: 2026-11-23 20:01:09.663758
"""

import sqlalchemy as sa
from alembic import op

import saas.db  # noqa: F401 - column types such as saas.db.UTCDateTime
from saas.db.rls import disable_tenant_rls, enable_tenant_rls

TENANT_TABLES = ("volunteers", "screenings", "volunteer_events", "screening_policies")

revision = '92eae3b6f9aa'
down_revision = '6b039e7680e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('screening_policies',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('max_age_at_start_days', sa.Integer(), nullable=False),
    sa.Column('renewal_months', sa.Integer(), nullable=False),
    sa.Column('warning_days', sa.Integer(), nullable=False),
    sa.Column('applicant_waiting_days', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_screening_policies_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_screening_policies')),
    sa.UniqueConstraint('tenant_id', name=op.f('uq_screening_policies_tenant_id'))
    )
    op.create_table('volunteers',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.Enum('individual', 'family', name='volunteer_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('state', sa.Enum('applicant', 'intake', 'screening', 'training', 'available', 'matched', 'paused', 'stopped', name='volunteer_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('state_changed_at', saas.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('interviewed_on', sa.Date(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('stopped_on', sa.Date(), nullable=True),
    sa.Column('exit_reason', sa.Enum('not_suitable', 'no_time', 'moved', 'other_volunteer_work', 'personal', 'no_contact', 'other', name='exit_reason', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('municipality', sa.String(length=120), nullable=True),
    sa.Column('neighbourhood', sa.String(length=120), nullable=True),
    sa.Column('day_parts', sa.JSON(), nullable=False),
    sa.Column('max_families', sa.Integer(), nullable=False),
    sa.Column('experience_domains', sa.JSON(), nullable=False),
    sa.Column('interests', sa.String(length=500), nullable=True),
    sa.Column('preferred_tracks', sa.JSON(), nullable=False),
    sa.Column('preferred_child_age_min', sa.Integer(), nullable=True),
    sa.Column('preferred_child_age_max', sa.Integer(), nullable=True),
    sa.Column('created_at', saas.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_volunteers_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_volunteers_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_volunteers')),
    sa.UniqueConstraint('tenant_id', 'user_id', name=op.f('uq_volunteers_tenant_id_user_id'))
    )
    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteers_tenant_id_name'), ['tenant_id', 'name'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteers_tenant_id_state'), ['tenant_id', 'state'], unique=False)

    op.create_table('screenings',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('volunteer_id', sa.Uuid(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('screening_profile', sa.String(length=10), nullable=False),
    sa.Column('checked_by_id', sa.Uuid(), nullable=True),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('created_at', saas.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_screenings_checked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'volunteer_id'], ['volunteers.tenant_id', 'volunteers.id'], name=op.f('fk_screenings_tenant_id_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_screenings_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_screenings'))
    )
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screenings_tenant_id_volunteer_id_issued_on'), ['tenant_id', 'volunteer_id', 'issued_on'], unique=False)

    op.create_table('volunteer_events',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('volunteer_id', sa.Uuid(), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.Enum('applicant', 'intake', 'screening', 'training', 'available', 'matched', 'paused', 'stopped', name='from_state', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('to_state', sa.Enum('applicant', 'intake', 'screening', 'training', 'available', 'matched', 'paused', 'stopped', name='to_state', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('at', saas.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_volunteer_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'volunteer_id'], ['volunteers.tenant_id', 'volunteers.id'], name=op.f('fk_volunteer_events_tenant_id_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_volunteer_events_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_volunteer_events'))
    )
    with op.batch_alter_table('volunteer_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_events_tenant_id_volunteer_id_at'), ['tenant_id', 'volunteer_id', 'at'], unique=False)
    for table in TENANT_TABLES:
        enable_tenant_rls(op, table)


def downgrade():
    for table in TENANT_TABLES:
        disable_tenant_rls(op, table)
    with op.batch_alter_table('volunteer_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_events_tenant_id_volunteer_id_at'))

    op.drop_table('volunteer_events')
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screenings_tenant_id_volunteer_id_issued_on'))

    op.drop_table('screenings')
    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteers_tenant_id_state'))
        batch_op.drop_index(batch_op.f('ix_volunteers_tenant_id_name'))

    op.drop_table('volunteers')
    op.drop_table('screening_policies')
