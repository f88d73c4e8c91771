"""Measurements of a family: record T0, T1 and Tend item by item, and the family's progress.

A measurement is filled in a page per domain (``?domain=<code>``); every page saves its answers,
partial or not, and Previous/Next move on after saving. Staff only (coordinators and managers);
written with the request recipe of saas.web.
"""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal
from flask_login import current_user
from sqlalchemy import select

from saas.auth.roles import Role
from saas.clock import local_today
from saas.db import db
from saas.errors import OperationError, invalid_input, or_404
from saas.forms import Form, validate_input
from saas.i18n import L_, _
from saas.tenancy.context import tenant_blueprint
from saas.web import run_form, tenant_route
from tenants.families.models import Family
from tenants.impact.instruments.models import localized
from tenants.impact.measurements import charts, operations, queries
from tenants.impact.measurements.models import Measurement
from tenants.impact.measurements.schemas import ITEM_PREFIX, LANGUAGES, StartForm, check_answers, raw_answers
from tenants.impact.vocabulary import MeasurementStatus, Mode, Moment

bp = tenant_blueprint("measurements", __name__, template_folder="templates")

STAFF = (Role.COORDINATOR, Role.MANAGER)
#: Every measurement page is for staff.
staff_route = partial(tenant_route, bp, roles=STAFF)

#: Names of this module's audit actions, declared in the package's front door (saas.audit.labels).
AUDIT_LABELS = {
    "measurement.started": L_("Measurement started"),
    "measurement.answers_saved": L_("Measurement answers saved"),
    "measurement.completed": L_("Measurement completed"),
}


@bp.context_processor
def _vocabulary() -> dict[str, Any]:
    return {"Moment": Moment, "Mode": Mode, "MeasurementStatus": MeasurementStatus, "ITEM_PREFIX": ITEM_PREFIX,
            "MEASUREMENT_LANGUAGES": LANGUAGES, "format_grade": format_grade}


def format_grade(value: Decimal, signed: bool = False) -> str:
    """A grade (or a change of grade) with one decimal, rounded half up as people expect (8.75 → 8.8)."""
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return format_decimal(rounded, "+0.0;−0.0" if signed else "0.0")


def moments_panel(family: Family) -> str:
    """The measurements panel on the family file (added by tenants.impact.contributions)."""
    measurements = queries.measurements_of(family.id)
    match_start = operations.match_started_on(family.id)
    return render_template("measurements/_panel.html", family=family, measurements=measurements,
                           due=queries.due_dates(match_start), can_start=_startable(family, measurements, match_start),
                           consented=operations.consents(family))


def _startable(family: Family, measurements: dict[Moment, Measurement], match_start: Any) -> list[Moment]:
    """The moments a new measurement can be started at now."""
    return [moment for moment in Moment
            if moment not in measurements and operations.refusal(family, moment, match_start) is None]


def _family_or_404(family_id: uuid.UUID) -> Family:
    return or_404(db.session.scalars(select(Family).where(Family.id == family_id)).first())


def _measurement_or_404(family_id: uuid.UUID, measurement_id: uuid.UUID) -> Measurement:
    return or_404(queries.measurement_detail(family_id, measurement_id))


# The family's progress ------------------------------------------------------------------------


def _moment_labels() -> dict[Moment, str]:
    return {Moment.T0: _("T0"), Moment.T1: _("T1"), Moment.TEND: _("Tend")}


@staff_route("/families/<uuid:family_id>/measurements")
def overview(family_id: uuid.UUID) -> str:
    family = _family_or_404(family_id)
    measurements = queries.measurements_of(family.id)
    match_start = operations.match_started_on(family.id)
    rows = queries.progress(measurements, _language())
    return render_template("measurements/overview.html", family=family, measurements=measurements, rows=rows,
                           shown=_completed_moments(measurements), labels=_moment_labels(),
                           due=queries.due_dates(match_start), can_start=_startable(family, measurements, match_start),
                           consented=operations.consents(family))


def _completed_moments(measurements: dict[Moment, Measurement]) -> list[Moment]:
    return [m for m in Moment if m in measurements and measurements[m].status == MeasurementStatus.COMPLETED]


def _language() -> str:
    from flask_babel import get_locale

    locale = str(get_locale() or "nl")
    return locale if locale in LANGUAGES else "nl"


@staff_route("/families/<uuid:family_id>/measurements/chart.svg")
def chart(family_id: uuid.UUID) -> Response:
    family = _family_or_404(family_id)
    measurements = queries.measurements_of(family.id)
    svg = charts.progress_chart(queries.progress(measurements, _language()), _completed_moments(measurements),
                                title=_("Grade per life domain"), moment_labels=_moment_labels())
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = charts.SVG_CSP
    return response


# Starting a measurement -----------------------------------------------------------------------


def _render_new(family: Family, values: Any, errors: dict[str, Any], status: int = 200) -> ResponseReturnValue:
    return render_template("measurements/new.html", family=family, values=values, errors=errors,
                           today=local_today()), status


@staff_route("/families/<uuid:family_id>/measurements/new", methods=["GET", "POST"])
def new(family_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    if request.method == "GET":
        moment = request.args.get("moment")
        values = {"moment": moment if moment in {m.value for m in Moment} else "",
                  "taken_on": local_today().isoformat(), "language": "nl",
                  "mode": (Mode.INTERPRETER if family.interpreter_needed else Mode.INTERVIEW).value}
        return _render_new(family, values, {})
    # Not run_form: continuing an unfinished measurement is told as information ("info"), and
    # run_form flashes every outcome as a success.
    data, errors = validate_input(StartForm())
    if not errors:
        try:
            measurement, continued = operations.start_measurement(current_user, family, data)
        except OperationError as exc:
            errors = {"_form": [str(exc)]}
    if errors:
        return invalid_input(errors, lambda: _render_new(family, request.form, errors, 422))
    flash(_("You continue the measurement started earlier.") if continued else _("The measurement has started."),
          "info" if continued else "success")
    return redirect(url_for(".show", family_id=family.id, measurement_id=measurement.id))


# Filling it in, a domain at a time ------------------------------------------------------------


def _render_domain(family: Family, measurement: Measurement, code: str | None, errors: dict[str, Any] | None = None,
                   typed: dict[str, Any] | None = None, status: int = 200) -> ResponseReturnValue:
    domains = measurement.instrument.domains
    domain = next((d for d in domains if d.code == code), domains[0] if domains else None)
    index = domains.index(domain) if domain is not None else 0
    answers = {str(answer.item_id): answer.value for answer in measurement.answers}
    values = {ITEM_PREFIX + key: "" if value is None else str(value) for key, value in answers.items()}
    values.update(typed or {})
    items = [item for item in measurement.instrument.items if domain is not None and item.domain_id == domain.id]
    return render_template(
        "measurements/show.html", family=family, measurement=measurement, domain=domain, index=index,
        domains=domains, items=items, previous=domains[index - 1] if index > 0 else None,
        following=domains[index + 1] if index + 1 < len(domains) else None,
        scores={score.domain_code: score for score in measurement.scores}, values=values, errors=errors or {},
        lang=measurement.language, label_of=partial(localized, language=measurement.language)), status


@staff_route("/families/<uuid:family_id>/measurements/<uuid:measurement_id>")
def show(family_id: uuid.UUID, measurement_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    return _render_domain(family, _measurement_or_404(family.id, measurement_id), request.args.get("domain"))


@staff_route("/families/<uuid:family_id>/measurements/<uuid:measurement_id>/answers", methods=["POST"])
def answers(family_id: uuid.UUID, measurement_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    measurement = _measurement_or_404(family.id, measurement_id)
    # Not run_form: moving to the previous or next page saves without a message (the next page is
    # the feedback), and run_form always flashes one.
    body = request.get_json(silent=True) if request.is_json else None
    form = body if isinstance(body, dict) else request.form
    code = form.get("domain") if isinstance(form.get("domain"), str) else None
    raw, errors = raw_answers(request.form, body if request.is_json else None)
    clean: dict[uuid.UUID, int | None] = {}
    if not errors:
        clean, errors = check_answers(measurement.instrument, raw)
    if not errors and clean:
        try:
            operations.save_answers(current_user, measurement, clean)
        except OperationError as exc:
            errors = {"_form": [str(exc)]}
    if errors:
        typed = {key: value for key, value in request.form.items() if key.startswith(ITEM_PREFIX)}
        return invalid_input(errors, lambda: _render_domain(family, measurement, code, errors, typed, 422))
    target = _next_domain(measurement, code, form.get("go"))
    if form.get("go") == "save" or target == code:
        flash(_("The answers have been saved."), "success")
    return redirect(url_for(".show", family_id=family.id, measurement_id=measurement.id, domain=target))


def _next_domain(measurement: Measurement, code: str | None, go: Any) -> str | None:
    """The domain page to show after saving: the previous or next one, else the same."""
    codes = [domain.code for domain in measurement.instrument.domains]
    if code not in codes:
        return codes[0] if codes else None
    index = codes.index(code) + {"previous": -1, "next": 1}.get(go if isinstance(go, str) else "", 0)
    return codes[min(max(index, 0), len(codes) - 1)]


@staff_route("/families/<uuid:family_id>/measurements/<uuid:measurement_id>/complete", methods=["POST"])
def complete(family_id: uuid.UUID, measurement_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    measurement = _measurement_or_404(family.id, measurement_id)
    # Completing takes no input: an empty form, so that a refusal is shown on the domain page by the recipe.
    return run_form(Form(), lambda _nothing: operations.complete(current_user, measurement, family),
                    lambda errors: _render_domain(family, measurement, request.args.get("domain"), errors, status=422),
                    lambda _none: (_("The %(moment)s measurement has been completed.", moment=measurement.moment.label),
                                   url_for(".overview", family_id=family.id)))
