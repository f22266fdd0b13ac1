"""Two instances of every service that consumes events, consuming at once under a steady load (issue 17):
nothing lost, nothing applied twice, and each stream's events applied in their order.

The consumers and what feeds them here (services/*/service.py, `@subscribe`):
- marriage and child welfare: a court's death declaration and its revocation (funeral, one stream each);
- vagrant aid: the declaration (D-9);
- funeral and child welfare: a relief station's minor referred, identified and collected by family (one case
  stream);
- the timeline: all of it. Adoption consumes no events (its two queues are RPC only), so it is not run twice.

Each client, in turn, registers a marriage, has the husband declared dead by a court and the declaration
revoked, and takes in a child who is then identified and collected. Mid-load the first instance of every consumer gets
SIGTERM (it drains; its twin goes on consuming) and is started again. Asserted once the load stops:
- per subscription of every consumer: the events of its types in the source store are exactly the ones it
  recorded as applied (`processed_events`), each once, and in each stream in version order — the test adds an
  `applied_order` sequence column to every consumer's `processed_events`, filled as each row is written;
- the effects that depend on order: every wife is married again (the revocation after the declaration), every
  child's file is closed by the collection (after the referral), one each;
- nothing dead-lettered, no 500.
"""

from __future__ import annotations

import datetime as dt
import threading

import psycopg
import pytest
import requests

from services.child_welfare.service import ChildWelfareService
from services.funeral.service import FuneralService
from services.marriage.service import MarriageService
from services.timeline.service import TimelineService
from services.topology import subscriptions_of
from services.vagrant_aid.service import VagrantAidService
from shared.business_dates import local_today
from tests.support.fault_stack import dead_letters, fault_links, fault_world, processes
from tests.support.faults import DeathLoad
from tests.support.infrastructure import ADMIN_URL
from tests.support.stack import principal_token
from tests.support.synthetic_ids import synthetic_id_number
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CONSUMERS = {"marriage": MarriageService, "child_welfare": ChildWelfareService, "funeral": FuneralService,
             "vagrant_aid": VagrantAidService, "timeline": TimelineService}
SCHEMAS = (*CONSUMERS, "gateway")


def bearer(role: str, **where: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {principal_token(role, **where)}"}


CLERK = bearer("marriage_clerk", office="MR-610502")
COURTS = {**bearer("bureau", bureau="courts"), "X-Purpose": "entering a judgment"}
REGISTRAR = bearer("marriage_registrar")
STAFF = bearer("relief_staff", office="RS-610500")
OFFICER = bearer("child_welfare_officer")


def day(offset: int) -> str:
    return (local_today() + dt.timedelta(days=offset)).isoformat()


class ConsumersLoad(DeathLoad):
    """Clients whose every round feeds every consumer (the module docstring); `accepted` maps each wife to her
    declaration, `children` lists the referred children's subject ids."""

    def __init__(self, base_url: str, clients: int = 3) -> None:
        super().__init__(base_url, clients)
        self.children: list[str] = []
        self._judgments = iter(range(1, 100_000))
        self._judgments_lock = threading.Lock()

    def _judgment(self) -> str:
        with self._judgments_lock:
            return f"(2026)陕0502民特{next(self._judgments)}号"

    def _register(self, session: requests.Session) -> None:
        husband, wife = synthetic_id_number(sex="male"), synthetic_id_number(sex="female")
        self._send(session, "/v1/marriage/registrations", {
            "office": "MR-610502", "declaration_signed": True, "registered_on": day(-29),
            "parties": [{"id_number": husband, "name": "王建国"}, {"id_number": wife, "name": "李秀兰"}]},
            (200, 201), CLERK)
        declared = self._send(session, "/v1/court-declarations", {
            "kind": "death", "id_number": husband, "court": "渭南市临渭区人民法院",
            "judgment_ref": self._judgment(), "judgment_on": day(-20)}, (200, 201), COURTS).json()
        self._send(session, f"/v1/court-declarations/{declared['declaration_id']}/revocation", {
            "court": "渭南市临渭区人民法院", "judgment_ref": self._judgment(), "revoked_on": day(-5)},
            (200, 201), REGISTRAR)
        case = self._send(session, "/v1/vagrant-aid/cases", {
            "station": "RS-610500", "source": "patrol", "consent": False,
            "person": {"sex": "male", "estimated_age": 9}}, (200, 201), STAFF).json()
        child = synthetic_id_number(born=local_today() - dt.timedelta(days=9 * 365))
        self._send(session, f"/v1/vagrant-aid/cases/{case['case_id']}/identification", {
            "id_number": child, "method": "police"}, (200, 201), STAFF)
        self._send(session, f"/v1/vagrant-aid/cases/{case['case_id']}/exit", {
            "kind": "collected", "collected_by": "王大山", "relation": "father"}, (200, 201), STAFF)
        with self._lock:
            self.outcomes.accepted[wife] = declared["declaration_id"]
            self.children.append(case["subject_id"])


def record_the_order_of_application(namespace) -> None:
    """Every consumer's `processed_events` numbers its rows as they are written (test instrumentation)."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        for consumer in CONSUMERS:
            schema = f"{namespace.name}_{consumer}"
            conn.execute(f"ALTER TABLE {schema}.processed_events ADD COLUMN applied_order bigserial")
            conn.execute(f"GRANT USAGE ON SEQUENCE {schema}.processed_events_applied_order_seq TO {schema}")


def consumption_faults(namespace, ordered: dict[str, int] | None = None) -> list[str]:
    """What every subscription of every consumer got wrong so far: events of its types in the source store not
    applied (or applied twice, or not in their stream's order). Empty once everything is consumed. `ordered`
    receives, per consumer, how many streams of more than one event its order was checked on."""
    faults = []
    ordered = {} if ordered is None else ordered
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        for consumer, service in CONSUMERS.items():
            for queues in subscriptions_of(service):
                if queues.source not in SCHEMAS:
                    continue  # adoption's: nothing in this world publishes there
                every = "#" in queues.event_types
                source = conn.execute(
                    f"SELECT event_id, stream_id, stream_version FROM {namespace.name}_{queues.source}.events"
                    " WHERE %s OR event_type = ANY(%s)", (every, list(queues.event_types))).fetchall()
                applied = conn.execute(
                    f"SELECT event_id, applied_order FROM {namespace.name}_{consumer}.processed_events"
                    " WHERE subscription = %s", (queues.name,)).fetchall()
                order = dict(applied)
                if len(order) != len(applied):
                    faults.append(f"{queues.name}: an event applied twice")
                missing = {row[0] for row in source} - set(order)
                if missing or set(order) - {row[0] for row in source}:
                    faults.append(f"{queues.name}: {len(missing)} of {len(source)} events not applied")
                    continue
                streams: dict[str, list[tuple[int, int]]] = {}
                for event_id, stream_id, version in source:
                    streams.setdefault(stream_id, []).append((version, order[event_id]))
                for stream_id, applied_in in streams.items():
                    ordered[consumer] = ordered.get(consumer, 0) + (len(applied_in) > 1)
                    if [position for _, position in sorted(applied_in)] != sorted(p for _, p in applied_in):
                        faults.append(f"{queues.name}: {stream_id} applied out of order")
    return faults


def order_dependent_effects(base_url: str, load: ConsumersLoad) -> list[str]:
    """Wives not married again, children whose file the collection did not close."""
    faults = []
    with requests.Session() as session:
        for wife in load.outcomes.accepted:
            answer = session.get(f"{base_url}/v1/marriage/persons/{wife}/status", headers=CLERK, timeout=30)
            if answer.status_code != 200 or answer.json()["marital_status"] != "married":
                faults.append(f"{wife}: {answer.status_code} {answer.text[:120]}")
        for child in load.children:
            answer = session.get(f"{base_url}/v1/child-welfare/children/{child}", headers=OFFICER, timeout=30)
            if answer.status_code != 200 or answer.json()["status"] != "terminated":
                faults.append(f"{child}: {answer.status_code} {answer.text[:120]}")
    return faults


def test_two_instances_of_every_consumer_apply_every_event_once_in_stream_order(tmp_path):
    with fault_world(SCHEMAS) as world, fault_links() as links:
        namespace, vhost = world
        record_the_order_of_application(namespace)
        names = [name for consumer in CONSUMERS for name in (consumer, f"{consumer}-2")]
        # Ten service processes beside other runs: small pools keep them within PostgreSQL's connections.
        with processes(world, links, tmp_path, ["gateway", *names], DATABASE_POOL__MAX_SIZE="3") as running:
            with ConsumersLoad(running.base_url) as load:
                load.accepted_at_least(6, timeout=300)
                # SIGTERM mid-load, to every first instance at once: each drains, its twin consumes meanwhile
                running.stop_together(CONSUMERS)
                for consumer in CONSUMERS:
                    running.start(consumer)
                load.accepted_at_least(len(load.outcomes.accepted) + 6, timeout=300)
            wait_until(lambda: not consumption_faults(namespace), timeout=180, what="every event consumed")
            ordered: dict[str, int] = {}
            assert consumption_faults(namespace, ordered) == []
            # Order was checked on streams of several events: declarations with their revocations (marriage,
            # child welfare, the timeline), relief cases (funeral, child welfare, the timeline). Vagrant aid
            # consumes one event of a declaration's stream only.
            assert all(ordered.get(consumer, 0) > 0 for consumer in CONSUMERS if consumer != "vagrant_aid"), ordered
            assert order_dependent_effects(running.base_url, load) == []
            assert len(load.children) == len(load.outcomes.accepted) >= 12
        assert dead_letters(vhost, CONSUMERS.values()) == 0
        assert load.outcomes.answers.get(500, 0) == 0, load.outcomes.answers
