"""drafts of every long form (issue 17)

Revision ID: 9f3e2c7a4d13
Revises: 8e2d1b6f3c02
Create Date: 2026-12-07 17:20:00

``form_drafts`` keeps what a person typed in a long form (referral, intake, closure, a match's
start, agreements and end …) until the form is sent: one row per author and page, the fields
sealed. It also receives a form sent after the idle sign-out (saas.drafts).
"""

import sqlalchemy as sa
from alembic import op

import saas.db  # noqa: F401 - column types such as saas.db.UTCDateTime
from saas.db.rls import disable_tenant_rls, enable_tenant_rls

revision = '9f3e2c7a4d13'
down_revision = '8e2d1b6f3c02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_drafts',
    sa.Column('tenant_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('page', sa.String(length=300), nullable=False),
    sa.Column('data_sealed', sa.LargeBinary(), nullable=False),
    sa.Column('updated_at', saas.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_form_drafts_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_form_drafts_tenant_id_tenants'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_form_drafts')),
    sa.UniqueConstraint('tenant_id', 'author_id', 'page', name=op.f('uq_form_drafts_tenant_id_author_id_page'))
    )
    enable_tenant_rls(op, 'form_drafts')


def downgrade():
    disable_tenant_rls(op, 'form_drafts')
    op.drop_table('form_drafts')
