"""The timeline service's contract: pure pydantic models and constants that the gateway and clients import (no
I/O, no nameko)."""
