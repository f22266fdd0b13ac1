"""The timeline's PostgreSQL adapters: the projection tables and the rebuild."""
