"""Trainings: the course catalogue (foundation and tenant courses), sessions, enrolments, attendance,
course completions with PDF certificates, learning hours and the required-course readiness rule."""

from saas.packages import Package

package = Package(
    models=("tenants.trainings.models",),
    blueprints=("tenants.trainings.views:bp", "tenants.trainings.self_service:bp",
                "tenants.trainings.foundation_views:bp"),
    demo=("tenants.trainings.demo:seed",),
    jobs=("tenants.trainings.notices:reminders",),
    audit_labels=("tenants.trainings.views:AUDIT_LABELS",),
    contribute="tenants.trainings.contributions:contribute",
)
