"""The screening rules behind "ready to be matched" (pure functions, no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tenants.volunteers.models import Screening, ScreeningPolicy, Volunteer
from tenants.volunteers.readiness import add_months, readiness_reasons, vog_status
from tenants.volunteers.states import VolunteerState

TODAY = date(2026, 11, 23)


def policy(**overrides: int) -> ScreeningPolicy:
    values = {"max_age_at_start_days": 90, "renewal_months": 36, "warning_days": 60, "applicant_waiting_days": 14}
    return ScreeningPolicy(**{**values, **overrides})


def volunteer(*issued: date, state: VolunteerState = VolunteerState.AVAILABLE,
              approved_on: date | None = None) -> Volunteer:
    screenings = [Screening(issued_on=day, screening_profile="45", checked_on=day)
                  for day in sorted(issued, reverse=True)]
    return Volunteer(name="Vera", state=state, applied_on=TODAY - timedelta(days=400), approved_on=approved_on,
                     screenings=screenings)


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2026, 11, 23), 36, date(2029, 11, 23)), (date(2026, 12, 15), 1, date(2027, 1, 15)),
])
def test_adding_months_keeps_the_day_within_the_month(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_a_recent_vog_makes_an_available_volunteer_ready() -> None:
    person = volunteer(TODAY - timedelta(days=30), approved_on=TODAY - timedelta(days=10))
    assert vog_status(person, policy(), TODAY).valid
    assert readiness_reasons(person, policy(), TODAY) == []


def test_without_a_vog_the_volunteer_is_not_ready() -> None:
    reasons = readiness_reasons(volunteer(), policy(), TODAY)
    assert len(reasons) == 1 and "VOG" in reasons[0]


def test_an_expired_vog_is_not_valid() -> None:
    person = volunteer(TODAY - timedelta(days=3 * 366), approved_on=TODAY - timedelta(days=3 * 366 - 20))
    status = vog_status(person, policy(), TODAY)
    assert status.expired and not status.valid
    assert status.expires_on <= TODAY


def test_a_vog_expiring_within_the_warning_window_is_flagged_but_still_valid() -> None:
    issued = add_months(TODAY, -36) + timedelta(days=30)
    person = volunteer(issued, approved_on=issued + timedelta(days=10))
    status = vog_status(person, policy(), TODAY)
    assert status.expiring and status.valid
    assert not vog_status(person, policy(warning_days=10), TODAY).expiring


def test_a_vog_older_than_the_policy_allows_at_the_start_is_not_valid() -> None:
    person = volunteer(TODAY - timedelta(days=200), state=VolunteerState.TRAINING)
    assert vog_status(person, policy(), TODAY).too_old_at_start
    assert vog_status(person, policy(max_age_at_start_days=365), TODAY).valid


def test_a_renewed_vog_counts_for_long_serving_volunteers() -> None:
    approved = TODAY - timedelta(days=4 * 365)
    person = volunteer(approved - timedelta(days=20), TODAY - timedelta(days=100), approved_on=approved)
    assert vog_status(person, policy(), TODAY).valid


@pytest.mark.parametrize("state", [VolunteerState.APPLICANT, VolunteerState.TRAINING, VolunteerState.PAUSED,
                                   VolunteerState.STOPPED])
def test_only_available_or_matched_volunteers_are_matchable(state: VolunteerState) -> None:
    person = volunteer(TODAY - timedelta(days=5), state=state)
    assert readiness_reasons(person, policy(), TODAY)


def test_missing_required_courses_are_reasons() -> None:
    person = volunteer(TODAY - timedelta(days=5), approved_on=TODAY)
    reasons = readiness_reasons(person, policy(), TODAY, missing_courses=["Basistraining Samen Oplopen"])
    assert len(reasons) == 1 and "Basistraining Samen Oplopen" in reasons[0]
