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

from flask import Response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal
from flask_login import current_user

from saas.auth.roles import Role
from saas.clock import local_today
from saas.drafts import keeping as drafts
from saas.errors import or_404
from saas.forms import Form
from saas.i18n import L_, _
from saas.web import Done, Errors, FormPage, run_form, tenant_route
from saas.web.tenant import tenant_blueprint
from tenants.families.models import Family
from tenants.impact.instruments.models import localized
from tenants.impact.measurements import charts, operations, queries
from tenants.impact.measurements.models import Measurement
from tenants.impact.measurements.schemas import ITEM_PREFIX, LANGUAGES, AnswersForm, StartForm
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
    return {
        "Moment": Moment,
        "Mode": Mode,
        "MeasurementStatus": MeasurementStatus,
        "ITEM_PREFIX": ITEM_PREFIX,
        "MEASUREMENT_LANGUAGES": LANGUAGES,
        "format_grade": format_grade,
    }


def format_grade(value: Decimal, signed: bool = False) -> str:
    """A grade (or a change of grade) with one decimal, rounded half up as people expect (8.75 → 8.8)."""
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return format_decimal(rounded, "+0.0;−0.0" if signed else "0.0")


def moments_panel(family: Family) -> str:
    """The measurements panel on the family file (added by tenants.impact.contributions)."""
    return render_template("measurements/_panel.html", **_moments(family))


def _moments(family: Family) -> dict[str, Any]:
    """What the panel and the progress page both show: the family's measurements by moment, when
    they fall due, which can be started now, and whether the family consented."""
    measurements = queries.measurements_of(family.id)
    match_start = queries.match_started_on(family.id)
    return {
        "family": family,
        "measurements": measurements,
        "due": queries.due_dates(match_start),
        "can_start": _startable(family, measurements, match_start),
        "consented": queries.consents(family),
    }


def _startable(family: Family, measurements: dict[Moment, Measurement], match_start: Any) -> list[Moment]:
    """The moments a new measurement can be started at now."""
    return [
        moment
        for moment in Moment
        if moment not in measurements and queries.refusal(family, moment, match_start) is None
    ]


def _family_or_404(family_id: uuid.UUID) -> Family:
    return or_404(queries.family_by_id(family_id))


def _measurement_or_404(family_id: uuid.UUID, measurement_id: uuid.UUID) -> Measurement:
    return or_404(queries.measurement_detail(family_id, measurement_id))


# The family's progress ------------------------------------------------------------------------


def _moment_labels() -> dict[Moment, str]:
    return {Moment.T0: _("T0"), Moment.T1: _("T1"), Moment.TEND: _("Tend")}


@staff_route("/families/<uuid:family_id>/measurements")
def overview(family_id: uuid.UUID) -> str:
    moments = _moments(_family_or_404(family_id))
    measurements = moments["measurements"]
    return render_template(
        "measurements/overview.html",
        rows=queries.progress(measurements, _language()),
        shown=_completed_moments(measurements),
        labels=_moment_labels(),
        **moments,
    )


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
    svg = charts.progress_chart(
        queries.progress(measurements, _language()),
        _completed_moments(measurements),
        title=_("Grade per life domain"),
        moment_labels=_moment_labels(),
    )
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = charts.SVG_CSP
    return response


# Starting a measurement -----------------------------------------------------------------------


def _start_values(family: Family) -> dict[str, Any]:
    """The start form's values: the moment the link asked for, today, and the family's usual mode."""
    moment = request.args.get("moment")
    return {
        "moment": moment if moment in {m.value for m in Moment} else "",
        "taken_on": local_today().isoformat(),
        "language": "nl",
        "mode": (Mode.INTERPRETER if family.interpreter_needed else Mode.INTERVIEW).value,
    }


@staff_route("/families/<uuid:family_id>/measurements/new", methods=["GET", "POST"])
def new(family_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)

    def render(values: Any, errors: Errors) -> str:
        return render_template(
            "measurements/new.html", family=family, values=values, errors=errors, today=local_today()
        )

    def started(outcome: tuple[Measurement, bool]) -> Done:
        measurement, continued = outcome
        url = url_for(".show", family_id=family.id, measurement_id=measurement.id)
        if continued:  # no new measurement: information that the earlier one goes on
            return _("You continue the measurement started earlier."), url, "info"
        return _("The measurement has started."), url

    return FormPage(
        StartForm,
        render,
        partial(operations.start_measurement, current_user, family),
        started,
        values=partial(_start_values, family),
    ).respond()


# Filling it in, a domain at a time ------------------------------------------------------------


def _render_domain(
    family: Family,
    measurement: Measurement,
    code: str | None,
    errors: Errors | None = None,
    typed: dict[str, Any] | None = None,
) -> str:
    """The page of the domain ``code`` (else the first), with what was typed when it was refused."""
    domains = measurement.instrument.domains
    domain = next((d for d in domains if d.code == code), domains[0] if domains else None)
    index = domains.index(domain) if domain is not None else 0
    answers = {str(answer.item_id): answer.value for answer in measurement.answers}
    values = {ITEM_PREFIX + key: "" if value is None else str(value) for key, value in answers.items()}
    values.update(typed or {})
    if typed is None and domain is not None:  # a visit: what was typed on this page and not sent yet
        restored = drafts.restore(current_user, _draft_page(family.id, measurement.id, domain.code),
                                  posted_to=url_for(".answers", family_id=family.id, measurement_id=measurement.id),
                                  identified_by={"domain": domain.code})
        if restored is not None:
            values.update((key, value) for key, value in restored.values.items() if key.startswith(ITEM_PREFIX))
    items = [item for item in measurement.instrument.items if domain is not None and item.domain_id == domain.id]
    return render_template(
        "measurements/show.html",
        family=family,
        measurement=measurement,
        domain=domain,
        index=index,
        domains=domains,
        items=items,
        previous=domains[index - 1] if index > 0 else None,
        following=domains[index + 1] if index + 1 < len(domains) else None,
        scores={score.domain_code: score for score in measurement.scores},
        values=values,
        errors=errors or {},
        lang=measurement.language,
        label_of=partial(localized, language=measurement.language),
    )


@staff_route("/families/<uuid:family_id>/measurements/<uuid:measurement_id>")
def show(family_id: uuid.UUID, measurement_id: uuid.UUID) -> str:
    family = _family_or_404(family_id)
    return _render_domain(family, _measurement_or_404(family.id, measurement_id), request.args.get("domain"))


def _draft_page(family_id: uuid.UUID, measurement_id: uuid.UUID, code: str | None) -> str:
    """What names the draft of one domain's page (saas.drafts): the answers' address and the domain.
    ``code`` is the form's raw ``domain``: a control character (a NUL, which PostgreSQL refuses in
    the draft's lookup) makes it no domain's code."""
    code = (code or "")[:40]
    return url_for(".answers", family_id=family_id, measurement_id=measurement_id) + \
        f"?domain={code if code.isprintable() else ''}"


def _park_answers(family_id: uuid.UUID, measurement_id: uuid.UUID) -> str:
    """After the idle sign-out (saas.drafts): the page's answers as sent become the author's draft."""
    code = request.form.get("domain")
    drafts.keep(current_user, _draft_page(family_id, measurement_id, code), request.form)
    return url_for(".show", family_id=family_id, measurement_id=measurement_id, domain=code)


@staff_route("/families/<uuid:family_id>/measurements/<uuid:measurement_id>/answers", methods=["POST"])
@drafts.parks_with(_park_answers)
def answers(family_id: uuid.UUID, measurement_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    measurement = _measurement_or_404(family.id, measurement_id)
    code = request.form.get("domain")
    page = _draft_page(family.id, measurement.id, code)
    shown_at = url_for(".show", family_id=family.id, measurement_id=measurement.id, domain=code)
    answer = drafts.answer_draft_request(current_user, page, shown_at)
    if answer is not None:
        return answer

    def save(data: dict[str, Any]) -> tuple[str | None, bool]:
        """Save the page's answers (a page without any saves nothing); returns the page to show
        next, and whether that is this page again (Save, or Next on the last page)."""
        if data["answers"]:
            operations.save_answers(current_user, measurement, data["answers"])
        drafts.discard(current_user, page)
        target = _next_domain(measurement, data["domain"], data["go"])
        return target, data["go"] == "save" or target == data["domain"]

    def saved(outcome: tuple[str | None, bool]) -> Done:
        target, same_page = outcome
        url = url_for(".show", family_id=family.id, measurement_id=measurement.id, domain=target)
        # Moving to another page says nothing: that page is the feedback.
        return (_("The answers have been saved.") if same_page else None), url

    def refused(errors: Errors) -> ResponseReturnValue:
        typed = {key: value for key, value in request.form.items() if key.startswith(ITEM_PREFIX)}
        return _render_domain(family, measurement, request.form.get("domain"), errors, typed), 422

    form = AnswersForm(measurement.instrument, from_json=request.is_json)
    return run_form(form, save, refused, saved)


def _next_domain(measurement: Measurement, code: str | None, go: str | None) -> str | None:
    """The domain page to show after saving: the previous or next one, else the same."""
    codes = [domain.code for domain in measurement.instrument.domains]
    if code not in codes:
        return codes[0] if codes else None
    index = codes.index(code) + {"previous": -1, "next": 1}.get(go or "", 0)
    return codes[min(max(index, 0), len(codes) - 1)]


@staff_route("/families/<uuid:family_id>/measurements/<uuid:measurement_id>/complete", methods=["POST"])
def complete(family_id: uuid.UUID, measurement_id: uuid.UUID) -> ResponseReturnValue:
    family = _family_or_404(family_id)
    measurement = _measurement_or_404(family.id, measurement_id)
    # Completing takes no input: an empty form, so that a refusal is shown on the domain page by the recipe.
    return run_form(
        Form(),
        lambda _nothing: operations.complete(current_user, measurement, family),
        lambda errors: (_render_domain(family, measurement, request.args.get("domain"), errors), 422),
        lambda _none: (
            _("The %(moment)s measurement has been completed.", moment=measurement.moment.label),
            url_for(".overview", family_id=family.id),
        ),
    )
