"""The adoption service's contract: pure pydantic models and constants that other services, the gateway and
the generated documents import (no I/O, no nameko)."""
