"""The adoption nameko service (收养登记): entrypoints only. The rules live in `domain/`, the handlers in
`application/`, the read models in `adapters/`.

The RPC commands are generated from the command table (contract/table.py); they take `(…path ids, request,
actor, idempotency_key)`. Queries take `(…path ids, query, actor)`. Refusals (`shared.errors.Refusal`) cross
RPC as themselves and become problem+json at the gateway. Other services learn of adoptions from the events
(`adoption.events`): child welfare ends the child's file, the timeline shows the relations.
"""

from __future__ import annotations

from typing import Any

from services.adoption.application.adoption import AdoptionApplication
from services.adoption.contract.table import COMMANDS
from shared.nameko_ext import EventSourcedService, service_rpc
from shared.nameko_ext.commands import command_entrypoints


@command_entrypoints(COMMANDS)
class AdoptionService(EventSourcedService):
    name = "adoption"

    def application(self) -> AdoptionApplication:
        return AdoptionApplication(self.store, self.context)

    @service_rpc
    def get_registration(self, adoption_id: str, actor: dict) -> dict[str, Any]:
        return self.application().get_registration(adoption_id, actor)

    @service_rpc
    def get_notice(self, notice_id: str, actor: dict) -> dict[str, Any]:
        return self.application().get_notice(notice_id, actor)

    @service_rpc
    def get_application(self, application_id: str, actor: dict) -> dict[str, Any]:
        return self.application().get_application(application_id, actor)

    @service_rpc
    def get_assessment(self, assessment_id: str, actor: dict) -> dict[str, Any]:
        return self.application().get_assessment(assessment_id, actor)

    @service_rpc
    def tasks(self, query: dict, actor: dict) -> dict[str, Any]:
        return self.application().tasks(query, actor)

    @service_rpc
    def list_registrations(self, query: dict, actor: dict) -> dict[str, Any]:
        return self.application().list_registrations(query, actor)

    @service_rpc
    def print_certificate(self, number: str, code: Any, actor: dict, url: str) -> dict[str, Any]:
        return self.application().print_certificate(number, code, actor, url)

    @service_rpc
    def verify_certificate(self, number: str, code: Any) -> dict[str, Any]:
        return self.application().verify_certificate(number, code)
