"""What the confirmation dialog of an irreversible action sends (saas.forms.Confirmed)."""

CONFIRMED = {"confirmed": "1"}
