"""The foundation's instruments at /foundation/instruments: list, versions, load a new one, retire a version.

Foundation staff look; admins load and retire. The same actions exist on the command line
(tenants.impact.instruments.cli). These pages read only the platform tables of
tenants.impact.instruments.models: how often an instrument was used lives in the tenants' own tables.
Written with the request recipe of saas.web.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from flask import render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from saas.db import db
from saas.errors import or_404
from saas.forms import Confirmed
from saas.foundation.access import foundation_blueprint, require_foundation_admin
from saas.i18n import L_, _
from saas.web import Errors, back_with_refusal, run_form
from tenants.impact.instruments import loader, queries
from tenants.impact.instruments.loader import MAX_BYTES
from tenants.impact.instruments.models import Instrument, InstrumentItem, localized
from tenants.impact.instruments.schemas import UploadForm

bp = foundation_blueprint("instruments", __name__, template_folder="templates")

#: Names of this module's audit actions, declared in the package's front door (saas.audit.labels).
AUDIT_LABELS = {
    "instrument.loaded": L_("Instrument loaded"),
    "instrument.retired": L_("Instrument version retired"),
}


def _render_index(errors: Errors) -> str:
    return render_template(
        "instruments/index.html",
        rows=queries.instrument_rows(),
        errors=errors,
        text=localized,
        max_megabytes=MAX_BYTES // 1_000_000,
    )


def _instrument_url(instrument: Instrument) -> str:
    return url_for(".show", instrument_id=instrument.id)


@bp.route("/instruments/")
def index() -> str:
    return _render_index({})


@bp.route("/instruments/<uuid:instrument_id>")
def show(instrument_id: uuid.UUID) -> str:
    instrument = or_404(queries.instrument_detail(instrument_id))
    items_by_domain: dict[uuid.UUID, list[InstrumentItem]] = defaultdict(list)
    for item in instrument.items:
        items_by_domain[item.domain_id].append(item)
    return render_template(
        "instruments/show.html", instrument=instrument, items_by_domain=items_by_domain, text=localized
    )


@bp.route("/instruments/load", methods=["POST"])
@require_foundation_admin
def load() -> ResponseReturnValue:
    """The upload form on the list: the schema checks the whole document, the loader adds it."""

    def loaded(instrument: Instrument) -> tuple[str, str]:
        message = _(
            "Version %(version)s of %(name)s has been loaded.",
            version=instrument.version,
            name=localized(instrument.name),
        )
        return message, _instrument_url(instrument)

    return run_form(
        UploadForm(),
        lambda data: loader.add_instrument(current_user, data["file"]),
        lambda errors: (_render_index(errors), 422),
        loaded,
    )


@bp.route("/instruments/<uuid:instrument_id>/retire", methods=["POST"])
@require_foundation_admin
def retire(instrument_id: uuid.UUID) -> ResponseReturnValue:
    instrument = or_404(db.session.get(Instrument, instrument_id))

    def retired(_none: Any) -> tuple[str, str]:
        message = _(
            "Version %(version)s of %(name)s has been retired. Measurements taken with it keep it.",
            version=instrument.version,
            name=localized(instrument.name),
        )
        return message, _instrument_url(instrument)

    # A button on the version's page, confirmed in a dialog; a refusal is told on that page.
    return run_form(
        Confirmed(),
        lambda _nothing: loader.retire(current_user, instrument),
        back_with_refusal(_instrument_url(instrument)),
        retired,
    )
