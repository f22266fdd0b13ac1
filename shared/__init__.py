"""civreg's common package: what every service uses and nothing that only one service needs.

The envelope, the event store, the outbox relay, subscriptions, reference rules (ID numbers, divisions,
dates), configuration, logging and auth primitives. Services import `shared.bootstrap` before anything
else (see that module for why).
"""
