"""Fixed, translated lists used by the group track (stored as stable codes)."""

from __future__ import annotations

from saas.enums import LabelledEnum
from saas.i18n import L_


class GroupKind(LabelledEnum):
    PREGNANCY_LIVE = "pregnancy_live", L_("Pregnancy group (in person)")
    PREGNANCY_ONLINE = "pregnancy_online", L_("Pregnancy group (online)")
    MOTHERS = "mothers", L_("Mothers' group")
