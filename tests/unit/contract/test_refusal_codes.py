"""Every refusal code a service raises is listed, with its meaning, in its contract (`contract/refusals.py`):
the code's literal strings and the contract constants passed to `Refusal(…)` (or a service's `refusal(…)`
helper, or `check_not_before(…, code, …)`) are read from the source, so a new code cannot go unlisted."""

from __future__ import annotations

import ast
import importlib
import pathlib

import pytest

from shared.reference.refusals import COMMON, Code, codes_of

SERVICES = ("marriage", "child_welfare", "funeral", "vagrant_aid", "timeline", "adoption")
ROOT = pathlib.Path(__file__).resolve().parents[3]
RAISERS = {"Refusal": 0, "refusal": 0, "check_not_before": 2}  # call name -> position of the code


def contract_of(service: str):
    return importlib.import_module(f"services.{service}.contract.refusals")


def raised_codes(service: str) -> dict[str, str]:
    """code -> where, for every code given as a literal or a contract constant in the service's code."""
    constants = {name: str(value) for name, value in vars(contract_of(service)).items() if isinstance(value, Code)}
    found: dict[str, str] = {}
    for path in sorted((ROOT / "services" / service).rglob("*.py")):
        if "contract" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            position = RAISERS.get(name or "")
            if position is None or len(node.args) <= position:
                continue
            argument = node.args[position]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                code = argument.value
            elif isinstance(argument, ast.Attribute | ast.Name):
                key = argument.attr if isinstance(argument, ast.Attribute) else argument.id
                if key not in constants:
                    continue  # a variable: the code is one of the listed constants or literals elsewhere
                code = constants[key]
            else:
                continue
            found.setdefault(code, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_every_refusal_code_a_service_raises_is_in_its_contract(service):
    listed = set(codes_of(contract_of(service))) | set(COMMON)
    unlisted = {code: where for code, where in raised_codes(service).items() if code not in listed}
    assert unlisted == {}, f"add these to services/{service}/contract/refusals.py"


@pytest.mark.parametrize("service", SERVICES)
def test_each_listed_code_has_a_meaning_and_its_own_name(service):
    for name, value in vars(contract_of(service)).items():
        if isinstance(value, Code) and value not in COMMON:
            assert name == value.upper() and value.meaning.strip(), name


def test_the_scan_sees_the_codes_vagrant_aid_raises_through_its_constants():
    """The test above is not vacuous: constants (vagrant aid's deciders use them) are read as codes."""
    found = raised_codes("vagrant_aid")
    assert {"cash_over_limit", "forbidden_station", "already_open_case", "already_identified"} <= set(found)


def code_arguments(service: str):
    """(module, where, argument) for the code argument of every refusal the service raises outside its contract."""
    for path in sorted((ROOT / "services" / service).rglob("*.py")):
        if "contract" in path.parts:
            continue
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            position = RAISERS.get(name or "")
            if position is not None and len(node.args) > position:
                yield module, f"{path.relative_to(ROOT)}:{node.lineno}", node.args[position]


def resolved(module: str, argument: ast.expr) -> object:
    """The value a module-level name (`CODE`) or attribute (`rules.CODE`) names; None for anything else (a
    variable of the function: its value is a code checked where it was written)."""
    if isinstance(argument, ast.Name):
        return vars(importlib.import_module(module)).get(argument.id)
    if isinstance(argument, ast.Attribute) and isinstance(argument.value, ast.Name):
        owner = vars(importlib.import_module(module)).get(argument.value.id)
        return getattr(owner, argument.attr, None)
    return None


@pytest.mark.parametrize("service", SERVICES)
def test_a_refusal_names_its_code_by_the_contracts_constant_never_a_literal(service):
    """Issue 11: deciders, handlers and queries raise the constants of `contract/refusals.py` (or the common
    ones of `shared/reference/refusals.py`): a literal, or a string constant of the service's own outside the
    contract, is a code the contract may not list."""
    literal = [where for _, where, argument in code_arguments(service)
               if isinstance(argument, ast.Constant) and isinstance(argument.value, str)]
    assert literal == [], "raise the contract's constant"
    not_contract = [where for module, where, argument in code_arguments(service)
                    if isinstance(value := resolved(module, argument), str) and not isinstance(value, Code)]
    assert not_contract == [], "define the code in contract/refusals.py and import it"


def test_the_literal_scan_finds_a_literal_code():
    """The test above is not vacuous: it reads the code argument of a refusal, as written."""
    [(_, _, argument)] = [found for found in code_arguments("vagrant_aid")
                          if found[1].startswith("services/vagrant_aid/application/handlers.py")
                          and isinstance(found[2], ast.Name) and found[2].id == "ALREADY_OPEN_CASE"]
    assert resolved("services.vagrant_aid.application.handlers", argument) == "already_open_case"
