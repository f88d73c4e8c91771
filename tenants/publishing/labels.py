"""Names for the codes the published statistics carry, registered with saas.foundation.labels
(the foundation's pages ask there; saas/ never imports this package). Registered by
:func:`contribute`, which the package's front door names, when the app is built.

Every provider works without a tenant bound (the foundation's requests have none): tracks and
closure reasons are fixed lists, life domains come from the platform instrument tables.
"""

from __future__ import annotations

from sqlalchemy import select

from saas.db import db
from saas.enums import LabelledEnum
from saas.foundation.labels import register_labels
from saas.i18n import force_locale
from tenants.families.vocabulary import ClosureReason, Track
from tenants.impact.instruments.models import Instrument, InstrumentDomain


def _enum_labels(enum: type[LabelledEnum]) -> dict[str, str]:
    return {member.value: member.label for member in enum}


def track_labels(language: str) -> dict[str, str]:
    with force_locale(language):
        return _enum_labels(Track)


def closure_reason_labels(language: str) -> dict[str, str]:
    with force_locale(language):
        return _enum_labels(ClosureReason)


def domain_labels(language: str) -> dict[str, str]:
    """{domain code: label} over every instrument version, the newest instrument's names and order
    first (one statement, platform tables only). Labels missing in ``language`` fall back to Dutch."""
    rows = db.session.execute(
        select(InstrumentDomain.code, InstrumentDomain.labels)
        .join(Instrument, Instrument.id == InstrumentDomain.instrument_id)
        .order_by(Instrument.created_at.desc(), Instrument.version.desc(), InstrumentDomain.position))
    labels: dict[str, str] = {}
    for code, texts in rows:
        labels.setdefault(code, (texts or {}).get(language) or (texts or {}).get("nl") or code)
    return labels


def contribute() -> None:
    """Name the codes for the foundation's pages (the package's front door lists this)."""
    register_labels("track", track_labels)
    register_labels("domain", domain_labels)
    register_labels("closure_reason", closure_reason_labels)
