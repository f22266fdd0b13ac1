"""The funeral domain (殡葬), free of I/O: commands, events, the state of a death record, a cemetery and a plot,
the decisions (`decide_*`: state + command → events, or a refusal) and the rules they apply (`check_*`,
named after the domain rules F-1 … F-7 of design/domain.md)."""
