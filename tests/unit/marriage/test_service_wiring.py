"""The marriage service's entrypoints: the funeral subscription (M-11) and the scheduled cooling-off check
(M-8), its interval from the configuration."""

from __future__ import annotations

from types import SimpleNamespace

from services.marriage.service import DEFAULT_CHECK_SECONDS, CoolingOffCheck, MarriageService
from services.topology import subscriptions_of


def test_the_service_subscribes_to_the_funeral_deaths_M11_and_the_court_declarations_D4_D5_D11():
    [queues] = subscriptions_of(MarriageService)

    assert queues.source == "funeral"
    assert set(queues.event_types) == {"funeral.DeathRegistered", "funeral.DeathCorrected", "funeral.BodyIdentified",
                                       "funeral.CourtDeclarationRecorded", "funeral.CourtDeclarationRevoked",
                                       "funeral.DeathWithdrawn"}


def test_the_cooling_off_check_runs_on_the_configured_interval_M8():
    configured, default = CoolingOffCheck(interval=DEFAULT_CHECK_SECONDS), CoolingOffCheck(interval=1)
    configured.container = SimpleNamespace(config={"MARRIAGE": {"COOLING_OFF_CHECK_SECONDS": 60}})
    default.container = SimpleNamespace(config={})

    configured.setup()
    default.setup()

    assert (configured.interval, default.interval) == (60.0, DEFAULT_CHECK_SECONDS)
    [entrypoint] = MarriageService.deem_lapsed_divorces_withdrawn.nameko_entrypoints
    assert isinstance(entrypoint, CoolingOffCheck)
