"""deploy/k8s: both overlays render with kustomize and validate against the Kubernetes schemas; production has
the replicas, probes, requests, budgets, policies, migration Job and Secret references issue 18 asks for."""

import copy

import pytest

from deploy.checks import manifests
from services import SERVICES


@pytest.fixture(scope="module")
def production():
    return manifests.render("production")


@pytest.fixture(scope="module")
def dev():
    return manifests.render("dev")


def deployments(resources):
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == "Deployment"}


def test_both_overlays_validate_against_the_kubernetes_schemas(production, dev):
    assert manifests.schema_problems(production) == []
    assert manifests.schema_problems(dev) == []


def test_the_schema_check_catches_a_wrong_field():
    broken = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
              "spec": {"replicas": "two", "selector": {}, "template": {}}}
    assert manifests.schema_problems([broken])[0].startswith("Deployment/x: 'two' is not of type")


def test_every_registered_service_runs_in_both_overlays(production, dev):
    for resources in (production, dev):
        ran = sorted(d["spec"]["template"]["spec"]["containers"][0]["args"][1] for d in deployments(resources).values())
        assert ran == sorted(s.name for s in SERVICES)


def test_dev_runs_single_replicas_and_production_keeps_its_rules(production, dev):
    assert {d["spec"]["replicas"] for d in deployments(dev).values()} == {1}
    assert manifests.production_problems(production) == []


def test_production_rules_catch_a_single_replica_a_missing_probe_and_a_missing_budget(production):
    weakened = copy.deepcopy(production)
    marriage = deployments(weakened)["marriage"]
    marriage["spec"]["replicas"] = 1
    del marriage["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]
    weakened = [r for r in weakened if not (r["kind"] == "PodDisruptionBudget" and r["metadata"]["name"] == "funeral")]
    assert sorted(manifests.production_problems(weakened)) == [
        "Deployment/funeral: no PodDisruptionBudget selects it",
        "Deployment/marriage: container civreg has no livenessProbe",
        "Deployment/marriage: fewer than 2 replicas",
    ]


def test_credentials_come_only_from_secret_references(production):
    assert manifests.literal_secrets(production) == []
    leaked = copy.deepcopy(production)
    deployments(leaked)["gateway"]["spec"]["template"]["spec"]["containers"][0]["env"].append(
        {"name": "AMQP_URI", "value": "amqp://guest:guest@rabbitmq/"})
    assert manifests.literal_secrets(leaked) == ["Deployment/gateway: AMQP_URI is a literal, not a secretKeyRef"]


def test_services_reach_only_the_broker_and_the_database_and_only_the_gateway_accepts_connections(production):
    policies = {r["metadata"]["name"]: r["spec"] for r in production if r["kind"] == "NetworkPolicy"}
    egress_ports = sorted(port["port"] for spec in policies.values() for rule in spec.get("egress", [])
                          for port in rule["ports"])
    assert egress_ports == [53, 53, 5432, 5672]
    ingress = [(name, spec["podSelector"]) for name, spec in policies.items() if spec.get("ingress")]
    assert ingress == [("gateway-ingress", {"matchLabels": {"app.kubernetes.io/name": "gateway"}}),
                       ("services-metrics", {"matchLabels": {"app.kubernetes.io/component": "service"}})]
    # The services accept Prometheus alone, on their metrics port alone.
    [rule] = policies["services-metrics"]["ingress"]
    assert rule == {"from": [{"namespaceSelector": {"matchLabels": {"civreg.io/monitoring": "true"}}}],
                    "ports": [{"protocol": "TCP", "port": 9100}]}


def test_every_service_exposes_its_metrics_port_to_prometheus(production):
    for name, deployment in deployments(production).items():
        if name == "gateway":
            continue  # its /metrics is on its HTTP port
        template = deployment["spec"]["template"]
        [container] = template["spec"]["containers"]
        env = {item["name"]: item.get("value") for item in container["env"]}
        assert env["METRICS_PORT"] == template["metadata"]["annotations"]["prometheus.io/port"] == "9100", name
        assert env["METRICS_HOST"] == "0.0.0.0", name
        assert {"name": "metrics", "containerPort": 9100, "protocol": "TCP"} in container["ports"], name


def test_the_migration_job_migrates_then_declares_the_topology(production):
    job = next(r for r in production if r["kind"] == "Job")
    spec = job["spec"]["template"]["spec"]
    assert [c["args"] for c in spec["initContainers"] + spec["containers"]] == [["migrate"], ["declare"]]
