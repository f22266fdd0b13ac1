"""The adoption service's read models on PostgreSQL."""
