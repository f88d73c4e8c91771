"""Instruments for tests: the default one, and documents to load (valid, or broken in one place).
"""

from __future__ import annotations

import copy
from typing import Any

import yaml
from flask import Flask

from saas.tenancy.models import Tenant
from tenants.impact.instruments.loader import DEFAULT_FILE, ensure_default_instrument
from tenants.impact.instruments.models import Instrument
from tests.factories.platform import database


def default_document() -> dict[str, Any]:
    """The default instrument as a dict (a fresh copy to change)."""
    return copy.deepcopy(_DEFAULT)


def small_document(code: str = "test-instrument", version: int = 1, **fields: Any) -> dict[str, Any]:
    """A valid instrument with two domains of two items each."""
    def texts(word: str) -> dict[str, str]:
        return {"nl": f"{word} (nl)", "en": f"{word} (en)", "ar": f"{word} (ar)"}

    return {"code": code, "version": version, "name": texts("Test"), "scale": [
        {"value": value, "labels": texts(f"point {value}")} for value in (1, 2, 3, 4)], "domains": [
        {"code": domain, "labels": texts(domain), "items": [
            {"code": f"{domain}_{number}", "texts": texts(f"{domain} {number}"), "reverse_scored": number == 2}
            for number in (1, 2)]} for domain in ("finances", "housing")], **fields}


def create_default_instrument(app: Flask) -> Instrument:
    with database(app):
        return ensure_default_instrument()


def add_instrument(app: Flask, tenant: Tenant, world: Any) -> None:
    """The route tests' instrument: the platform's default one (instruments belong to no tenant)."""
    world.instrument = create_default_instrument(app)


_DEFAULT = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
