"""Instruments: the default one, loading checked all-or-nothing, versions, retiring, the command line."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from sqlalchemy import func, select

from saas.audit.models import PlatformEvent
from saas.db import db, tenant_context
from saas.errors import OperationError
from saas.i18n import force_locale
from saas.tenancy.models import Tenant
from tenants.impact.instruments.loader import (
    DEFAULT_CODE,
    DEFAULT_FILE,
    InstrumentError,
    ensure_default_instrument,
    load_instrument,
    retire,
)
from tenants.impact.instruments.models import Instrument, InstrumentDomain, InstrumentItem
from tenants.impact.instruments.queries import active_instrument
from tenants.life_domains import LIFE_DOMAINS
from tests.factories.instruments import create_default_instrument, default_document, small_document

LANGUAGES = {"nl", "en", "ar"}


@pytest.fixture
def english(app: Flask) -> Iterator[None]:
    """An app context whose messages are in English (the msgids), whatever the translations say."""
    with app.app_context(), force_locale("en"):
        yield


def written() -> tuple[int, int, int, int]:
    """Rows in every table a load writes to."""
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))  # type: ignore[return-value]
        for model in (Instrument, InstrumentDomain, InstrumentItem, PlatformEvent)
    )


def refusal(document: dict[str, Any] | str) -> list[str]:
    """The errors of loading ``document`` (as YAML), after checking that nothing was written."""
    text = document if isinstance(document, str) else yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    before = written()
    with pytest.raises(InstrumentError) as refused:
        load_instrument(None, text)
    assert written() == before
    return refused.value.errors


# The default instrument ------------------------------------------------------------------------


def test_the_default_instrument_has_nine_life_domains_and_example_items_in_three_languages(english: None) -> None:
    instrument = ensure_default_instrument()
    assert (instrument.code, instrument.version, instrument.is_example) == (DEFAULT_CODE, 1, True)
    assert [domain.code for domain in instrument.domains] == list(LIFE_DOMAINS)
    assert len(instrument.items) == 35
    assert all(3 <= len([i for i in instrument.items if i.domain_id == d.id]) <= 5 for d in instrument.domains)
    assert [item.position for item in instrument.items] == list(range(1, 36))
    assert 3 <= sum(item.reverse_scored for item in instrument.items) <= 6
    worry = next(item for item in instrument.items if item.texts["nl"] == "Ik maak me vaak zorgen over geld.")
    assert worry.reverse_scored and worry.domain.code == "finances"
    texts = [
        instrument.name,
        instrument.description,
        *(point["labels"] for point in instrument.scale),
        *(domain.labels for domain in instrument.domains),
        *(item.texts for item in instrument.items),
    ]
    assert all(set(text) == LANGUAGES and all(text.values()) for text in texts)
    assert [(p["value"], p["labels"]["nl"]) for p in instrument.scale] == [
        (1, "Helemaal niet mee eens"),
        (2, "Een beetje mee eens"),
        (3, "Mee eens"),
        (4, "Helemaal mee eens"),
    ]
    assert instrument.min_answered_percent == 50
    # Idempotent: a second call (the demo seeds every tenant) finds it.
    assert ensure_default_instrument() is instrument
    assert db.session.scalar(select(func.count()).select_from(Instrument)) == 1


def test_the_default_is_loaded_once_even_from_inside_a_tenant_and_never_revived(app: Flask, tenant_a: Tenant) -> None:
    with app.app_context(), tenant_context(db.session, tenant_a.id):
        first = ensure_default_instrument()
        assert active_instrument() is first
        with pytest.raises(OperationError):  # retiring is the foundation's
            retire(None, first)
        db.session.commit()
    with app.app_context():
        instrument = db.session.get(Instrument, first.id)
        retire(None, instrument)
        assert ensure_default_instrument().id == first.id  # the retired default is not loaded again
        assert active_instrument() is None
        assert db.session.scalar(select(func.count()).select_from(Instrument)) == 1


# Refusals ------------------------------------------------------------------------------------


def test_a_missing_translation_is_refused_with_where_and_on_which_line_it_is(english: None) -> None:
    lines = DEFAULT_FILE.read_text(encoding="utf-8").splitlines()
    arabic = '          ar: "أشعر بالوحدة كثيراً."'  # domains[3].items[4]
    texts_line = lines.index(arabic) - 2  # "texts:" above nl and en; lines count from 1
    assert lines[texts_line - 1].strip() == "texts:"
    errors = refusal("\n".join(line for line in lines if line != arabic))
    assert errors == [f"domains[3].items[4].texts (line {texts_line + 1}): the text in Arabic is missing."]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["name"].pop("en"), "name (line #): the text in English is missing."),
        (
            lambda d: d["domains"][0]["labels"].update(nl="  "),
            "domains[1].labels (line #): the text in Dutch is missing.",
        ),
        (
            lambda d: d["domains"][1].update(code="finances"),
            "domains[2].code (line #): the domain code “finances” is used twice.",
        ),
        (
            lambda d: d["domains"][2]["items"][0].update(code="fin_bills"),
            "domains[3].items[1].code (line #): the item code “fin_bills” is used twice.",
        ),
        (lambda d: d["domains"][4].update(items=[]), "domains[5].items (line #): a domain needs at least one item."),
        (
            lambda d: d["scale"][2].update(value=5),
            "scale (line #): the scale has the four points 1, 2, 3 and 4, lowest "
            "first (a domain's grade is its mean × 2.5).",
        ),
        (
            lambda d: d["scale"].append({"value": 5, "labels": dict(d["scale"][0]["labels"])}),
            "scale (line #): the scale has the four points 1, 2, 3 and 4, lowest "
            "first (a domain's grade is its mean × 2.5).",
        ),
        (lambda d: d["scale"][0]["labels"].pop("ar"), "scale[1].labels (line #): the text in Arabic is missing."),
        (lambda d: d["scale"][1].pop("labels"), "scale[2] (line #): the field “labels” is missing."),
        (lambda d: d.update(scale=[d["scale"][0]]), "scale (line #): a scale needs at least two points."),
        (lambda d: d.update(version="2"), "version (line #): the version is a whole number from 1 to 100000."),
        (lambda d: d.update(version=0), "version (line #): the version is a whole number from 1 to 100000."),
        (lambda d: d.update(domains=[]), "domains (line #): an instrument needs at least one domain."),
        (
            lambda d: d["domains"][0]["items"][0].update(reverse_score=True),
            "domains[1].items[1].reverse_score (line #): unknown field “reverse_score”.",
        ),
        (
            lambda d: d["domains"][0]["items"][0].update(reverse_scored="yes"),
            "domains[1].items[1].reverse_scored (line #): expected true or false.",
        ),
        (
            lambda d: d["domains"][0].update(code="has spaces"),
            "domains[1].code (line #): a code is 1 to 40 letters, "
            "digits, dots, dashes or underscores, starting with a "
            "letter or digit.",
        ),
        (lambda d: d.update(min_answered_percent=120), "min_answered_percent (line #): a whole number from 1 to 100."),
        (lambda d: d.pop("domains"), "The field “domains” is missing."),
        (
            lambda d: d["domains"][6]["items"][1].pop("texts"),
            "domains[7].items[2] (line #): the field “texts” is missing.",
        ),
    ],
)
def test_each_kind_of_broken_instrument_is_refused_and_nothing_is_written(
    english: None, change: Any, message: str
) -> None:
    document = default_document()
    change(document)
    pattern = re.escape(message).replace(r"\#", r"\d+")
    assert [error for error in refusal(document) if re.fullmatch(pattern, error)], message


def test_every_problem_is_reported_at_once(english: None) -> None:
    document = default_document()
    document["domains"][0]["items"][0]["texts"].pop("nl")
    document["domains"][8]["labels"].pop("en")
    document["scale"][3]["value"] = 7
    assert len(refusal(document)) == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code: [unclosed", "The file is not valid YAML (line 1)"),
        ('{"code": "x",}', "The file is not valid JSON (line 1, column 14)"),
        ("- a list\n- not fields", "Expected fields (a mapping), found something else."),
        ("name: &n {nl: a, en: b, ar: c}\ndescription: *n", "anchors or aliases (line 2)"),
        ("x" * 1_000_001, "The file is larger than 1 MB."),
    ],
)
def test_unreadable_files_are_refused(english: None, text: str, message: str) -> None:
    assert any(message in error for error in refusal(text))


# Versions --------------------------------------------------------------------------------------


def test_json_loads_and_a_higher_version_follows_while_equal_or_lower_ones_are_refused(english: None) -> None:
    first = load_instrument(None, json.dumps(small_document(version=2)))
    assert [item.reverse_scored for item in first.items] == [False, True, False, True]
    assert [(item.domain.code, item.position) for item in first.items] == [
        ("finances", 1),
        ("finances", 2),
        ("housing", 3),
        ("housing", 4),
    ]
    assert active_instrument("test-instrument") is first
    assert refusal(small_document(version=2)) == [
        "version: version 2 of “test-instrument” has already been loaded; give the new one a higher version number."
    ]
    assert refusal(small_document(version=1)) == [
        "version: the version must be higher than 2, the newest version of “test-instrument”."
    ]
    second = load_instrument(None, yaml.safe_dump(small_document(version=3)))
    assert active_instrument("test-instrument") is second
    events = db.session.scalars(select(PlatformEvent).where(PlatformEvent.action == "instrument.loaded")).all()
    assert [event.details["version"] for event in events] == [2, 3]


def test_retiring_hides_a_version_from_new_measurements(english: None) -> None:
    default = ensure_default_instrument()
    other = load_instrument(None, json.dumps(small_document()))
    assert active_instrument() is other  # a real questionnaire comes before the example one
    assert active_instrument(default.code) is default
    newer = load_instrument(None, json.dumps(small_document(version=2)))
    retire(None, newer)
    assert newer.retired_at is not None
    assert active_instrument("test-instrument") is other
    with pytest.raises(OperationError, match="already been retired"):
        retire(None, newer)
    retire(None, default)
    assert active_instrument() is other
    retire(None, other)
    assert active_instrument() is None and active_instrument("test-instrument") is None
    assert (
        db.session.scalar(
            select(func.count()).select_from(PlatformEvent).where(PlatformEvent.action == "instrument.retired")
        )
        == 3
    )


def test_the_foundation_alone_loads_instruments(app: Flask, tenant_a: Tenant) -> None:
    with (
        app.app_context(),
        tenant_context(db.session, tenant_a.id),
        force_locale("en"),
        pytest.raises(OperationError, match="foundation"),
    ):
        load_instrument(None, json.dumps(small_document()))


# The command line ------------------------------------------------------------------------------


def test_the_command_line_loads_lists_retires_and_refuses(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["instruments", "default"])
    assert result.exit_code == 0 and "samen-oplopen-leefgebieden version 1" in result.output
    assert runner.invoke(args=["instruments", "default"]).exit_code == 0  # idempotent

    good = tmp_path / "licensed.json"
    good.write_text(json.dumps(small_document(code="licensed")), encoding="utf-8")
    result = runner.invoke(args=["instruments", "load", str(good)])
    assert result.exit_code == 0, result.output
    assert "Loaded licensed version 1: 2 domains, 4 items." in result.output

    broken = small_document(code="licensed", version=2)
    del broken["domains"][1]["items"][0]["texts"]["ar"]
    bad = tmp_path / "broken.yaml"
    bad.write_text(yaml.safe_dump(broken, sort_keys=False), encoding="utf-8")
    result = runner.invoke(args=["instruments", "load", str(bad)])
    assert result.exit_code == 1 and re.search(r"domains\[2\]\.items\[1\]\.texts \(\w+ \d+\)", result.output)
    assert runner.invoke(args=["instruments", "load", str(good)]).exit_code == 1  # the same version again

    listing = runner.invoke(args=["instruments", "list"]).output.splitlines()
    assert len(listing) == 2 and "licensed" in listing[0] and "active" in listing[0]
    assert "9 domains" in listing[1] and "35 items" in listing[1] and "(example)" in listing[1]

    assert runner.invoke(args=["instruments", "retire", "licensed", "1"]).exit_code == 0
    assert runner.invoke(args=["instruments", "retire", "licensed", "1"]).exit_code == 1
    result = runner.invoke(args=["instruments", "retire", "licensed", "9"])
    assert result.exit_code == 1 and "There is no version 9 of licensed." in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Instrument)) == 2
        assert active_instrument("licensed") is None


def test_the_route_tests_instrument_is_the_default(app: Flask) -> None:
    assert create_default_instrument(app).id == create_default_instrument(app).id


@pytest.mark.parametrize("text", ["[" * 100_000, "a:\n" + "  - " * 1 + "[" * 100_000])
def test_a_deeply_nested_file_is_refused_not_a_crash(app: Flask, text: str) -> None:
    with app.app_context(), force_locale("en"), pytest.raises(InstrumentError, match=r"nested too deeply|not valid"):
        load_instrument(None, text)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(version=10**12), "version"),
        (lambda d: d["scale"][3].update(value=40_000), "scale"),
    ],
)
def test_numbers_beyond_their_columns_are_refused(app: Flask, change: Any, message: str) -> None:
    document = small_document()
    change(document)
    with app.app_context(), force_locale("en"):
        errors = refusal(document)
    assert any(error.startswith(message) for error in errors), errors
