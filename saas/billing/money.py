"""Amounts are integer cents everywhere (docs/architecture.md §7); these turn them into text and back for people."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import format_currency


def format_money(cents: int, currency: str = "eur") -> str:
    """Cents as the reader's language writes money ("€ 4.800,00" in Dutch, "€4,800.00" in English)."""
    return format_currency(Decimal(cents) / 100, currency.upper())


def amount_input(cents: int | None) -> str:
    """Cents as the plan form shows them again for editing ("4800,00"): the shape the form reads."""
    return "" if cents is None else f"{cents // 100},{cents % 100:02d}"
