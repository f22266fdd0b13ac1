"""The timeline's domain: what an event means for a person's timeline, facts and identity, without I/O."""
