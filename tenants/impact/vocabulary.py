"""Fixed, translated lists of the impact package (stored as stable codes)."""

from __future__ import annotations

from saas.enums import LabelledEnum
from saas.i18n import L_


class Moment(LabelledEnum):
    """When a family is measured: at intake, a year after the match, at closure."""

    T0 = "t0", L_("T0: at intake")
    T1 = "t1", L_("T1: a year after the match")
    TEND = "tend", L_("Tend: at closure")


class Mode(LabelledEnum):
    INTERVIEW = "interview", L_("Interview by the coordinator")
    INTERPRETER = "interpreter", L_("Interview with an interpreter")
    SELF = "self", L_("Filled in by the family, with the coordinator")


class MeasurementStatus(LabelledEnum):
    IN_PROGRESS = "in_progress", L_("In progress")
    COMPLETED = "completed", L_("Completed")


class ReportStatus(LabelledEnum):
    QUEUED = "queued", L_("Queued")
    RUNNING = "running", L_("Being generated")
    READY = "ready", L_("Ready")
    FAILED = "failed", L_("Failed")
    SUBMITTED = "submitted", L_("Submitted (frozen)")
