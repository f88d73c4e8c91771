"""one-time submissions and server-side sessions (issue 18)

Revision ID: b15e7a2c9d31
Revises: a04f3d8b5e24
Create Date: 2026-12-07 18:00:00

``submissions`` (a tenant table) keeps the submission tokens a tenant's members used, so a double
click or a retry of the same form writes nothing twice (saas.submissions). ``user_sessions`` (a
platform table) keeps each signed-in session on the server, so signing out ends it there and a
copy of its cookies is worthless afterwards (saas.auth.session). Sessions signed in before this
revision carry no server-side session id and end at their next request.
"""

import sqlalchemy as sa
from alembic import op

import saas.db  # noqa: F401 - column types such as saas.db.UTCDateTime
from saas.db.rls import disable_tenant_rls, enable_tenant_rls

revision = 'b15e7a2c9d31'
down_revision = 'a04f3d8b5e24'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submissions',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('token', sa.String(length=100), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('location', sa.String(length=2000), nullable=True),
    sa.Column('created_at', saas.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_submissions_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_submissions_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_submissions')),
    sa.UniqueConstraint('tenant_id', 'author_id', 'token', name=op.f('uq_submissions_tenant_id_author_id_token'))
    )
    enable_tenant_rls(op, 'submissions')
    op.create_table('user_sessions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', saas.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', saas.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
    disable_tenant_rls(op, 'submissions')
    op.drop_table('submissions')
