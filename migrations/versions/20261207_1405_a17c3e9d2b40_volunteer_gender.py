"""volunteers: an optional gender, to meet a family's wish in the suggestions (issue 17)

Revision ID: a17c3e9d2b40
Revises: 63afe36c508c
Create Date: 2026-12-07 14:05:00

``volunteers.gender`` is "female", "male" or empty (not recorded). The intake has always asked the
family's wish about the volunteer's gender; the suggestions now score it (tenants.matching.scoring).
Existing volunteers keep it empty: a coordinator records it on the profile when it matters.
"""

import sqlalchemy as sa
from alembic import op

revision = 'a17c3e9d2b40'
down_revision = '63afe36c508c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gender', sa.Enum('any', 'female', 'male', name='volunteer_gender',
                                                        native_enum=False, length=20, create_constraint=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_volunteers_volunteer_gender'), type_='check')
        batch_op.drop_column('gender')
