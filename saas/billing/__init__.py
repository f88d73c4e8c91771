"""Licences and billing: plans, each tenant's licence, Stripe, webhooks and entitlements."""
