"""Matching families with volunteers, walking alongside (contact moments) and the group track."""
