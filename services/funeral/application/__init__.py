"""The funeral application layer: command handlers (load, decide, append in one unit of work), the
reactions to other services' events and the queries. `Funeral` is what the nameko entrypoints call."""
