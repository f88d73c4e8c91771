"""No PDF of the platform clips (issue 16): the municipality report and the training certificate,
in Dutch and Arabic, made as the platform makes them and with data that stresses every width (long
names, many categories and columns), lay nothing wider than their page's content area and leave no
heading at the bottom of a page. The annual report has its own test
(tests/foundation/test_annual_report_layout.py); the checks are tests/support/pdf_layout.py."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask

from saas.clock import local_today
from saas.db import db, tenant_context
from saas.i18n import force_locale
from saas.tenancy.models import Tenant
from tenants.families.vocabulary import ClosureReason, ReferrerType
from tenants.impact.reports.figures import CHANGE, COUNT, GRADE, HOURS
from tenants.impact.reports.files import report_pdf
from tenants.impact.reports.jobs import render_report
from tenants.impact.reports.models import MunicipalityReport
from tenants.impact.vocabulary import ReportStatus
from tenants.life_domains import LIFE_DOMAINS
from tenants.trainings.certificate import certificate_pdf
from tenants.trainings.models import CourseCompletion
from tests.factories.platform import create_tenant
from tests.factories.reports import add_report, last_year, populate_municipality
from tests.factories.trainings import create_course, create_volunteer
from tests.support.pdf_layout import overflows, rendered_documents, stranded_headings

if TYPE_CHECKING:
    from weasyprint.document import Document

LANGUAGES = ["nl", "ar"]
#: Names as long as real ones get: a double municipality, an organisation that spells itself out.
MUNICIPALITY = "Súdwest-Fryslân en Noardeast-Fryslân (gemeenschappelijke regeling)"
ORGANISATION = "Stichting Samen Oplopen Welzijn Noordoostpolder-Urk, Lemsterland en Weststellingwerf"
#: Domains the instrument names itself (the code is the label): a Dutch compound does not break at a space.
OWN_DOMAINS = ("opvoedingsondersteuningsvraagstukken", "schuldhulpverleningstrajectbegeleiding")


def assert_fits(document: Document) -> None:
    assert [str(overflow) for overflow in overflows(document)] == []
    assert [str(heading) for heading in stranded_headings(document)] == []


def rows(measures: dict[str, str], categories: list[str]) -> list[dict[str, Any]]:
    """Every measure (code → unit) for every category: a five-digit count, every seventh hidden."""
    values = {COUNT: 12345, HOURS: 23455, GRADE: 7.5, CHANGE: -1.25}
    return [{"measure": measure, "category": category, "unit": unit,
             "value": None if (i + j) % 7 == 3 else values[unit]}
            for i, category in enumerate(categories) for j, (measure, unit) in enumerate(measures.items())]


def wide_figures() -> dict[str, Any]:
    """A municipality report's figures with every category and as many columns as a table gets."""
    domains = [*LIFE_DOMAINS, *OWN_DOMAINS]
    moments = {f"{measure}_{moment}": unit for moment in ("t0", "t1", "tend")
               for measure, unit in (("families_scored", COUNT), ("grade", GRADE))}
    return {
        "disclosure": {"threshold": 10, "rounding": 5, "min_families_for_mean": 10},
        "tables": {
            "reach": rows({"families_supported": COUNT, "volunteer_hours": HOURS, "training_hours": HOURS}, ["all"]),
            "quarters": rows({"families_referred": COUNT, "families_closed": COUNT, "families_supported": COUNT,
                              "contact_moments": COUNT, "volunteer_visits": COUNT, "volunteer_hours": HOURS,
                              "active_volunteers": COUNT, "trained_volunteers": COUNT},
                             ["Q1", "Q2", "Q3", "Q4", "total"]),
            "children_by_age": rows({"children": COUNT}, ["0-3", "4-11", "12-17", "18+", "unknown", "total"]),
            "referral_channels": rows({"families_referred": COUNT}, [r.value for r in ReferrerType] + ["total"]),
            "closure_reasons": rows({"families_closed": COUNT}, [r.value for r in ClosureReason] + ["total"]),
            "domain_means": rows(moments, domains),
            "outcome_changes": rows({"families_paired": COUNT, "change": CHANGE, "change_ci_low": CHANGE,
                                     "change_ci_high": CHANGE}, domains),
            "change_directions": rows({"families_improved": COUNT, "families_stable": COUNT,
                                       "families_worse": COUNT}, domains),
        },
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_municipality_report_fits_its_pages(app: Flask, tenant_a: Tenant, language: str) -> None:
    populate_municipality(app, tenant_a, last_year(), families=12)
    period = last_year()
    report = add_report(app, tenant_a, None, status=ReportStatus.READY, pdf=None, xlsx=None, figures={},
                        municipality="Alpha", period_start=period.start, period_end=period.end)
    with (app.app_context(), tenant_context(db.session, tenant_a.id), force_locale(language),
          rendered_documents() as documents):
        render_report(db.session.get_one(MunicipalityReport, (tenant_a.id, report.id)), ORGANISATION)
        db.session.rollback()
    assert_fits(documents[0])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_municipality_report_with_every_category_fits_its_pages(app: Flask, language: str) -> None:
    report = MunicipalityReport(municipality=MUNICIPALITY, period_start=date(2025, 1, 1),
                                period_end=date(2025, 12, 31), figures=wide_figures(),
                                generated_at=datetime(2026, 1, 15, 9, tzinfo=UTC))
    with app.test_request_context("/"), force_locale(language), rendered_documents() as documents:
        report_pdf(report, ORGANISATION)
    assert_fits(documents[0])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_certificate_with_long_names_fits_its_page(app: Flask, language: str) -> None:
    tenant = create_tenant(app, "noordoostpolder", name=ORGANISATION)
    modules = [{"name": f"Module {i}: Gespreksvaardigheden en opvoedingsondersteuning in de praktijk", "hours": 2.5}
               for i in range(1, 13)]
    course = create_course(app, None, name="Basistraining Samen Oplopen voor vrijwilligers in gezinsondersteuning "
                                           "met verdiepingsmodules", modules=modules)
    volunteer = create_volunteer(app, tenant, "Maria Magdalena Wilhelmina van den Heuvel-Oudenbroek-Scheepmaker")
    with (app.app_context(), tenant_context(db.session, tenant.id), force_locale(language),
          rendered_documents() as documents):
        completion = CourseCompletion(volunteer_id=volunteer.id, course_id=course.id, completed_on=local_today(),
                                      certificate_number="2026-000123456")
        db.session.add(completion)
        db.session.flush()
        certificate_pdf(completion, tenant.name)
        db.session.rollback()
    assert_fits(documents[0])
