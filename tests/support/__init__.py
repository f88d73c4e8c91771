"""Test support: databases, mail server, factories and sign-in helpers."""
