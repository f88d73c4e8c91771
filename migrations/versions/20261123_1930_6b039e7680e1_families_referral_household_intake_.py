"""families: referral, household, intake, notes, timeline; tenant keys

Revision ID: 6b039e7680e1
Revises: 2f4f1a84df87
Create Date: 2026-11-23 19:30:48.084902
"""

import sqlalchemy as sa
from alembic import op

import saas.db  # noqa: F401 - column types such as saas.db.UTCDateTime
from saas.db.rls import disable_tenant_rls, enable_tenant_rls

TENANT_TABLES = ("tenant_keys", "case_counters", "families", "family_members", "intakes", "family_notes",
                 "case_events")

revision = '6b039e7680e1'
down_revision = '2f4f1a84df87'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_counters',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_case_counters_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_case_counters')),
    sa.UniqueConstraint('tenant_id', 'year', name=op.f('uq_case_counters_tenant_id_year'))
    )
    op.create_table('families',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_year', sa.Integer(), nullable=False),
    sa.Column('case_seq', sa.Integer(), nullable=False),
    sa.Column('family_name', sa.String(length=120), nullable=False),
    sa.Column('state', sa.Enum('referred', 'intake_planned', 'intake_done', 'waiting', 'matched', 'closing', 'closed', 'not_accepted', 'referred_elsewhere', 'withdrawn', name='case_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('coordinator_id', sa.Uuid(), nullable=True),
    sa.Column('track', sa.Enum('regular', 'first_1000_days', name='track', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('composition', sa.Enum('single_parent', 'two_parents', 'other', name='composition', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('interpreter_needed', sa.Boolean(), nullable=False),
    sa.Column('municipality', sa.String(length=120), nullable=True),
    sa.Column('municipality_code', sa.String(length=6), nullable=True),
    sa.Column('neighbourhood', sa.String(length=120), nullable=True),
    sa.Column('expected_due_date', sa.Date(), nullable=True),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.Enum('phone', 'email', 'web_form', 'in_person', 'other', name='channel', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('referrer_type', sa.Enum('cjg', 'neighbourhood_team', 'school', 'youth_health_care', 'midwife', 'gp', 'professional_care', 'refugee_support', 'self', 'network', 'other', name='referrer_type', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('referrer_organisation', sa.String(length=160), nullable=True),
    sa.Column('referrer_contact', sa.String(length=160), nullable=True),
    sa.Column('help_question_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('help_domains', sa.JSON(), nullable=False),
    sa.Column('professional_care_involved', sa.Boolean(), nullable=False),
    sa.Column('professional_agencies', sa.JSON(), nullable=False),
    sa.Column('professional_agency_count', sa.Integer(), nullable=False),
    sa.Column('would_otherwise_be_referred', sa.Enum('yes', 'no', 'unknown', name='would_otherwise_be_referred', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('handover_from_professional_care', sa.Boolean(), nullable=False),
    sa.Column('consent_given', sa.Boolean(), nullable=False),
    sa.Column('consent_purposes', sa.JSON(), nullable=False),
    sa.Column('consent_on', sa.Date(), nullable=True),
    sa.Column('consent_by', sa.String(length=160), nullable=True),
    sa.Column('consent_by_legal_representative', sa.Boolean(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('closure_reason', sa.Enum('goals_reached', 'maximum_duration', 'referred_to_professional_care', 'family_stopped', 'moved', 'no_suitable_volunteer', 'volunteer_stopped', 'other', name='closure_reason', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('professional_care_at_end', sa.Enum('stopped', 'reduced', 'unchanged', 'increased', name='care_outcome', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('prevented_referral_confirmed', sa.Enum('yes', 'no', 'unknown', name='prevented_referral_confirmed', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('satisfaction', sa.SmallInteger(), nullable=True),
    sa.Column('informal_contact_continues', sa.Boolean(), nullable=True),
    sa.Column('state_changed_at', saas.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', saas.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['coordinator_id'], ['users.id'], name=op.f('fk_families_coordinator_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_families_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_families')),
    sa.UniqueConstraint('tenant_id', 'case_year', 'case_seq', name=op.f('uq_families_tenant_id_case_year_case_seq'))
    )
    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_families_tenant_id_coordinator_id'), ['tenant_id', 'coordinator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_families_tenant_id_family_name'), ['tenant_id', 'family_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_families_tenant_id_state_referred_on'), ['tenant_id', 'state', 'referred_on'], unique=False)

    op.create_table('tenant_keys',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('wrapped_key', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', saas.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_tenant_keys_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_tenant_keys'))
    )
    op.create_table('case_events',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('family_id', sa.Uuid(), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('from_state', sa.Enum('referred', 'intake_planned', 'intake_done', 'waiting', 'matched', 'closing', 'closed', 'not_accepted', 'referred_elsewhere', 'withdrawn', name='from_state', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('to_state', sa.Enum('referred', 'intake_planned', 'intake_done', 'waiting', 'matched', 'closing', 'closed', 'not_accepted', 'referred_elsewhere', 'withdrawn', name='to_state', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('at', saas.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'family_id'], ['families.tenant_id', 'families.id'], name=op.f('fk_case_events_tenant_id_family_id_families'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_case_events_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_tenant_id_family_id_at'), ['tenant_id', 'family_id', 'at'], unique=False)

    op.create_table('family_members',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('family_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.Enum('parent', 'child', 'other', name='member_role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('first_name', sa.String(length=80), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('legal_representative', sa.Boolean(), nullable=False),
    sa.Column('created_at', saas.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'family_id'], ['families.tenant_id', 'families.id'], name=op.f('fk_family_members_tenant_id_family_id_families'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_family_members_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_family_members'))
    )
    with op.batch_alter_table('family_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_members_tenant_id_family_id'), ['tenant_id', 'family_id'], unique=False)

    op.create_table('family_notes',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('family_id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=True),
    sa.Column('body_sealed', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', saas.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_family_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'family_id'], ['families.tenant_id', 'families.id'], name=op.f('fk_family_notes_tenant_id_family_id_families'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_family_notes_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_family_notes'))
    )
    with op.batch_alter_table('family_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_family_notes_tenant_id_family_id_created_at'), ['tenant_id', 'family_id', 'created_at'], unique=False)

    op.create_table('intakes',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('family_id', sa.Uuid(), nullable=False),
    sa.Column('planned_at', saas.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('coordinator_id', sa.Uuid(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('present', sa.String(length=300), nullable=True),
    sa.Column('story_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('wish_languages', sa.JSON(), nullable=False),
    sa.Column('wish_gender', sa.Enum('any', 'female', 'male', name='gender', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('wish_day_parts', sa.JSON(), nullable=False),
    sa.Column('wish_experience', sa.JSON(), nullable=False),
    sa.Column('judgement', sa.Enum('suitable', 'partly', 'refer', name='judgement', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('child_safety', sa.Enum('no_concerns', 'concerns_discussed', 'reporting_code_started', name='child_safety', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('child_safety_notes_sealed', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['coordinator_id'], ['users.id'], name=op.f('fk_intakes_coordinator_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'family_id'], ['families.tenant_id', 'families.id'], name=op.f('fk_intakes_tenant_id_family_id_families'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_intakes_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_intakes')),
    sa.UniqueConstraint('tenant_id', 'family_id', name=op.f('uq_intakes_tenant_id_family_id'))
    )
    for table in TENANT_TABLES:
        enable_tenant_rls(op, table)


def downgrade():
    for table in TENANT_TABLES:
        disable_tenant_rls(op, table)
    op.drop_table('intakes')
    with op.batch_alter_table('family_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_notes_tenant_id_family_id_created_at'))

    op.drop_table('family_notes')
    with op.batch_alter_table('family_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_family_members_tenant_id_family_id'))

    op.drop_table('family_members')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_events_tenant_id_family_id_at'))

    op.drop_table('case_events')
    op.drop_table('tenant_keys')
    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_families_tenant_id_state_referred_on'))
        batch_op.drop_index(batch_op.f('ix_families_tenant_id_family_name'))
        batch_op.drop_index(batch_op.f('ix_families_tenant_id_coordinator_id'))

    op.drop_table('families')
    op.drop_table('case_counters')
