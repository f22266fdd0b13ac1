"""The timeline's use cases: projecting events, filling gaps, answering queries."""
