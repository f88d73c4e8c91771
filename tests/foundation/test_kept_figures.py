"""The national figures are kept between requests until a tenant publishes, a year is frozen or
the day changes (saas.foundation.national.kept_national_figures)."""

from __future__ import annotations

from flask import Flask

from saas.auth.roles import FoundationRole
from saas.db import bind_context, db
from saas.foundation.national import NationalFigures, kept_national_figures, national_figures
from tests.factories.foundation import freeze_year
from tests.factories.platform import create_user
from tests.foundation.view_support import publish_tenants
from tests.support.sessions import SignIn


def _kept(app: Flask) -> NationalFigures:
    with app.test_request_context():
        bind_context(db.session, reader="foundation")
        return kept_national_figures(None, None, "en")


def test_the_figures_are_kept_while_nothing_is_published(app: Flask) -> None:
    publish_tenants(app, 3)
    first = _kept(app)
    assert _kept(app) is first
    with app.test_request_context():
        bind_context(db.session, reader="foundation")
        assert national_figures(None, None, "en") == first  # the same figures as built afresh


def test_a_publication_or_a_frozen_year_renews_them(app: Flask) -> None:
    publish_tenants(app, 3)
    first = _kept(app)
    assert len(first.publications) == 3
    publish_tenants(app, 2, first=3)
    renewed = _kept(app)
    assert len(renewed.publications) == 5 and renewed is not first
    freeze_year(app, renewed.upcoming.year)
    assert _kept(app) is not renewed


def test_the_page_shows_a_new_publication(app: Flask, signed_in: SignIn) -> None:
    staff = signed_in(create_user(app, "analist@stichting.example", foundation_role=FoundationRole.STAFF,
                                  locale="en"))
    publish_tenants(app, 4)
    assert "Figures of 4 organisations" in staff.get("/foundation/").text
    assert "Figures of 4 organisations" in staff.get("/foundation/").text  # kept
    publish_tenants(app, 1, first=4)
    assert "Figures of 5 organisations" in staff.get("/foundation/").text
