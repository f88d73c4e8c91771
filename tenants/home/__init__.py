"""The tenant's start page."""
