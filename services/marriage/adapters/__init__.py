"""The marriage service's inline read models and queries on PostgreSQL."""
