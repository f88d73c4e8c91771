"""impact: exact domain scores (domain_scores.mean_units); the unit of each published score cell

Revision ID: 5b8e2c7d41a9
Revises: d0e38ce46816
Create Date: 2026-12-07 13:15:00

A family's domain score becomes exact: ``mean_units`` is its mean in units of 1/630 000 (a multiple
of every possible number of answered items), filled in from the stored answers (or, where a score
has no answers to go on, from its four-decimal mean, which that unit holds exactly).

``published_statistics.score_scale`` records the unit a row's score sums are in. Every row written so
far is in 1/10 000 and keeps it: the cells of frozen years are never republished, and the reader
converts each row (saas.foundation.published).
"""

import sqlalchemy as sa
from alembic import op

import saas.db  # noqa: F401 - column types such as saas.db.UTCDateTime

revision = '5b8e2c7d41a9'
down_revision = 'd0e38ce46816'
branch_labels = None
depends_on = None

#: The units as they are in this revision (saas.foundation.measures), written out: a migration must
#: not change meaning when the code's constants do.
SCORE_SCALE, LEGACY_SCORE_SCALE = 630_000, 10_000

_tenants = sa.table("tenants", sa.column("id", sa.Uuid()))
_instruments = sa.table("instruments", sa.column("id", sa.Uuid()), sa.column("scale", sa.JSON()))
_items = sa.table("instrument_items", sa.column("id", sa.Uuid()), sa.column("domain_id", sa.Uuid()),
                  sa.column("reverse_scored", sa.Boolean()))
_domains = sa.table("instrument_domains", sa.column("id", sa.Uuid()), sa.column("code", sa.String()))
_measurements = sa.table("measurements", sa.column("tenant_id", sa.Uuid()), sa.column("id", sa.Uuid()),
                         sa.column("instrument_id", sa.Uuid()))
_answers = sa.table("measurement_answers", sa.column("tenant_id", sa.Uuid()), sa.column("measurement_id", sa.Uuid()),
                    sa.column("item_id", sa.Uuid()), sa.column("value", sa.SmallInteger()))
_scores = sa.table("domain_scores", sa.column("tenant_id", sa.Uuid()), sa.column("id", sa.Uuid()),
                   sa.column("measurement_id", sa.Uuid()), sa.column("domain_code", sa.String()),
                   sa.column("mean", sa.Numeric(6, 4)), sa.column("mean_units", sa.Integer()))


def upgrade():
    with op.batch_alter_table('domain_scores', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mean_units', sa.Integer(), nullable=True))
    with op.batch_alter_table('published_statistics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score_scale', sa.Integer(), nullable=False,
                                      server_default=str(LEGACY_SCORE_SCALE)))
    # Only the rows above take the old unit; a new row must say which it is in (the model's default).
    with op.batch_alter_table('published_statistics', schema=None) as batch_op:
        batch_op.alter_column('score_scale', server_default=None)
    _fill_mean_units()


def downgrade():
    with op.batch_alter_table('published_statistics', schema=None) as batch_op:
        batch_op.drop_column('score_scale')
    with op.batch_alter_table('domain_scores', schema=None) as batch_op:
        batch_op.drop_column('mean_units')


def _fill_mean_units():
    """Each scored domain's exact mean from its answers, tenant by tenant: on PostgreSQL the tenant
    tables are under forced row-level security, which applies to the owner running this too."""
    bind = op.get_bind()
    reverse_sums = {instrument_id: _reverse_sum(scale)
                    for instrument_id, scale in bind.execute(sa.select(_instruments.c.id, _instruments.c.scale))}
    for tenant_id in bind.execute(sa.select(_tenants.c.id)).scalars().all():
        if bind.dialect.name == "postgresql":
            bind.execute(sa.text("SELECT set_config('app.tenant_id', :tenant, true)"), {"tenant": str(tenant_id)})
        units = [{"tenant": tenant_id, "score": score_id, "units": _in_units(points, answered)}
                 for score_id, points, answered in _points(bind, tenant_id, reverse_sums) if answered]
        if units:
            bind.execute(sa.update(_scores)
                         .where(_scores.c.tenant_id == sa.bindparam("tenant"), _scores.c.id == sa.bindparam("score"))
                         .values(mean_units=sa.bindparam("units")), units)
        # A score without answers to go on (loaded by hand): its four-decimal mean is exact in this unit.
        bind.execute(sa.update(_scores)
                     .where(_scores.c.tenant_id == tenant_id, _scores.c.mean.is_not(None),
                            _scores.c.mean_units.is_(None))
                     .values(mean_units=sa.cast(sa.func.round(_scores.c.mean * SCORE_SCALE), sa.Integer)))
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT set_config('app.tenant_id', '', true)"))


def _reverse_sum(scale):
    """lowest + highest point of an instrument's scale: a reverse-scored answer v counts as that − v."""
    values = [int(point["value"]) for point in scale or []]
    return min(values) + max(values) if values else 0


def _points(bind, tenant_id, reverse_sums):
    """(score id, points, answered) of the tenant's scored domains: the answered items' values, reverse
    scored where the item says so, as tenants.impact.measurements.scoring adds them up."""
    reversed_item = _items.c.reverse_scored.is_(True)
    statement = (
        sa.select(_scores.c.id, _measurements.c.instrument_id,
                  sa.func.sum(sa.case((reversed_item, 0), else_=_answers.c.value)),
                  sa.func.sum(sa.case((reversed_item, _answers.c.value), else_=0)),
                  sa.func.sum(sa.case((reversed_item, 1), else_=0)),
                  sa.func.count(_answers.c.value))
        .select_from(_scores)
        .join(_measurements, sa.and_(_measurements.c.tenant_id == _scores.c.tenant_id,
                                     _measurements.c.id == _scores.c.measurement_id))
        .join(_answers, sa.and_(_answers.c.tenant_id == _scores.c.tenant_id,
                                _answers.c.measurement_id == _scores.c.measurement_id))
        .join(_items, _items.c.id == _answers.c.item_id)
        .join(_domains, sa.and_(_domains.c.id == _items.c.domain_id, _domains.c.code == _scores.c.domain_code))
        .where(_scores.c.tenant_id == tenant_id, _scores.c.mean.is_not(None), _answers.c.value.is_not(None))
        .group_by(_scores.c.id, _measurements.c.instrument_id))
    for score_id, instrument_id, plain, reversed_values, reversed_count, answered in bind.execute(statement):
        points = int(plain) + int(reversed_count) * reverse_sums.get(instrument_id, 0) - int(reversed_values)
        yield score_id, points, int(answered)


def _in_units(points, answered):
    """points / answered in units of 1/SCORE_SCALE, half up (exact for up to ten answered items)."""
    return (2 * points * SCORE_SCALE + answered) // (2 * answered)
