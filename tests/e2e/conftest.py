"""Fixtures every end-to-end module may use."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.business_dates import local_today


@pytest.fixture
def today() -> dt.date:
    """The bureau's today, as the services judge business dates."""
    return local_today()
