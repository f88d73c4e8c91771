"""The tenant's impact dashboard: the figures aggregated in SQL, its charts and its page."""
