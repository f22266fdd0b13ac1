"""The funeral service's adapters: the inline read models and the queries on them (PostgreSQL)."""
