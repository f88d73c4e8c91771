"""The tenant's impact dashboard for managers: the figures of one year (and optionally one of the
tenant's municipalities) in tables, with charts served as SVG from their own routes.

Inside the tenant the manager sees exact figures; disclosure control applies only to what leaves
the tenant (the municipality report). Life-domain scores are shown as school grades (2.5–10), as
the family file and the municipality report show them. Each count is defined once
(tenants.impact.dashboard.reach) and the template marks every figure with ``data-figure`` (a part
also with the whole it belongs to), so a test can check that each figure has one value on the page
and that the parts add up. Query parameters that do not fit (an unknown year, another
municipality, text) are ignored, never an error: the page falls back to the current year and all
municipalities. Written with the request recipe of saas.web.

The figures, the page's content block and the charts are kept between requests until the tenant's
data changes (tenants.impact.dashboard.queries): aggregating and rendering them would otherwise
grow with the tenant on every request.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask import Response, current_app, render_template, request
from flask_babel import format_decimal, format_percent, get_locale
from markupsafe import Markup

from saas.auth.roles import Role
from saas.charts import layout_of
from saas.clock import local_today
from saas.figures_cache import figures_cache
from saas.foundation.inference import rounded
from saas.i18n import _
from saas.web import tenant_route
from saas.web.tenant import current_tenant, require_role, tenant_blueprint
from tenants.impact.dashboard import aggregates, charts, queries
from tenants.impact.dashboard.aggregates import STABLE_BAND, Scope
from tenants.impact.dashboard.reach import AGE_BANDS
from tenants.impact.measurements.charts import SVG_CSP
from tenants.impact.measurements.scoring import grade
from tenants.impact.measurements.views import format_grade
from tenants.impact.vocabulary import Moment

bp = tenant_blueprint("impact", __name__, template_folder="templates")
#: The dashboard and its charts are for managers.
MANAGERS = (Role.MANAGER,)


def _language() -> str:
    return str(get_locale() or "nl")


def _scope(version: queries.Version) -> tuple[Scope, list[int]]:
    """The year and municipality asked for, when offered; otherwise the default year
    (aggregates.default_year) and all municipalities."""
    activity = queries.kept_year_activity(version)
    years = aggregates.offered_years(activity)
    raw_year = request.args.get("year", "")
    year = int(raw_year) if raw_year.isascii() and raw_year.isdigit() and len(raw_year) == 4 else None
    municipality = request.args.get("municipality") or None
    return Scope(
        year if year in years else aggregates.default_year(activity),
        municipality if municipality in current_tenant.municipalities else None,
    ), years


def _number(value: Decimal | Fraction | int | None, pattern: str = "0.00") -> str:
    """A figure for the tables ("–" for none), rounded half up from its exact value to the
    pattern's decimals (Babel alone would round half to even, and a Fraction through a float)."""
    if value is None:
        return "–"
    decimals = len(pattern.split(";")[0].partition(".")[2])
    return format_decimal(rounded(value, Decimal(1).scaleb(-decimals)), pattern)


def _share(count: int, total: int) -> str:
    return format_percent(count / total, "0%") if total else "–"


def _grade(mean: Decimal | Fraction | None, signed: bool = False) -> str:
    """A mean on the 1–4 scale (or a change of it) as a school grade (or grade points), "–" for none."""
    if mean is None:
        return "–"
    exact = Decimal(mean.numerator) / Decimal(mean.denominator) if isinstance(mean, Fraction) else mean
    return format_grade(grade(exact), signed)


def _directions(change: aggregates.DomainChange) -> list[tuple[str, str, int, str]]:
    """(label, key, count, share) for improved, stable and worse: shares rounded so that the three
    add up to exactly 100 % (charts.shares), as the parts of the row's families they are."""
    counts = (change.improved, change.stable, change.worse)
    parts = charts.shares(counts, digits=0)
    return [(label, key, count, format_percent(part / 100, "0%")) for label, key, count, part in zip(
        (_("Improved"), _("Stable"), _("Worse")), ("improved", "stable", "worse"), counts, parts, strict=True)]


@tenant_route(bp, "/impact/", roles=MANAGERS)
def index() -> str:
    version = queries.data_version()
    scope, years = _scope(version)
    language = _language()
    content = figures_cache("impact.content").get_or_build(
        _view_key(version, scope, language), lambda: _content(scope, years, version, language))
    return render_template("dashboard/page.html", content=content)


def _view_key(version: queries.Version, scope: Scope, language: str) -> tuple[Any, ...]:
    """What the content and the charts follow from: the figures (the tenant's data version, the scope,
    today), the language they are written in, and the tenant's slug and municipalities (links, filter)."""
    return (current_tenant.id, current_tenant.slug, tuple(current_tenant.municipalities), version, scope, language,
            local_today())


def _content(scope: Scope, years: list[int], version: queries.Version, language: str) -> Markup:
    """The dashboard's content block: rendering its tables costs more than the rest of the request."""
    figures = queries.kept_impact_figures(scope, language, version)
    return _render_block(
        "dashboard/dashboard.html", "content",
        figures=figures,
        scope=scope,
        years=years,
        municipalities=current_tenant.municipalities,
        moments=list(Moment),
        chart_moments=_chart_moments(figures.domains),
        age_bands=AGE_BANDS,
        stable_band=grade(STABLE_BAND),
        number=_number,
        share=_share,
        grade=_grade,
        directions=_directions,
        chart_args={"year": scope.year, "municipality": scope.municipality or None},
    )


def _render_block(name: str, block: str, **context: Any) -> Markup:
    """One block of a template rendered on its own, with the context every template of the request gets."""
    template = current_app.jinja_env.get_template(name)
    current_app.update_template_context(context)
    return Markup("".join(template.blocks[block](template.new_context(context))))  # noqa: S704 - autoescaped output


def _chart_moments(domains: list[aggregates.DomainMeans]) -> list[Moment]:
    return [moment for moment in Moment if any(domain.counts.get(moment) for domain in domains)]


def _moment_labels() -> dict[Moment, str]:
    return {moment: str(moment.label) for moment in Moment}


def _means_svg(figures: queries.ImpactFigures, layout: str) -> bytes:
    domains = figures.domains
    return charts.means_chart(
        domains, _chart_moments(domains), moment_labels=_moment_labels(),
        title=_("Mean grade per life domain (2.5 to 10)"), layout=layout,
    )


def _change_svg(figures: queries.ImpactFigures, layout: str) -> bytes:
    return charts.change_chart(
        figures.changes, title=_("Mean change from T0 to Tend (grade points)"), series=_("Mean change"), layout=layout,
    )


def _direction_svg(figures: queries.ImpactFigures, layout: str) -> bytes:
    return charts.direction_chart(
        figures.changes, title=_("Families improved, stable or worse (%)"),
        labels=[_("Improved"), _("Stable"), _("Worse")], layout=layout,
    )


#: The charts, drawn from the dashboard's figures (kept between requests: the page and its three
#: charts aggregate once).
CHARTS: dict[str, Callable[[queries.ImpactFigures, str], bytes]] = {
    "means": _means_svg, "change": _change_svg, "direction": _direction_svg,
}


# One fixed URL per chart (no name in the path: nothing to look up, nothing to guess). tenant_route
# takes no URL defaults, so these three declare the same role guard it would (sign-in is implied).
@bp.route("/impact/chart/means.svg", defaults={"name": "means"})
@bp.route("/impact/chart/change.svg", defaults={"name": "change"})
@bp.route("/impact/chart/direction.svg", defaults={"name": "direction"})
@require_role(*MANAGERS)
def chart(name: str) -> Response:
    render = CHARTS[name]
    version = queries.data_version()
    scope, _years = _scope(version)
    language = _language()
    # ?layout=phone gives the phone variant; any other value the desktop one, like other bad query values.
    layout = layout_of(request.args)
    svg = figures_cache("impact.charts").get_or_build(
        (*_view_key(version, scope, language), name, layout),
        lambda: render(queries.kept_impact_figures(scope, language, version), layout))
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_CSP
    return response


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"Moment": Moment}
