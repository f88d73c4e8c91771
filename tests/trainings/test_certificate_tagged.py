"""The training certificate is a tagged PDF (structure tree, document language), so a screen reader
can read it (WCAG 1.3.1 through EN 301 549 clause 10), in the language it is made in."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from pypdf import PdfReader

from saas.clock import local_today
from saas.db import db, tenant_context
from saas.i18n import force_locale
from saas.tenancy.models import Tenant
from tenants.trainings.certificate import certificate_pdf
from tenants.trainings.models import CourseCompletion
from tests.factories.trainings import create_course, create_volunteer


@pytest.mark.parametrize("language", ["nl", "ar"])
def test_the_certificate_is_tagged_in_its_language(app: Flask, tenant_a: Tenant, language: str) -> None:
    course = create_course(app, None, name="Basistraining")
    vera = create_volunteer(app, tenant_a, "Vera de Vries")
    with app.app_context(), tenant_context(db.session, tenant_a.id), force_locale(language):
        completion = CourseCompletion(volunteer_id=vera.id, course_id=course.id, completed_on=local_today(),
                                      certificate_number="2026-0007")
        db.session.add(completion)
        db.session.flush()
        pdf = certificate_pdf(completion, tenant_a.name)

    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == language
