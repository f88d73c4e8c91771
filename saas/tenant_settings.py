"""A tenant's settings row (the matching policy, the screening policy …) with declared defaults.

Reading never writes: a tenant that never changed a setting reads the defaults from an unsaved row,
so a GET stays a read (no insert, no audit, nothing to roll back). The row is stored the first time
someone changes it. The pattern of indico's ``SettingsProxy``, for settings that are one row each.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from sqlalchemy import select

from saas.db import db, get_or_create

Row = TypeVar("Row")


class TenantSettings(Generic[Row]):
    """The one row of ``model`` of the bound tenant, or its defaults."""

    def __init__(self, model: type[Row], **defaults: Any) -> None:
        self.model, self.defaults = model, defaults

    def read(self) -> Row:
        """The stored row, else an unsaved row holding the defaults (never added to the session)."""
        stored = db.session.scalars(select(self.model)).first()
        return stored if stored is not None else self.model(**self.defaults)

    def for_update(self) -> Row:
        """The stored row, created with the defaults first when the tenant has none yet."""
        return get_or_create(db.session, select(self.model), lambda: self.model(**self.defaults))
