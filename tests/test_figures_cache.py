"""saas.figures_cache: entries kept by key, the least recently used dropped first, none past its age."""

from __future__ import annotations

import pytest

from saas import figures_cache
from saas.figures_cache import FiguresCache


def test_an_entry_is_built_once_and_kept() -> None:
    cache, built = FiguresCache(size=2), []
    assert cache.get_or_build("a", lambda: built.append("a") or 1) == 1
    assert cache.get_or_build("a", lambda: built.append("a") or 2) == 1
    assert built == ["a"]


def test_the_least_recently_used_entry_goes_first() -> None:
    cache = FiguresCache(size=2)
    cache.get_or_build("a", lambda: 1)
    cache.get_or_build("b", lambda: 2)
    cache.get_or_build("a", lambda: 0)  # used again: "b" is now the oldest
    cache.get_or_build("c", lambda: 3)
    assert cache.get_or_build("a", lambda: 0) == 1
    assert cache.get_or_build("b", lambda: 4) == 4


def test_an_entry_past_its_age_is_built_again(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(figures_cache.time, "monotonic", lambda: now[0])
    cache = FiguresCache(max_age=60)
    cache.get_or_build("a", lambda: 1)
    now[0] += 59
    assert cache.get_or_build("a", lambda: 2) == 1
    now[0] += 2
    assert cache.get_or_build("a", lambda: 2) == 2
