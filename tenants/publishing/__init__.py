"""Publishing the tenant's statistics for the foundation: counts and sums per fixed cell
(saas.foundation.measures), computed inside the tenant and written to the published statistics
table, the only tenant data the foundation reads (docs/architecture.md §5)."""
