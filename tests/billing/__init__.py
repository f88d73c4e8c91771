"""Licences and billing: the Stripe gateway, webhooks and their payloads."""
