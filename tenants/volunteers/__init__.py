"""Volunteers: the pipeline from applicant to available, screening (VOG), readiness, self-service."""

from saas.packages import Package

package = Package(
    models=("tenants.volunteers.models",),
    blueprints=("tenants.volunteers.views:bp", "tenants.volunteers.self_service:bp"),
    demo=("tenants.volunteers.demo:seed",),
    audit_labels=("tenants.volunteers.views:AUDIT_LABELS",),
    contribute="tenants.volunteers.search:contribute",
)
