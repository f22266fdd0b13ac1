"""Child welfare routes (api.md "Child welfare", domain.md C-1 to C-8) for child welfare officers.

Who may call what (C-8: child welfare data is the `protected` access class, the most confidential):
* `child_welfare_officer`: every route; `admin` sets the allowance standards (`PUT /standards`) and nothing
  else here. No bureau reads these routes: bureaus with the protected scope see child welfare facts through
  the timeline service. Every call — every read of a file or a ledger — is in the access log, naming the
  child as the path gives it (file id, ID number or temporary id).
* A child's file is addressed by its `child_id` or by the child's ID number or temporary id.

The body models are the HTTP contract: strict JSON types, frozen, no unknown fields, every text bounded and
free of control characters. The service validates again and applies the rules; its refusals come back as
problem+json with their codes. Commands pass the Idempotency-Key on, so a retry writes nothing new.
"""

from __future__ import annotations

from services.child_welfare.contract import queries, responses
from services.child_welfare.contract.table import COMMANDS, PREFIX
from services.gateway.api.common import command_routes, parsed_query
from services.gateway.routing import Call, Reply, Route

OFFICERS = {"child_welfare_officer"}


# -- handlers -------------------------------------------------------------------------------------------------
def read_child(call: Call) -> Reply:
    """The child's one file with its history (C-2)."""
    return Reply(call.rpc("child_welfare").child(call.params["child"]))


def allowances(call: Call) -> Reply:
    """Every month of the range with its amount, standard and basis; 0 where nothing is due (C-5)."""
    return Reply(call.rpc("child_welfare").allowances(call.params["child"], call.query.get("from"),
                                                      call.query.get("to")))


def payroll(call: Call) -> Reply:
    """Every payment of a month and the adjustments recorded in it, with the total (C-5)."""
    return Reply(call.rpc("child_welfare").payroll(call.query.get("month")))


def children(call: Call) -> Reply:
    """Files by stage (C-3) and county: a county's officers their own county; township officers the files
    waiting for their check."""
    return Reply(call.rpc("child_welfare").children(parsed_query(call, queries.ChildrenQuery), call.actor()))


def tasks(call: Call) -> Reply:
    """Overdue checks, decisions, visits and renewals; children turning 18 within 90 days (C-3, C-6, C-7)."""
    return Reply(call.rpc("child_welfare").tasks(call.query.get("as_of")))


_CHILD = f"{PREFIX}/children/<child>"

ROUTES = [
    *command_routes("child_welfare", COMMANDS),
    Route("GET", f"{PREFIX}/children", "child_welfare.list_children", OFFICERS | {"township_officer"}, children,
          query=queries.ChildrenQuery, response=responses.ChildList),
    Route("GET", _CHILD, "child_welfare.read_child", OFFICERS, read_child, subject="child",
          response=responses.ChildFile),
    Route("GET", f"{_CHILD}/allowances", "child_welfare.allowances", OFFICERS, allowances,
          query=queries.AllowancesQuery, subject="child", response=responses.Allowances),
    Route("GET", f"{PREFIX}/payroll", "child_welfare.payroll", OFFICERS, payroll, query=queries.PayrollQuery,
          response=responses.Payroll),
    Route("GET", f"{PREFIX}/tasks", "child_welfare.tasks", OFFICERS, tasks, query=queries.TasksQuery,
          response=responses.Tasks),
]
