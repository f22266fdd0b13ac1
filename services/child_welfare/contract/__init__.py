"""The child_welfare service's contract: what other services, the gateway, the documents and the clients may import.

Pure pydantic, constants and `shared.reference`: no I/O, no nameko (a unit test walks every module's imports).
"""
