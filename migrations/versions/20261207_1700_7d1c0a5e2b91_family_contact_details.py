"""families: contact details and postcodes (issue 17); volunteers: postcode and search key; users: phone

Revision ID: 7d1c0a5e2b91
Revises: a17c3e9d2b40
Create Date: 2026-12-07 17:00:00

``families`` gets the sealed contact details (``contact_sealed``: address, phone, e-mail and the
language to use, tenants.families.contact_details), the plain normalised ``postcode`` and a keyed
hash of the phone number (``phone_key``, indexed per tenant) for the search. No family has a
postcode yet, so the families' search keys stay as they are.

``volunteers`` gets an optional ``postcode`` and a folded search key (``search_text``: name, phone
number and postcode, tenants.volunteers.search), filled here tenant by tenant (row-level security
applies to the owner running this too) with the rules written out as they are now. ``users`` gets
an optional ``phone``, shown to the volunteers a coordinator guides. No new table, so no new policy.
"""

import re

import sqlalchemy as sa
from alembic import op
from anyascii import anyascii

import saas.db  # noqa: F401 - column types such as saas.db.UTCDateTime

revision = '7d1c0a5e2b91'
down_revision = 'a17c3e9d2b40'
branch_labels = None
depends_on = None

INDEX = "ix_families_tenant_id_phone_key"

_tenants = sa.table("tenants", sa.column("id", sa.Uuid()))
_volunteers = sa.table("volunteers", sa.column("tenant_id", sa.Uuid()), sa.column("id", sa.Uuid()),
                       sa.column("name", sa.String()), sa.column("phone", sa.String()),
                       sa.column("search_text", sa.Text()))


def upgrade():
    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_sealed', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('postcode', sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column('phone_key', sa.String(length=64), nullable=True))
    op.create_index(INDEX, 'families', ['tenant_id', 'phone_key'], unique=False)
    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('postcode', sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.alter_column('search_text', server_default=None)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=True))
    _fill_volunteer_keys()


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('phone')
    with op.batch_alter_table('volunteers', schema=None) as batch_op:
        batch_op.drop_column('search_text')
        batch_op.drop_column('postcode')
    op.drop_index(INDEX, table_name='families')
    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.drop_column('phone_key')
        batch_op.drop_column('postcode')
        batch_op.drop_column('contact_sealed')


def _fold(text):
    """saas.search.fold as it is in this revision, written out."""
    if not text:
        return ""
    import unicodedata

    cleaned = "".join(" " if unicodedata.category(char)[0] in "CZ" else char for char in text)
    return " ".join(anyascii(cleaned).lower().split())


def _phone(text):
    """saas.contact.normalise_phone as it is in this revision, written out."""
    compact = re.sub(r"[\s\-./()]", "", text or "")
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+31"):
        compact = "0" + compact[3:].removeprefix("0")
    if compact.startswith("0") and compact[1:2] != "0":
        digits = compact[1:]
        return f"+31{digits}" if digits.isdigit() and len(digits) == 9 else None
    return compact if re.fullmatch(r"\+([1-9][0-9]{6,14})", compact) else None


def _fill_volunteer_keys():
    bind = op.get_bind()
    for tenant_id in bind.execute(sa.select(_tenants.c.id)).scalars().all():
        if bind.dialect.name == "postgresql":
            bind.execute(sa.text("SELECT set_config('app.tenant_id', :tenant, true)"), {"tenant": str(tenant_id)})
        keys = [
            {"tenant": tenant_id, "volunteer": volunteer_id,
             "key": " ".join(folded for folded in map(_fold, [name, _phone(phone) or phone]) if folded)}
            for volunteer_id, name, phone in bind.execute(
                sa.select(_volunteers.c.id, _volunteers.c.name, _volunteers.c.phone)
                .where(_volunteers.c.tenant_id == tenant_id))
        ]
        if keys:
            bind.execute(sa.update(_volunteers)
                         .where(_volunteers.c.tenant_id == sa.bindparam("tenant"),
                                _volunteers.c.id == sa.bindparam("volunteer"))
                         .values(search_text=sa.bindparam("key")), keys)
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT set_config('app.tenant_id', '', true)"))
