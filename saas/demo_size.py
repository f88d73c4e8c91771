"""How many families and volunteers the demo seeders invent per tenant.

The demo for a newcomer has 60–120 families and 40–80 volunteers per tenant, drawn by each
tenant's own random generator. The benchmarks (tests/bench/dataset.py) and ``flask demo seed
--families 5000 --volunteers 1500`` ask for a fixed, larger size; the seeders read it here, so the
same realistic files, matches, visits and measurements come out at any size.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoSize:
    """Families and volunteers per tenant; None keeps the seeders' own random range."""

    families: int | None = None
    volunteers: int | None = None


_size: ContextVar[DemoSize | None] = ContextVar("demo_size", default=None)


@contextmanager
def demo_size(size: DemoSize) -> Iterator[None]:
    """Seed with ``size`` inside the block."""
    token = _size.set(size)
    try:
        yield
    finally:
        _size.reset(token)


def demo_count(kind: str, rng: random.Random, low: int, high: int) -> int:
    """The number of ``kind`` ("families" or "volunteers") to invent: the size asked for, else a
    random number between ``low`` and ``high`` (drawn even when a size is set, so the generator's
    later draws are those of the ordinary demo)."""
    drawn = rng.randint(low, high)
    wanted: int | None = getattr(_size.get() or DemoSize(), kind)
    return drawn if wanted is None else wanted
