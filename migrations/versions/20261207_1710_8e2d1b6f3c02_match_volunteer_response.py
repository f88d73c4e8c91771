"""matches: the volunteer's answer to a proposal (issue 17)

Revision ID: 8e2d1b6f3c02
Revises: 7d1c0a5e2b91
Create Date: 2026-12-07 17:10:00

``matches.volunteer_response`` is "accepted", "declined" or empty (not answered yet),
``responded_at`` when the volunteer answered, and ``decline_reason_sealed`` the volunteer's reason
for declining, encrypted with the tenant's key (saas.crypto). Existing matches stay unanswered:
their volunteers were asked by phone, as before. No new table, so no new row-level-security policy.
"""

import sqlalchemy as sa
from alembic import op

import saas.db

revision = '8e2d1b6f3c02'
down_revision = '7d1c0a5e2b91'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('volunteer_response', sa.Enum('accepted', 'declined', name='volunteer_response',
                                                                    native_enum=False, length=20,
                                                                    create_constraint=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('responded_at', saas.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decline_reason_sealed', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_matches_volunteer_response'), type_='check')
        batch_op.drop_column('decline_reason_sealed')
        batch_op.drop_column('responded_at')
        batch_op.drop_column('volunteer_response')
