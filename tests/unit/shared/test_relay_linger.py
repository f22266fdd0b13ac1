"""The outbox relay's linger under load (shared/outbox.py, `RelaySettings.linger_after`): long enough for about
`linger_events` more events at the rate the last pass saw, never longer than `linger`, and not at all for a
stream too slow to bring two more within `linger`."""

from shared.outbox import RelaySettings

SETTINGS = RelaySettings(linger=0.025, linger_events=8)


def test_a_stream_at_registration_rate_waits_the_bound():
    # 230 events a second: 8 more take 35 ms, more than the bound.
    assert SETTINGS.linger_after(published=23, seconds=0.1) == 0.025


def test_a_faster_stream_waits_less_for_the_same_batch():
    assert SETTINGS.linger_after(published=40, seconds=0.05) == 0.01  # 800 a second: 8 more in 10 ms
    assert SETTINGS.linger_after(published=500, seconds=0.05) == 0.0008  # a backlog's full batch: hardly at all


def test_a_linger_of_zero_turns_it_off():
    assert RelaySettings(linger=0).linger_after(published=3, seconds=0.01) == 0


def test_a_slow_stream_does_not_wait():
    # 50 events a second (the lag's light load): about one more within 25 ms, so the next is read as it commits.
    assert SETTINGS.linger_after(published=2, seconds=0.04) == 0
    assert SETTINGS.linger_after(published=2, seconds=0.025) == 0.025  # 80 a second: two more within the bound
