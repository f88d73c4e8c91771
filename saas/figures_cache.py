"""Figures that are expensive to aggregate and cheap to validate, kept in the process between requests.

The dashboards (a tenant's impact dashboard, the foundation's national statistics) aggregate every
measurement or published cell on each request, yet what they aggregate changes far less often than
it is read. Each caller keys its entries on a *version*: a small value it reads in one cheap
statement on every request, which changes whenever the inputs do. Only a miss aggregates.

An entry also expires after ``max_age``: the bound on how long a change that its version cannot see
(a repair made outside the application, say) stays unseen. The cache lives in the process — each
gunicorn worker keeps its own, and they agree because the version is read from the database — on the
app (``app.extensions``), so two apps in one process (the tests) never share entries. It is bounded
(the least recently used entries go first) and safe to use from several threads.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any, TypeVar

from flask import Flask, current_app

T = TypeVar("T")

#: Entries kept per cache: a dashboard has a handful of views per tenant (years, municipalities,
#: languages), so this holds the busy ones of many tenants.
SIZE = 256
#: Seconds an entry is used at most (see the module's docstring).
MAX_AGE = 15 * 60


class FiguresCache:
    def __init__(self, size: int = SIZE, max_age: float = MAX_AGE) -> None:
        self.size, self.max_age = size, max_age
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = Lock()

    def get_or_build(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value stored under ``key`` while it is younger than ``max_age``; otherwise ``build()``,
        stored. Two requests that miss at once both build (the lock is never held while building)."""
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and now - entry[0] < self.max_age:
                self._entries.move_to_end(key)
                return entry[1]  # type: ignore[no-any-return]
        value = build()
        with self._lock:
            self._entries[key] = (now, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def figures_cache(name: str, size: int = SIZE) -> FiguresCache:
    """The current app's cache called ``name`` (one per kind of figures), created on first use
    holding ``size`` entries."""
    caches: dict[str, FiguresCache] = current_app.extensions.setdefault("figures_caches", {})
    if name not in caches:
        caches[name] = FiguresCache(size)
    return caches[name]


def forget_all(app: Flask) -> None:
    """Empty every cache of ``app`` (the tests do, when a test's rolled-back data goes)."""
    for cache in app.extensions.get("figures_caches", {}).values():
        cache.clear()
