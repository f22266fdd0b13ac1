"""Issue 11: one command table per service drives both the nameko RPC entrypoints and the gateway routes; each
entry's contract half (contract/table.py) is paired with exactly one decider in the service."""

from __future__ import annotations

import pytest
from nameko.exceptions import IncorrectSignature

from services.adoption.application.adoption import AdoptionApplication
from services.adoption.service import AdoptionService
from services.child_welfare.application.child_welfare import ChildWelfare
from services.child_welfare.service import ChildWelfareService
from services.funeral.application.funeral import Funeral
from services.funeral.service import FuneralService
from services.gateway.api import adoption, child_welfare, funeral, marriage, vagrant_aid
from services.marriage.application.marriage import Marriage
from services.marriage.service import MarriageService
from services.vagrant_aid.application.relief import VagrantAid
from services.vagrant_aid.service import VagrantAidService
from shared.nameko_ext.commands import command_entrypoints
from shared.reference.contract import Command, CommandEntry, command_table
from shared.unit_of_work import deciders

SERVICES = {
    "marriage": (Marriage, MarriageService, marriage),
    "child_welfare": (ChildWelfare, ChildWelfareService, child_welfare),
    "funeral": (Funeral, FuneralService, funeral),
    "vagrant_aid": (VagrantAid, VagrantAidService, vagrant_aid),
    "adoption": (AdoptionApplication, AdoptionService, adoption),
}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_command_has_a_decider(name: str):
    application = SERVICES[name][0]
    for command in application.COMMANDS:
        special = callable(vars(application).get(command))  # a command with more than one unit of work
        assert command in application.DECIDERS or special, command
    assert set(application.DECIDERS) <= set(application.COMMANDS)


def test_a_decider_is_found_by_its_name_once():
    import types

    first, second = types.ModuleType("first"), types.ModuleType("second")
    first.ping = second.ping = lambda *args: {}
    assert deciders(TABLE, first) == {"ping": first.ping}
    with pytest.raises(TypeError):
        deciders(TABLE, first, second)


def test_a_command_on_a_record_needs_no_handler_the_records_runner_runs_its_decider():
    """Issue 11: the runner loads and records; a command on an existing record is its contract, its table
    entry, its decider `decide_<name>` and its test. A handler of the command's name runs instead."""
    import types

    domain, application = types.ModuleType("domain"), types.ModuleType("application")
    domain.decide_ping = lambda command, record, clock: []
    found = deciders(TABLE, application, on_record=lambda decide: ("run on the record", decide),
                     decisions=(domain,))
    assert found == {"ping": ("run on the record", domain.decide_ping)}
    application.ping = lambda *args: {}
    assert deciders(TABLE, application, on_record=lambda decide: decide, decisions=(domain,)) == {
        "ping": application.ping}


def test_vagrant_aid_case_commands_have_no_handler_of_their_own():
    """Every command on a case (its path names one) is its decider run on the case by the shared runner."""
    on_case = {name for name, handler in VagrantAid.DECIDERS.items() if handler.__qualname__.startswith("on_record(")}
    # `identify` too: the standing court declarations it needs (D-9) are read with its case
    assert on_case == {name for name, entry in VagrantAid.COMMANDS.items() if "<case_id>" in entry.path}
    assert {"identify", "provide_service", "record_family_search", "file_extension", "record_exit", "settle"} <= on_case


def test_funeral_body_commands_and_the_withdrawal_have_no_handler_of_their_own():
    on_death = {name for name, handler in Funeral.DECIDERS.items() if handler.__qualname__.startswith("on_record(")}
    assert on_death == {"collect_body", "store_body", "publish_claim_notice", "approve_disposal", "dispose_ashes",
                        "withdraw_death"}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_command_is_an_rpc_entrypoint_of_the_service(name: str):
    application, service, _ = SERVICES[name]
    for command in application.COMMANDS:
        entrypoint = getattr(service, command)
        assert getattr(entrypoint, "nameko_entrypoints", None), command


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_command_is_a_gateway_route_as_the_table_says(name: str):
    application, _, routes = SERVICES[name]
    by_action = {route.action: route for route in routes.ROUTES}
    for entry in application.COMMANDS.values():
        route = by_action[entry.action or f"{name}.{entry.name}"]
        assert (route.method, route.path, route.body, route.response, route.status, route.subject) == (
            entry.method, entry.path, entry.body, entry.response, entry.status, entry.subject)
        assert route.roles == entry.roles


class Ping(Command):
    pass


TABLE = command_table(CommandEntry("ping", "POST", "/v1/things/<thing_id>/ping", Ping, frozenset({"admin"}), "thing"))


def test_a_generated_entrypoint_checks_its_arguments_and_runs_the_application():
    calls = []

    class App:
        def command(self, *args):
            calls.append(args)
            return {"ok": True}

    @command_entrypoints(TABLE)
    class Service:
        def application(self):
            return App()

    assert Service().ping("t-1", {}, {"name": "a"}) == {"ok": True}
    assert Service().ping("t-1", {}, {"name": "a"}, "key-1") == {"ok": True}
    assert calls == [("ping", "t-1", {}, {"name": "a"}), ("ping", "t-1", {}, {"name": "a"}, "key-1")]
    with pytest.raises(IncorrectSignature):
        Service().ping({}, {"name": "a"})  # the path parameter is missing


def test_a_hand_written_forwarder_beside_the_table_is_refused():
    with pytest.raises(TypeError):
        @command_entrypoints(TABLE)
        class Service:
            def ping(self):  # pragma: no cover - never called
                return None


def test_a_command_named_twice_is_refused():
    entry = TABLE["ping"]
    with pytest.raises(ValueError):
        command_table(entry, entry)


def test_path_parameters_come_in_path_order():
    entry = CommandEntry("x", "POST", "/a/<first>/b/<int:second>", Ping, frozenset({"admin"}), "x")
    assert entry.path_parameters == ("first", "second")
