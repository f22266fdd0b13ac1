"""Person timeline (T-1 to T-3): the shared projector that consumes every service's events and
answers other bureaus' purpose-bound queries.
"""
