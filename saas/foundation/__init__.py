"""The foundation's area at /foundation/: staff see tenants and, later, published statistics only."""
