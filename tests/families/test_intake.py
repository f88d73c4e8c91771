"""The home-visit intake: planning it, recording it, and the rules that refuse a recording."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from saas.auth.models import User
from saas.tenancy.models import Tenant
from tenants.families import queries
from tenants.families.models import CaseEvent, Family, Intake
from tenants.families.states import CaseState
from tenants.families.vocabulary import ChildSafety, Gender, Judgement, MemberRole
from tests.factories.families import add_member, create_family, load_family, plan_intake, state_events, written_rows
from tests.factories.platform import days_ago, in_tenant, today
from tests.support.sessions import SignIn

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOT_RECORDED = "The family's consent is not recorded yet. Record it below: who gave it, when, and what it covers."


def under_16(children: str) -> str:
    return (f"{children} is under 16, so consent must come from a legal representative (a parent or guardian "
            "with parental authority). Choose who gave consent below, or record that the person who gave it is "
            "a legal representative.")


def intake_of(app: Flask, tenant: Tenant, family: Family) -> Intake | None:
    with in_tenant(app, tenant) as session:
        return session.scalars(select(Intake).where(Intake.family_id == family.id)).first()


def intake_form(coordinator: User, day: date, **overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "done_on": day.isoformat(),
        "coordinator_id": str(coordinator.id),
        "present": "Sara (moeder), Noor",
        "story": "Sara voelt zich alleen sinds de verhuizing en wil de taal beter leren.",
        "wish_languages": "Nederlands\r\nArabisch",
        "wish_gender": "female",
        "wish_day_parts": ["weekday_morning", "weekend"],
        "wish_experience": ["parenting", "participation"],
        "judgement": "suitable",
        "child_safety": "no_concerns",
        "child_safety_notes": "",
    }
    form.update(overrides)
    return form


@pytest.fixture
def planned(app: Flask, tenant_a: Tenant, coordinator_a: User) -> Family:
    """A family with consent by a legal representative whose intake is planned."""
    family = create_family(app, tenant_a, family_name="Familie El Amrani", referred_on=days_ago(app, 10))
    plan_intake(app, tenant_a, family, actor=coordinator_a)
    return family


# Planning ----------------------------------------------------------------------------------------


def test_planning_the_intake_moves_the_case_to_intake_planned(
    app: Flask, signed_in: SignIn, coordinator_a: User, manager_a: User, tenant_a: Tenant
) -> None:
    family = create_family(app, tenant_a)
    day = today(app) + timedelta(days=8)
    response = signed_in(coordinator_a).post(
        f"/t/alpha/families/{family.id}/intake/plan",
        data={"planned_at": f"{day.isoformat()}T14:30", "coordinator_id": str(manager_a.id)},
    )
    assert response.status_code == 302
    assert load_family(app, tenant_a, family.id).state == CaseState.INTAKE_PLANNED
    intake = intake_of(app, tenant_a, family)
    local = datetime(day.year, day.month, day.day, 14, 30, tzinfo=AMSTERDAM)
    assert intake.planned_at == local.astimezone(UTC)  # typed as Amsterdam wall-clock time, stored in UTC
    assert intake.coordinator_id == manager_a.id


def test_planning_the_intake_makes_its_coordinator_responsible_for_a_file_without_one(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    family = create_family(app, tenant_a, coordinator_id=None)
    signed_in(coordinator_a).post(
        f"/t/alpha/families/{family.id}/intake/plan",
        data={"planned_at": "2026-12-01T14:30", "coordinator_id": str(coordinator_a.id)},
    )
    assert load_family(app, tenant_a, family.id).coordinator_id == coordinator_a.id


def test_planning_again_keeps_the_state_and_notes_the_new_plan(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, planned: Family
) -> None:
    response = signed_in(coordinator_a).post(
        f"/t/alpha/families/{planned.id}/intake/plan",
        data={"planned_at": "2027-01-05T09:00", "coordinator_id": str(coordinator_a.id)},
    )
    assert response.status_code == 302
    assert load_family(app, tenant_a, planned.id).state == CaseState.INTAKE_PLANNED
    assert intake_of(app, tenant_a, planned).planned_at == datetime(2027, 1, 5, 8, 0, tzinfo=UTC)
    with in_tenant(app, tenant_a) as session:
        kinds = list(session.scalars(select(CaseEvent.kind).where(CaseEvent.family_id == planned.id)))
    assert kinds.count("intake_replanned") == 1
    assert len(state_events(app, tenant_a, planned)) == 1  # only the first plan moved the case


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"planned_at": "1 december"}, "planned_at"),
        ({"planned_at": ""}, "planned_at"),
        ({"coordinator_id": ""}, "coordinator_id"),
    ],
    ids=["unreadable-time", "no-time", "no-coordinator"],
)
def test_an_invalid_plan_is_refused(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, overrides: dict[str, str], field: str
) -> None:
    family = create_family(app, tenant_a)
    before = written_rows(app, tenant_a)
    payload = {"planned_at": "2026-12-01T14:30", "coordinator_id": str(coordinator_a.id), **overrides}
    response = signed_in(coordinator_a).post(f"/t/alpha/families/{family.id}/intake/plan", json=payload)
    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]
    assert load_family(app, tenant_a, family.id).state == CaseState.REFERRED
    assert written_rows(app, tenant_a) == before


def test_the_intake_cannot_be_planned_for_a_volunteer(
    app: Flask, signed_in: SignIn, coordinator_a: User, volunteer_a: User, tenant_a: Tenant
) -> None:
    family = create_family(app, tenant_a)
    response = signed_in(coordinator_a).post(
        f"/t/alpha/families/{family.id}/intake/plan",
        json={"planned_at": "2026-12-01T14:30", "coordinator_id": str(volunteer_a.id)},
    )
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["coordinator_id"]
    assert intake_of(app, tenant_a, family) is None


def test_an_intake_cannot_be_planned_for_a_waiting_family(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    family = create_family(app, tenant_a, state=CaseState.WAITING)
    response = signed_in(coordinator_a).post(
        f"/t/alpha/families/{family.id}/intake/plan",
        data={"planned_at": "2026-12-01T14:30", "coordinator_id": str(coordinator_a.id)},
    )
    assert response.status_code == 302
    assert load_family(app, tenant_a, family.id).state == CaseState.WAITING
    assert intake_of(app, tenant_a, family) is None


# Recording ---------------------------------------------------------------------------------------


def test_recording_the_intake_moves_the_case_to_intake_done(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, planned: Family
) -> None:
    day = today(app)
    response = signed_in(coordinator_a).post(
        f"/t/alpha/families/{planned.id}/intake", data=intake_form(coordinator_a, day)
    )
    assert response.status_code == 302, response.text[:300]
    assert load_family(app, tenant_a, planned.id).state == CaseState.INTAKE_DONE
    intake = intake_of(app, tenant_a, planned)
    assert (intake.done_on, intake.coordinator_id, intake.present) == (day, coordinator_a.id, "Sara (moeder), Noor")
    assert (intake.wish_languages, intake.wish_gender) == (["Nederlands", "Arabisch"], Gender.FEMALE)
    assert intake.wish_day_parts == ["weekday_morning", "weekend"]
    assert intake.wish_experience == ["parenting", "participation"]
    assert (intake.judgement, intake.child_safety) == (Judgement.SUITABLE, ChildSafety.NO_CONCERNS)
    with in_tenant(app, tenant_a):
        assert queries.intake_texts(intake) == {
            "story": "Sara voelt zich alleen sinds de verhuizing en wil de taal beter leren.",
            "child_safety_notes": None,
        }
    [_planned, done] = state_events(app, tenant_a, planned)
    assert (done.from_state, done.to_state, done.details) == (
        CaseState.INTAKE_PLANNED,
        CaseState.INTAKE_DONE,
        {"judgement": "suitable"},
    )


def test_a_json_client_may_leave_out_the_optional_intake_fields(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, planned: Family
) -> None:
    response = signed_in(coordinator_a).post(
        f"/t/alpha/families/{planned.id}/intake",
        json={
            "done_on": today(app).isoformat(),
            "coordinator_id": str(coordinator_a.id),
            "wish_gender": "any",
            "judgement": "partly",
            "child_safety": "no_concerns",
        },
    )
    assert response.status_code == 302
    intake = intake_of(app, tenant_a, planned)
    assert (intake.judgement, intake.present, intake.wish_languages, intake.wish_day_parts) == (
        Judgement.PARTLY,
        None,
        [],
        [],
    )


def refusal(client: FlaskClient, family: Family, form: dict[str, Any]) -> dict[str, list[str]]:
    response = client.post(f"/t/alpha/families/{family.id}/intake", json=form)
    assert response.status_code == 422
    return response.json["errors"]


def test_recording_is_refused_when_consent_was_not_recorded(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    family = create_family(
        app,
        tenant_a,
        consent_given=False,
        consent_purposes=[],
        consent_on=None,
        consent_by=None,
        consent_by_legal_representative=False,
    )
    plan_intake(app, tenant_a, family, actor=coordinator_a)
    before = written_rows(app, tenant_a)
    errors = refusal(signed_in(coordinator_a), family, intake_form(coordinator_a, today(app)))
    assert errors == {"consent": [NOT_RECORDED]}
    assert load_family(app, tenant_a, family.id).state == CaseState.INTAKE_PLANNED
    assert intake_of(app, tenant_a, family).done_on is None
    assert written_rows(app, tenant_a) == before


def test_recording_is_refused_when_a_child_under_16_has_no_consent_from_a_legal_representative(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    family = create_family(app, tenant_a, consent_by="Oom Karim", consent_by_legal_representative=False)
    add_member(
        app,
        tenant_a,
        family,
        role=MemberRole.CHILD,
        first_name="Noor",
        birth_date=today(app) - timedelta(days=15 * 365),
    )
    plan_intake(app, tenant_a, family, actor=coordinator_a)
    errors = refusal(signed_in(coordinator_a), family, intake_form(coordinator_a, today(app)))
    assert errors == {"consent": [under_16("Noor")]}
    assert load_family(app, tenant_a, family.id).state == CaseState.INTAKE_PLANNED


def test_consent_of_someone_else_suffices_when_every_child_is_16_or_older(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    day = today(app)
    family = create_family(app, tenant_a, consent_by="Oom Karim", consent_by_legal_representative=False)
    add_member(app, tenant_a, family, role=MemberRole.CHILD, first_name="Yasmin", birth_date=date(day.year - 17, 1, 1))
    plan_intake(app, tenant_a, family, actor=coordinator_a)
    response = signed_in(coordinator_a).post(
        f"/t/alpha/families/{family.id}/intake", data=intake_form(coordinator_a, day)
    )
    assert response.status_code == 302
    assert load_family(app, tenant_a, family.id).state == CaseState.INTAKE_DONE


def test_recording_is_refused_for_a_visit_before_the_referral(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, planned: Family
) -> None:
    errors = refusal(signed_in(coordinator_a), planned, intake_form(coordinator_a, days_ago(app, 11)))
    assert errors == {"_form": ["The intake cannot be before the referral."]}
    assert load_family(app, tenant_a, planned.id).state == CaseState.INTAKE_PLANNED


def test_recording_is_refused_for_a_visit_in_the_future(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, planned: Family
) -> None:
    errors = refusal(signed_in(coordinator_a), planned, intake_form(coordinator_a, today(app) + timedelta(days=1)))
    assert list(errors) == ["done_on"]
    assert load_family(app, tenant_a, planned.id).state == CaseState.INTAKE_PLANNED


@pytest.mark.parametrize("safety", ["concerns_discussed", "reporting_code_started"])
def test_child_safety_concerns_need_notes(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, planned: Family, safety: str
) -> None:
    errors = refusal(
        signed_in(coordinator_a),
        planned,
        intake_form(coordinator_a, today(app), child_safety=safety, child_safety_notes="  "),
    )
    assert list(errors) == ["child_safety_notes"]
    assert load_family(app, tenant_a, planned.id).state == CaseState.INTAKE_PLANNED


def test_child_safety_concerns_with_notes_are_recorded_sealed(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, planned: Family
) -> None:
    form = intake_form(
        coordinator_a,
        today(app),
        child_safety="concerns_discussed",
        child_safety_notes="Spanningen thuis besproken; afspraak met het wijkteam.",
    )
    assert signed_in(coordinator_a).post(f"/t/alpha/families/{planned.id}/intake", data=form).status_code == 302
    intake = intake_of(app, tenant_a, planned)
    assert intake.child_safety == ChildSafety.CONCERNS_DISCUSSED
    assert b"Spanningen" not in intake.child_safety_notes_sealed
    with in_tenant(app, tenant_a):
        assert queries.intake_texts(intake)["child_safety_notes"] == (
            "Spanningen thuis besproken; afspraak met het wijkteam."
        )


def test_an_intake_cannot_be_recorded_before_it_is_planned(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    family = create_family(app, tenant_a)
    response = signed_in(coordinator_a).post(
        f"/t/alpha/families/{family.id}/intake", data=intake_form(coordinator_a, today(app))
    )
    assert response.status_code == 302
    assert load_family(app, tenant_a, family.id).state == CaseState.REFERRED
    assert intake_of(app, tenant_a, family) is None


def test_a_refused_recording_shows_the_form_again_with_the_message(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant
) -> None:
    family = create_family(app, tenant_a, consent_given=False, consent_purposes=[], consent_on=None, consent_by=None)
    plan_intake(app, tenant_a, family, actor=coordinator_a)
    response = signed_in(coordinator_a).post(
        f"/t/alpha/families/{family.id}/intake", data=intake_form(coordinator_a, today(app))
    )
    assert response.status_code == 422
    assert escape(NOT_RECORDED) in response.text
    assert "Sara voelt zich alleen" in response.text  # what was typed is kept


def test_the_intake_pages_show_their_forms(
    app: Flask, signed_in: SignIn, coordinator_a: User, tenant_a: Tenant, planned: Family
) -> None:
    client: FlaskClient = signed_in(coordinator_a)
    fresh = create_family(app, tenant_a)
    assert client.get(f"/t/alpha/families/{fresh.id}/intake/plan").status_code == 200
    assert client.get(f"/t/alpha/families/{planned.id}/intake").status_code == 200
