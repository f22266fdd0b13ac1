"""The adoption service's handlers: load, decide, record, answer."""
