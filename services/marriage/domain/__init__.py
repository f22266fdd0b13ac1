"""The marriage domain: commands, events, states and the pure decisions of rules M-1 to M-13 (no I/O)."""
