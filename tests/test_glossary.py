"""The Dutch catalogue keeps to docs/glossary.md: one word per concept (issue #15).

A rejected variant coming back (from a new translation or a merge) fails here, with the msgid.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from config import ROOT

#: Rejected Dutch wording -> the glossary's word (why: the issue's sweep found both in use).
REJECTED = {
    r"levensgebied": "leefgebied",
    r"psychisch welzijn": "psychisch welbevinden",
    r"T1 halverwege": "T1 een jaar na de koppeling",
    r"tussenevaluatie": "tussentijdse evaluatie",
    r"gefactureerd buiten Stripe\b(?! om)": "factuur buiten Stripe om",
    r"^Cellen$": "Aantal cijfers",
    r"^Opdrachtregel$": "Door een systeembeheerder",
    # A role in the middle of a sentence is written in lower case.
    r"(?<=[a-zà-ÿ,] )Coördinator": "coördinator",
}


def dutch_texts() -> list[tuple[str, str]]:
    with (ROOT / "translations" / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalogue = read_po(po, locale="nl")
    texts = []
    for message in catalogue:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        texts += [(str(message.id), text) for text in strings if message.id and text]
    return texts


@pytest.mark.parametrize("pattern", sorted(REJECTED))
def test_the_dutch_catalogue_uses_the_glossarys_words(pattern: str) -> None:
    found = [msgid for msgid, text in dutch_texts() if re.search(pattern, text, re.IGNORECASE if
                                                                   pattern.islower() else 0)]
    assert not found, f"use {REJECTED[pattern]!r} (docs/glossary.md) in: {found[:5]}"


def test_the_default_instrument_uses_the_glossarys_words() -> None:
    text = (ROOT / "tenants" / "impact" / "instruments" / "default_instrument.yaml").read_text(encoding="utf-8")
    assert "leefgebieden" in text and "Psychisch welbevinden" in text
    assert not re.search("levensgebied|psychisch welzijn", text, re.IGNORECASE)


def test_the_glossary_is_linked_from_the_architecture() -> None:
    assert "glossary.md" in (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
