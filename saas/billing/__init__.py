"""Licences and billing: plans, each tenant's licence, Stripe, webhooks and entitlements."""

from saas.packages import Package

package = Package(
    models=("saas.billing.models",),
    blueprints=("saas.billing.webhooks:bp", "saas.billing.views:bp", "saas.billing.foundation_views:bp"),
    demo=("saas.billing.demo:seed",),
    jobs=("saas.billing.notices:billing_reminders",),
    audit_labels=("saas.billing.sync:AUDIT_LABELS", "saas.billing.operations:AUDIT_LABELS"),
    contribute="saas.billing.entitlements:contribute",
)
