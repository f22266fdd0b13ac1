"""Use cases of relief work: load, decide, append (with the inline read models in the same transaction)."""
