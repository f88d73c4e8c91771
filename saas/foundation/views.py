"""The foundation's national statistics at /foundation/: the dashboard, its charts, its tables as
CSV/XLSX, the annual PDF; admins freeze a year and ask the tenants to publish now.

Everything shown comes from saas.foundation.national, which reads only the published statistics
and protects every figure. The only choices are the fixed ones it offers — a published year and
a track — through the query string; anything else there is ignored (the newest year, all
tracks), never an error. The figures and their rendered sections are kept between requests until a
tenant publishes or a year is frozen (national.kept_national_figures).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, format_datetime
from flask_login import current_user
from markupsafe import Markup

from saas.auth.roles import FoundationRole
from saas.charts import PHONE, SVG_CSP, layout_of
from saas.db import db, utcnow
from saas.figures_cache import figures_cache
from saas.forms import Confirmed, Form, Integer, String, validate_query
from saas.foundation import annual_report, exports, national, operations
from saas.foundation.access import foundation_blueprint, require_foundation_admin
from saas.foundation.charts import CHARTS
from saas.foundation.formatting import template_helpers
from saas.foundation.national import NationalFigures
from saas.foundation.periods import FIRST_YEAR, LAST_YEAR
from saas.foundation.tables import TABLE_KEYS, all_tables, impact_parts, table
from saas.i18n import L_, _, format_number, get_locale
from saas.web import after_commit, back_with_refusal, run_form

logger = logging.getLogger("saas.foundation")

bp = foundation_blueprint("foundation", __name__, template_folder="templates")

#: Names of this module's audit actions, declared in the package's front door (saas.audit.labels).
AUDIT_LABELS = {
    "statistics.year_frozen": L_("Year of national statistics frozen"),
    "statistics.publication_requested": L_("Publication of statistics requested"),
}

EXPORT_FORMATS = {"csv": exports.CSV_MIMETYPE, "xlsx": exports.XLSX_MIMETYPE}


class FiguresQuery(Form):
    """The dashboard's two choices; a value that does not fit is dropped (saas.forms.validate_query)."""

    year = Integer(minimum=FIRST_YEAR, maximum=LAST_YEAR, allow_none=True)
    track = String(max_length=40, allow_none=True)


def _language() -> str:
    return str(get_locale() or "nl")


def _view() -> tuple[int | None, str | None, str]:
    """The year and track asked for (national_figures falls back for an unknown one), and the language."""
    query = validate_query(FiguresQuery())
    return query.get("year"), query.get("track"), _language()


def _figures() -> NationalFigures:
    return national.kept_national_figures(*_view())


def _is_admin() -> bool:
    return current_user.foundation_role == FoundationRole.ADMIN


def _track_label(figures: NationalFigures) -> str:
    return dict(figures.tracks).get(figures.track or "", _("All tracks"))


@bp.route("/")
def dashboard() -> str:
    view = _view()
    key = national.view_key(*view)
    figures = national.kept_national_figures(*view, key=key)
    chart_args = {"year": figures.year, "track": figures.track or None}
    # The figures' sections cost most of the page to render and show nothing of the reader but the
    # language, so they are kept with the figures; the rest (the admins' forms) is rendered per request.
    sections = figures_cache("foundation.sections").get_or_build(key, lambda: _sections(figures, chart_args))
    return render_template(
        "foundation/dashboard.html", figures=figures, sections=sections, track_label=_track_label(figures),
        export_all=url_for(".export_all", **chart_args), can_manage=_is_admin())


def _sections(figures: NationalFigures, chart_args: dict[str, Any]) -> Markup:
    return Markup(render_template(  # noqa: S704 - autoescaped output
        "foundation/_figure_sections.html", figures=figures, tables=all_tables(figures),
        impact_parts=impact_parts(figures),
        charts={name: url_for(".chart", name=name, **chart_args) for name in CHARTS},
        phone_charts={name: url_for(".chart", name=name, layout=PHONE, **chart_args) for name in CHARTS},
        exports={key: {kind: url_for(".export", key=key, kind=kind, **chart_args) for kind in EXPORT_FORMATS}
                 for key in TABLE_KEYS}))


@bp.route("/charts/<name>.svg")
def chart(name: str) -> Response:
    draw = CHARTS.get(name) or abort(404)
    view = _view()
    key = national.view_key(*view)
    # ?layout=phone draws the phone variant; any other value the desktop one (saas.charts.layout_of).
    layout = layout_of(request.args)
    svg = figures_cache("foundation.charts").get_or_build(
        (*key, name, layout), lambda: draw(national.kept_national_figures(*view, key=key), layout=layout))
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = SVG_CSP
    return response


def _attachment(content: bytes, mimetype: str, name: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _about(figures: NationalFigures) -> list[tuple[str, str]]:
    """The lines of an XLSX's "about" sheet: which figures these are (dates and numbers in the
    reader's language and time zone)."""
    released = format_date(figures.released_on, "long") if figures.released_on else "–"
    return [(_("National statistics"), "Samen Oplopen"), (_("Year"), str(figures.year)),
            (_("Track"), _track_label(figures)), (_("Organisations that published"), format_number(figures.tenants)),
            (_("Released on"), released), (_("Generated at"), format_datetime(utcnow()))]


@bp.route("/export/<key>.<any(csv, xlsx):kind>")
def export(key: str, kind: str) -> Response:
    if key not in TABLE_KEYS:
        abort(404)
    figures = _figures()
    chosen = table(figures, key)
    content = exports.table_csv(chosen) if kind == "csv" else exports.tables_xlsx([chosen], _about(figures))
    return _attachment(content, EXPORT_FORMATS[kind], exports.file_name(key, figures.year, figures.track, kind))


@bp.route("/export/all.xlsx")
def export_all() -> Response:
    figures = _figures()
    content = exports.tables_xlsx(list(all_tables(figures).values()), _about(figures))
    return _attachment(content, exports.XLSX_MIMETYPE, exports.file_name("statistics", figures.year, figures.track,
                                                                         "xlsx"))


@bp.route("/report/<int:year>.pdf")
def annual_pdf(year: int) -> Response:
    """The national annual report of ``year`` (all tracks); 404 for a year nobody published."""
    figures = national.kept_national_figures(year, None, _language())
    if year not in figures.years or figures.year != year:
        abort(404)
    return _attachment(annual_report.annual_report_pdf(figures), "application/pdf",
                       exports.file_name("annual-report", year, None, "pdf"))


@bp.route("/years/<int:year>/freeze", methods=["POST"])
@require_foundation_admin
def freeze(year: int) -> ResponseReturnValue:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    back = url_for(".dashboard", year=year, _anchor="snapshot")
    # Releasing cannot be undone: confirmed in a dialog (or with the tick box, without JavaScript).
    return run_form(Confirmed(), lambda _nothing: operations.freeze_year(current_user, year), back_with_refusal(back),
                    lambda _snapshot: (_("The figures of %(year)s are released: later publications no longer change "
                                         "them.", year=year), back))


@bp.route("/publications/run", methods=["POST"])
@require_foundation_admin
def publish_now() -> ResponseReturnValue:
    operations.request_publication(current_user)
    after_commit(_start_publication)  # recorded with the request; the job commits per tenant as it goes
    return redirect(url_for(".dashboard", _anchor="publications"))


def _start_publication() -> None:
    try:
        operations.start_publication()
    except Exception:  # e.g. Redis unreachable: the page still answers and says so (as the tenant's page does)
        logger.exception("the publication of every tenant could not be started")
        db.session.rollback()
        flash(_("The statistics could not be published just now. Please try again later."), "error")
    else:
        flash(_("The organisations have been asked to publish their statistics now. The table below shows each "
                "organisation's last publication."), "success")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return template_helpers()
