"""What a tenant publishes: the vocabulary of the published statistics' cells.

Every cell is ``(period, track, measure, domain, moment, category)`` with a count ``n``, a sum
``total`` and a sum of squares ``squares`` (integers: sums stay exact when the foundation adds
tenants up). Which fields a measure uses, and what its numbers mean, is listed here; the
publishing job (tenants.publishing) writes them, saas.foundation.national reads them. Dimensions
a measure does not use hold ``ALL`` (the empty string).

The shared contract is deliberately plain strings: the foundation code never imports the
tenant packages' models or enums.
"""

from __future__ import annotations

from enum import StrEnum

#: The value of a dimension a measure is not split by.
ALL = ""
#: The most items a domain of an instrument may have (tenants.impact.instruments.checks refuses more):
#: a family's domain score is the mean of at most this many answers, a fraction whose denominator
#: is one of 1 … MAX_DOMAIN_ITEMS.
MAX_DOMAIN_ITEMS = 10
#: Domain scores and paired changes are summed in units of 1/SCORE_SCALE. It is a multiple of every
#: possible denominator of a score (lcm(1 … MAX_DOMAIN_ITEMS) = 2520), so every family's score is a
#: whole number of units and the sums are exact (a mean on x.xx5 is not shown one step down), and a
#: multiple of LEGACY_SCORE_SCALE, so older cells convert exactly. Squares stay within a BIGINT for
#: a million families (Σd² ≤ n × (3 × SCORE_SCALE)²). Each published row records the unit it was
#: written in (PublishedStatistic.score_scale); a new SCORE_SCALE must be a multiple of every earlier
#: one, because frozen years are never republished.
SCORE_SCALE = 630_000
#: The unit of cells published before scores were exact (four decimals): rows of frozen years keep it.
LEGACY_SCORE_SCALE = 10_000
#: Training hours are summed in hundredths of an hour.
HOURS_SCALE = 100
#: The longest category (the column's length); municipality names are cut to it.
MUNICIPALITY_LENGTH = 40


class Measure(StrEnum):
    """Each measure, with the dimensions it is split by and the meaning of n / total / squares."""

    #: track, moment — n: families with a completed measurement taken in the period.
    MEASURED = "measured"
    #: track, domain, moment — n: families scored; total: Σ domain mean × SCORE_SCALE.
    DOMAIN_SCORE = "domain_score"
    #: track, domain, moment — Tend in the period, scored at T0 and Tend: n families, total Σd,
    #: squares Σd² (d = Tend − T0 in units of 1/SCORE_SCALE); moment "t1": the same for T0 → T1, T1
    #: taken in the period (moment ALL is T0 → Tend).
    PAIRED_CHANGE = "paired_change"
    #: track, domain, category improved | stable | worse — n: families (of PAIRED_CHANGE).
    CHANGE_DIRECTION = "change_direction"
    #: track, category = closure reason code — n: families closed in the period.
    CLOSURE_REASON = "closure_reason"
    #: track, category in OUTCOME_CATEGORIES — n: families closed in the period with that outcome
    #: ("prevented_as_expected": referral prevented and expected at the referral, a part of both
    #: referral outcomes; "measured_t0_and_tend": with completed T0 and Tend measurements).
    OUTCOME = "outcome"
    #: track — n: families closed in the period who gave a satisfaction grade; total: Σ grades;
    #: squares: Σ grades² (0 in cells published before 2026-12: their spread is unknown).
    SATISFACTION = "satisfaction"
    #: track, category in FAMILY_CATEGORIES — n: families ("closed": every family closed in the
    #: period, the same count as OUTCOME "closed", so the quarters add up to the year).
    FAMILIES = "families"
    #: track, category = age band ("0-3", "4-11", "12-17", "18-23", "other") — n: children of the
    #: families supported in the period.
    CHILDREN = "children"
    #: category in VOLUNTEER_CATEGORIES — n: volunteers (not split by track: a volunteer may walk
    #: with families of both).
    VOLUNTEERS = "volunteers"
    #: n: attendances; total: module hours of the training sessions attended × HOURS_SCALE.
    TRAINING_HOURS = "training_hours"
    #: category = a municipality where the tenant supported a family in the period (its name, cut
    #: to MUNICIPALITY_LENGTH characters) — n: 1. By name, so that a municipality two tenants work
    #: in counts once nationally; never shown on its own.
    MUNICIPALITIES = "municipalities"
    #: category in FIDELITY_INDICATORS — n: the cases (or volunteers, coordinators) the indicator is
    #: taken over; total: those meeting it (for "caseload": n coordinators, total their open cases).
    FIDELITY = "fidelity"


OUTCOME_CATEGORIES = ("closed", "with_care", "care_stopped", "care_reduced", "would_otherwise_be_referred",
                      "prevented_referral_confirmed", "prevented_as_expected", "measured_t0_and_tend")
FAMILY_CATEGORIES = ("supported", "new", "closed")
VOLUNTEER_CATEGORIES = ("active", "new", "stopped")
CHANGE_DIRECTIONS = ("improved", "stable", "worse")
AGE_BAND_CATEGORIES = ("0-3", "4-11", "12-17", "18-23", "other")
#: The measures whose total (and squares) are in units of 1/score_scale of their row.
SCORE_MEASURES = (Measure.DOMAIN_SCORE, Measure.PAIRED_CHANGE)
FIDELITY_INDICATORS = ("t0_done", "home_visit_intake", "trained_before_first_match", "valid_vog", "caseload")
