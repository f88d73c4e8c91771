"""An edit form's starting values (saas.forms.Form.form_values): the form's own fields turn a stored
row into what the HTML form shows, and that loads back into the same values."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

from flask import Flask
from sqlalchemy import select

from saas.auth.models import User
from saas.forms import (
    Boolean,
    Choice,
    ChoiceList,
    Date,
    Email,
    Form,
    Integer,
    LocalDateTime,
    Password,
    RowId,
    String,
    StringList,
)


class Colour(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


class Everything(Form):
    name = String(required=True)
    email = Email(allow_none=True)
    secret = Password(allow_none=True)
    colour = Choice(Colour, required=True)
    size = Choice(["small", "large"], allow_none=True)
    owner_id = RowId(lambda: select(User.id), allow_none=True)
    languages = StringList()
    colours = ChoiceList(Colour)
    count = Integer(allow_none=True)
    member = Boolean()
    born_on = Date(allow_none=True)
    #: The form's key differs from the row's attribute.
    town = String(allow_none=True, attribute="municipality")


OWNER = uuid.UUID("12345678-1234-5678-1234-567812345678")


def stored(**changes: Any) -> SimpleNamespace:
    row = {
        "name": "Vera",
        "email": "vera@example.org",
        "secret": "hunter2",
        "colour": Colour.BLUE,
        "size": "small",
        "owner_id": OWNER,
        "languages": ["Nederlands", "Arabisch"],
        "colours": [Colour.RED, "blue"],
        "count": 0,
        "member": True,
        "born_on": date(1990, 2, 3),
        "municipality": "Heusden",
    }
    return SimpleNamespace(**{**row, **changes})


def test_each_field_shows_its_value_as_the_form_sends_it() -> None:
    assert Everything().form_values(stored()) == {
        "name": "Vera",
        "email": "vera@example.org",
        "secret": "",  # a password is never shown again
        "colour": "blue",
        "size": "small",
        "owner_id": str(OWNER),
        "languages": "Nederlands\nArabisch",  # lines of one text area, as StringList reads them
        "colours": ["red", "blue"],
        "count": 0,
        "member": True,
        "born_on": "1990-02-03",
        "town": "Heusden",
    }


def test_an_option_shows_its_value_also_from_a_plain_enum() -> None:
    class Size(enum.Enum):  # str() of a plain enum gives "Size.SMALL", the form sends "small"
        SMALL = "small"

    class Sized(Form):
        size = Choice(Size, required=True)

    assert Sized().form_values(SimpleNamespace(size=Size.SMALL)) == {"size": "small"}


def test_nothing_stored_shows_as_an_empty_field() -> None:
    nothing = stored(
        email=None,
        secret=None,
        size=None,
        owner_id=None,
        languages=None,
        count=None,
        member=None,
        born_on=None,
        municipality=None,
    )
    values = Everything().form_values(nothing)
    assert [key for key, value in values.items() if value == ""] == [
        "email",
        "secret",
        "size",
        "owner_id",
        "languages",
        "count",
        "member",
        "born_on",
        "town",
    ]
    assert Everything().form_values(stored(languages=[], member=False))["languages"] == ""
    assert Everything().form_values(stored(member=False))["member"] is False  # an unticked box


def test_extra_values_replace_or_add_to_the_rows_and_pass_through_the_fields() -> None:
    class WithQuestion(Form):
        name = String()
        question = String(allow_none=True)
        born_on = Date(allow_none=True)

    row = SimpleNamespace(name="Vera", born_on=None)  # no ``question`` attribute: a sealed text, say
    assert WithQuestion().form_values(row) == {"name": "Vera", "born_on": ""}
    assert WithQuestion().form_values(
        row, question="Hulp bij de administratie", born_on=date(2024, 5, 6), not_a_field="left out"
    ) == {"name": "Vera", "question": "Hulp bij de administratie", "born_on": "2024-05-06"}
    assert WithQuestion().form_values(row, question=None) == {"name": "Vera", "question": "", "born_on": ""}


def test_a_local_time_shows_in_the_configured_zone(app: Flask) -> None:
    class Planned(Form):
        planned_at = LocalDateTime(allow_none=True)

    with app.app_context():
        winter = Planned().form_values(SimpleNamespace(planned_at=datetime(2026, 1, 15, 9, 30, tzinfo=UTC)))
        assert winter == {"planned_at": "2026-01-15T10:30"}  # Amsterdam is an hour ahead in winter
        assert Planned().load(winter) == {"planned_at": datetime(2026, 1, 15, 9, 30, tzinfo=UTC)}
        assert Planned().form_values(SimpleNamespace(planned_at=None)) == {"planned_at": ""}


def test_the_values_load_back_into_what_is_stored() -> None:
    row = stored()
    form = Everything(exclude=("owner_id", "secret"))  # a RowId looks its id up in the database
    loaded = form.load(form.form_values(row))
    assert loaded == {
        "name": "Vera",
        "email": "vera@example.org",
        "colour": Colour.BLUE,
        "size": "small",
        "languages": ["Nederlands", "Arabisch"],
        "colours": ["red", "blue"],
        "count": 0,
        "member": True,
        "born_on": date(1990, 2, 3),
        "municipality": "Heusden",
    }
