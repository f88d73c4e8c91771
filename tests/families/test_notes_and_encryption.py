"""Coordinator notes and the other sealed texts: encrypted at rest, bound to their tenant, row and purpose."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from saas.auth.models import User
from saas.crypto import DecryptionError, open_text
from saas.db import db, tenant_context
from saas.tenancy.models import Tenant
from tenants.families import queries
from tenants.families.models import NOTE, Family, FamilyNote, Intake
from tenants.families.states import CaseState
from tests.factories.families import add_note, create_family, plan_intake, written_rows
from tests.factories.platform import in_tenant, today
from tests.support.sessions import SignIn

SECRET = "Moeder vertelt over haar depressie en de schulden bij de woningcorporatie."


def notes_of(app: Flask, tenant: Tenant, family: Family) -> list[FamilyNote]:
    with in_tenant(app, tenant) as session:
        return list(session.scalars(select(FamilyNote).where(FamilyNote.family_id == family.id)))


def stored_bytes(app: Flask, tenant: Tenant, column: object, row_id: object) -> bytes:
    """The column's value exactly as the database holds it."""
    with in_tenant(app, tenant) as session:
        table = column.class_  # type: ignore[attr-defined]
        return bytes(session.execute(select(column).where(table.id == row_id)).scalar_one())


def assert_sealed(raw: bytes, plaintext: str) -> None:
    assert raw, "nothing stored"
    for fragment in (plaintext, "depressie", "schulden"):
        assert fragment.encode() not in raw
        assert fragment.encode("utf-16-le") not in raw


def test_a_coordinator_saves_a_note_stored_encrypted(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, family_a: Family
) -> None:
    response = signed_in(coordinator_a).post(f"/t/alpha/families/{family_a.id}/notes", data={"body": SECRET})
    assert response.status_code == 302
    assert response.location == f"/t/alpha/families/{family_a.id}#notes"
    [note] = notes_of(app, tenant_a, family_a)
    assert note.author_id == coordinator_a.id
    assert_sealed(stored_bytes(app, tenant_a, FamilyNote.body_sealed, note.id), SECRET)
    with in_tenant(app, tenant_a):
        assert queries.note_text(note) == SECRET


def test_the_help_question_is_stored_encrypted(app: Flask, tenant_a: Tenant) -> None:
    family = create_family(app, tenant_a, help_question=SECRET)
    assert_sealed(stored_bytes(app, tenant_a, Family.help_question_sealed, family.id), SECRET)
    with in_tenant(app, tenant_a) as session:
        assert queries.help_question(session.get(Family, (tenant_a.id, family.id))) == SECRET


def test_the_intake_story_is_stored_encrypted(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    family = create_family(app, tenant_a)
    plan_intake(app, tenant_a, family, actor=coordinator_a)
    response = signed_in(coordinator_a).post(
        f"/t/alpha/families/{family.id}/intake",
        data={
            "done_on": today(app).isoformat(),
            "coordinator_id": str(coordinator_a.id),
            "story": SECRET,
            "wish_gender": "any",
            "judgement": "suitable",
            "child_safety": "no_concerns",
        },
    )
    assert response.status_code == 302
    with in_tenant(app, tenant_a) as session:
        intake_id = session.scalars(select(Intake.id).where(Intake.family_id == family.id)).one()
    assert_sealed(stored_bytes(app, tenant_a, Intake.story_sealed, intake_id), SECRET)


def test_a_note_does_not_open_with_another_tenant_bound(
    app: Flask, coordinator_a: User, tenant_a: Tenant, tenant_b: Tenant, family_a: Family
) -> None:
    note = add_note(app, tenant_a, family_a, SECRET, actor=coordinator_a)
    with app.app_context():
        with tenant_context(db.session, tenant_a.id):
            assert open_text(note.body_sealed, NOTE, note.id) == SECRET  # the control
        with tenant_context(db.session, tenant_b.id), pytest.raises(DecryptionError):
            open_text(note.body_sealed, NOTE, note.id)


def test_a_note_copied_to_another_note_row_does_not_open(
    app: Flask, coordinator_a: User, tenant_a: Tenant, family_a: Family
) -> None:
    original = add_note(app, tenant_a, family_a, SECRET, actor=coordinator_a)
    other = add_note(app, tenant_a, family_a, "Afspraak verzet naar dinsdag.", actor=coordinator_a)
    with in_tenant(app, tenant_a) as session:
        session.execute(update(FamilyNote).where(FamilyNote.id == other.id).values(body_sealed=original.body_sealed))
        session.commit()
    with in_tenant(app, tenant_a) as session:
        copied = session.get(FamilyNote, (tenant_a.id, other.id))
        assert copied.body_sealed == original.body_sealed
        with pytest.raises(DecryptionError):
            queries.note_text(copied)
        assert queries.note_text(session.get(FamilyNote, (tenant_a.id, original.id))) == SECRET


def test_a_help_question_copied_into_a_note_does_not_open(app: Flask, coordinator_a: User, tenant_a: Tenant) -> None:
    """The purpose is bound too: the same row id under another purpose does not open."""
    family = create_family(app, tenant_a, help_question=SECRET)
    with in_tenant(app, tenant_a), pytest.raises(DecryptionError):
        open_text(family.help_question_sealed, NOTE, family.id)


def test_the_note_shows_on_the_file_with_its_author(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, family_a: Family
) -> None:
    client: FlaskClient = signed_in(coordinator_a)
    client.post(f"/t/alpha/families/{family_a.id}/notes", data={"body": SECRET})
    page = client.get(f"/t/alpha/families/{family_a.id}")
    assert page.status_code == 200
    assert SECRET in page.text
    assert "Cor Coördinator" in page.text


def test_an_empty_note_is_refused_and_nothing_is_written(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, family_a: Family
) -> None:
    before = written_rows(app, tenant_a)
    client: FlaskClient = signed_in(coordinator_a)
    response = client.post(f"/t/alpha/families/{family_a.id}/notes", data={"body": "   "})
    assert response.status_code == 422
    assert 'id="f-body-error"' in response.text
    assert client.post(f"/t/alpha/families/{family_a.id}/notes", json={}).json == {
        "errors": {"body": ["This field is required."]}
    }
    assert written_rows(app, tenant_a) == before


def test_a_note_can_be_added_to_a_closed_file(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    family = create_family(app, tenant_a, state=CaseState.CLOSED)
    response = signed_in(coordinator_a).post(f"/t/alpha/families/{family.id}/notes", data={"body": "Nagebeld."})
    assert response.status_code == 302
    assert len(notes_of(app, tenant_a, family)) == 1
