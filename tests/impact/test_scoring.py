"""The scoring function against a hand-computed example, exactly (fractions, no rounding).

The example instrument has a 1–4 scale and scores a domain when at least half its items are
answered (rounded up). By hand:

finances (3 items, f3 reversed): f1 = 3, f2 not answered, f3 = 1 → 4 + 1 − 1 = 4.
    2 of 3 answered ≥ ceil(1.5) = 2: mean (3 + 4) / 2 = 7/2, grade 7/2 × 5/2 = 35/4 = 8.75.
social_network (2 items): s1 = 2, s2 missing from the answers.
    1 of 2 ≥ ceil(1) = 1: mean 2, grade 5.
wellbeing (4 items, w4 reversed): w1 and w2 not answered, w3 = 2, w4 missing.
    1 of 4 < ceil(2) = 2: not scored.
parenting (3 items, p3 reversed): p1 = 1, p2 = 2, p3 = 4 → 1.
    3 of 3: mean 4/3 (stored rounded: 1.3333), grade 10/3.

Paired change over five families, before → after:
    2 → 7/4, 3/2 → 7/4, 2 → 5/2, 1 → 7/4, 3/2 → 11/4
    differences −1/4, 1/4, 1/2, 3/4, 5/4; mean 1/2; deviations −3/4, −1/4, 0, 1/4, 3/4;
    sum of squares 20/16 = 5/4; variance 5/4 / 4 = 5/16; sd = √5 / 4;
    standard error √(5/16 / 5) = 1/4; t(0.975, 4) = 2.776; margin 0.694;
    95 % interval 0.5 − 0.694 = −0.194 to 0.5 + 0.694 = 1.194.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest

from tenants.impact.measurements.scoring import (
    DomainResult,
    as_decimal,
    paired_change,
    required_answers,
    score_domains,
    t_quantile,
)

SCALE = [{"value": value, "labels": {}} for value in (1, 2, 3, 4)]


def example() -> tuple[list[SimpleNamespace], list[SimpleNamespace], dict[str, uuid.UUID]]:
    domains, items, ids = [], [], {}
    for code, count, reversed_items in (("finances", 3, {3}), ("social_network", 2, set()), ("wellbeing", 4, {4}),
                                        ("parenting", 3, {3})):
        domain = SimpleNamespace(id=uuid.uuid4(), code=code)
        domains.append(domain)
        for number in range(1, count + 1):
            item = SimpleNamespace(id=uuid.uuid4(), domain_id=domain.id, reverse_scored=number in reversed_items)
            ids[f"{code[0]}{number}"] = item.id
            items.append(item)
    return domains, items, ids


def test_the_hand_computed_example_is_reproduced_exactly() -> None:
    domains, items, ids = example()
    answers = {ids["f1"]: 3, ids["f2"]: None, ids["f3"]: 1, ids["s1"]: 2, ids["w1"]: None, ids["w2"]: None,
               ids["w3"]: 2, ids["p1"]: 1, ids["p2"]: 2, ids["p3"]: 4}

    results = score_domains(domains, items, SCALE, 50, answers)

    assert results == [DomainResult("finances", Fraction(7, 2), 2, 3),
                       DomainResult("social_network", Fraction(2), 1, 2),
                       DomainResult("wellbeing", None, 1, 4), DomainResult("parenting", Fraction(4, 3), 3, 3)]
    assert [r.grade for r in results] == [Fraction(35, 4), Fraction(5), None, Fraction(10, 3)]
    assert [as_decimal(r.mean) for r in results] == [Decimal("3.5000"), Decimal("2.0000"), None, Decimal("1.3333")]
    assert not results[2].scored


def test_a_stricter_threshold_leaves_more_domains_unscored() -> None:
    domains, items, ids = example()
    answers = {ids["f1"]: 3, ids["f3"]: 1, ids["s1"]: 2, ids["s2"]: 3}

    finances, social, wellbeing, parenting = score_domains(domains, items, SCALE, 75, answers)

    assert required_answers(3, 75) == 3 and finances.mean is None and finances.answered == 2
    assert social.mean == Fraction(5, 2) and wellbeing.answered == parenting.answered == 0
    assert wellbeing.mean is None and parenting.mean is None


def test_the_paired_change_and_its_interval_match_the_hand_computation() -> None:
    pairs = [(Fraction(2), Fraction(7, 4)), (Fraction(3, 2), Fraction(7, 4)), (Fraction(2), Fraction(5, 2)),
             (Fraction(1), Fraction(7, 4)), (Fraction(3, 2), Fraction(11, 4))]

    change = paired_change(pairs)

    assert change is not None and change.n == 5 and change.mean == Fraction(1, 2)
    assert change.sd is not None and round(change.sd, 6) == Decimal("0.559017")  # √5 / 4
    # standard error √5 / 4 / √5 = 1/4, t(0.975, 4) = 2.776445: 1/2 ± 0.694111.
    assert (round(change.low, 6), round(change.high, 6)) == (Decimal("-0.194111"), Decimal("1.194111"))


def test_decimal_scores_as_stored_give_the_same_change() -> None:
    change = paired_change([(Decimal("2.0000"), Decimal("2.5000")), (Decimal("1.0000"), Decimal("2.0000"))])

    # differences 1/2 and 1: mean 3/4, standard error |1/2 − 1| / 2 = 1/4, t(0.975, 1) = 12.706205: ± 3.176551.
    assert change is not None and change.mean == Fraction(3, 4)
    assert (round(change.low, 6), round(change.high, 6)) == (Decimal("-2.426551"), Decimal("3.926551"))


def test_one_pair_has_a_change_but_no_interval_and_none_has_neither() -> None:
    single = paired_change([(1, 3)])
    assert single is not None and single.mean == 2 and single.low is single.high is single.sd is None
    assert paired_change([]) is None


@pytest.mark.parametrize(("df", "t"), [(1, "12.706"), (4, "2.776"), (30, "2.042"), (35, "2.030"), (59, "2.001"),
                                       (120, "1.980"), (500, "1.965")])
def test_the_t_quantile_is_exact_for_every_degree_of_freedom(df: int, t: str) -> None:
    assert t_quantile(df).quantize(Decimal("0.001")) == Decimal(t)


def test_no_t_quantile_without_degrees_of_freedom() -> None:
    with pytest.raises(ValueError, match="degree of freedom"):
        t_quantile(0)
