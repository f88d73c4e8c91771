"""Input for the billing pages: plans (foundation admins), a licence invoiced outside Stripe, and
the plan a manager chooses."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from marshmallow import validate

from saas.billing.models import Interval
from saas.forms import REQUIRED, Boolean, Choice, Date, Form, Integer, String
from saas.i18n import L_

CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: A Stripe price id as the dashboard shows it; the shape only (Stripe itself is not asked).
PRICE_PATTERN = re.compile(r"^price_[A-Za-z0-9]{6,250}$")
#: Whole euros with at most two decimals, a comma or a point before them ("4800", "4800,00",
#: "12.5"). Thousands separators are refused: "4.800" would otherwise mean 4 euros 80 to some.
AMOUNT_PATTERN = re.compile(r"^(\d{1,7})(?:[.,](\d{1,2}))?$")
#: The largest amount a plan may have, in cents (a guard against a typo, not a business rule).
MAX_AMOUNT_CENTS = 1_000_000_00


class EuroAmount(ma.fields.Field):
    """An amount typed in euros with up to two decimals, loaded as integer cents; empty counts as
    missing. (Not a String field: its length check would see the cents.)"""

    default_error_messages = {"required": REQUIRED, "null": REQUIRED,
                              "invalid": L_("Enter an amount in euros, such as 4800 or 4800,00.")}

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            value = ma.missing if self.required else None
        if value is None and not self.required:
            return None
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.make_error("invalid")
        match = AMOUNT_PATTERN.match(str(value).strip().removeprefix("€").strip())
        if match is None:
            raise self.make_error("invalid")
        cents = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
        if cents > MAX_AMOUNT_CENTS:
            raise self.make_error("invalid")
        return cents


class PlanForm(Form):
    """The fields of a plan both creating and editing change (the code is fixed once made)."""

    name = String(required=True, max_length=120)
    description = String(max_length=1000, allow_none=True)
    amount = EuroAmount(required=True)
    interval = Choice(Interval, required=True)
    trial_days = Integer(minimum=0, maximum=365, allow_none=True)
    max_municipalities = Integer(minimum=1, maximum=10_000, allow_none=True)
    max_active_matches = Integer(minimum=1, maximum=1_000_000, allow_none=True)
    stripe_price_id = String(max_length=255, allow_none=True, validate=validate.Regexp(
        PRICE_PATTERN, error=L_("A Stripe price id starts with price_ followed by letters and digits.")))
    is_active = Boolean()


class CreatePlanForm(PlanForm):
    code = String(required=True, max_length=40, validate=[
        validate.Length(min=2, error=L_("Use at least {min} characters.")),
        validate.Regexp(CODE_PATTERN, error=L_("Use lowercase letters, digits and single hyphens only."))])


class ChoosePlanForm(Form):
    plan_id = String(required=True, max_length=40, error_messages={"required": L_("Choose a plan.")})


class ManualLicenceForm(ChoosePlanForm):
    """A licence invoiced outside Stripe: which plan, and the last day it covers."""

    until = Date(required=True)
