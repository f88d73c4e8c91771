"""The methodology at work inside one tenant: one package per domain."""
