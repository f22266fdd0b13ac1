"""Every refusal code the timeline service can raise, each with its one-line meaning (HTTP status in brackets
where it is not 422). Clients, the gateway's problem message catalogue and the documents read this list; a
unit test checks that every code the service's code raises is here (tests/unit/contract/test_refusal_codes.py).
"""

from __future__ import annotations

from shared.reference.refusals import COMMON, Code  # noqa: F401 - COMMON: the codes every service raises

FEED_NOT_IN_SCOPE = Code("feed_not_in_scope", "your scopes cover current facts only, not events (403)")
INVALID_CURSOR = Code("invalid_cursor", "`after` is not a cursor this feed gave out (422)")
INVALID_SUBJECT = Code("invalid_subject", "an ID number or temporary subject id (422)")
TIMELINE_NOT_IN_SCOPE = Code("timeline_not_in_scope", "your scopes cover current facts only, not timelines (403)")
