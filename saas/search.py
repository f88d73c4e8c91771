"""Search keys: text folded so that what people type finds what was written.

``fold("Aydın Çelik-Ünal")`` is ``"aydin celik-unal"``: every letter transliterated to ASCII
(``anyascii``: ı → i, ß → ss, ĳ → ij, Arabic script to Latin letters), lower case, control
characters dropped and whitespace collapsed. The same function makes the stored key (a column such as
``families.search_text``) and the words of a query, so matching is plain substring matching on both
SQLite and PostgreSQL (where a trigram index serves it). Punctuation is kept: "Bakker-IJzerman" is
found by "ijzerman" and by "bakker-ijzerman", and "%" or "_" in a query stand for themselves.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from anyascii import anyascii

#: At most this many words of a query are used (each adds a condition to the statement).
MAX_WORDS = 8
#: A query is cut at this many characters (before folding), so a pasted page cannot make a huge statement.
MAX_QUERY_LENGTH = 200
ESCAPE = "\\"


def fold(text: str | None) -> str:
    """``text`` as a search key: ASCII, lower case, no control characters, single spaces."""
    if not text:
        return ""
    # Control and format characters (NUL, zero-width joiners …) would otherwise survive anyascii.
    cleaned = "".join(" " if unicodedata.category(char)[0] in "CZ" else char for char in text)
    return " ".join(anyascii(cleaned).lower().split())


def query_words(query: str | None) -> list[str]:
    """The distinct folded words of ``query`` (first :data:`MAX_WORDS`), in order."""
    words: list[str] = []
    for word in fold((query or "")[:MAX_QUERY_LENGTH]).split():
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def contains(column: Any, word: str) -> Any:
    """SQL: the folded ``column`` contains ``word`` (LIKE wildcards in the word are escaped)."""
    escaped = word.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return column.like(f"%{escaped}%", escape=ESCAPE)


def key_of(texts: Iterable[str | None]) -> str:
    """One search key for several texts, each folded; a query word has no spaces, so none spans two."""
    return " ".join(folded for folded in map(fold, texts) if folded)
