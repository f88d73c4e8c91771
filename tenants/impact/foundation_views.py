"""The foundation's instruments at /foundation/instruments: list, versions, load a new one, retire a version."""

from __future__ import annotations

from saas.foundation.access import foundation_blueprint

bp = foundation_blueprint("instruments", __name__, template_folder="templates")
