"""The Grafana dashboard and the Prometheus alert rules name only metrics that exist or are declared to come.

"Exist" is read off the gateway's real exposition (services/gateway/metrics.py, one request observed) and the
services' declared families (shared/nameko_ext/metrics.py), not a hand-kept list; "to come" and "external"
are deploy/observability/metrics-to-come.yaml. A renamed metric or a
typo in a query fails here instead of leaving a panel silently empty.
"""

from __future__ import annotations

import json
import re

import yaml

from deploy.checks import REPO_ROOT, report

OBSERVABILITY = REPO_ROOT / "deploy" / "observability"
_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool",
             "offset", "inf", "nan"}


def metric_names(expr: str) -> set[str]:
    """Metric names a PromQL expression selects: identifiers that are not functions, keywords or labels."""
    expr = re.sub(r'"(?:\\.|[^"\\])*"', '""', expr)  # strings (label values, regexes)
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # range selectors
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", expr):
        rest = expr[match.end():].lstrip()
        if rest.startswith("(") or match.group() in _KEYWORDS:
            continue
        if match.start() and (expr[match.start() - 1].isdigit() or expr[match.start() - 1] == "."):
            continue  # the exponent of 1e-9
        names.add(match.group())
    return names


def exposed_today() -> set[str]:
    """Sample names the gateway's /metrics exposes, after one request observed, and those of every service."""
    from prometheus_client.parser import text_string_to_metric_families

    from services.gateway.metrics import HttpMetrics
    from shared.nameko_ext.metrics import sample_names

    metrics = HttpMetrics()
    metrics.observe("GET", "/health", 200, 0.01)
    return {sample.name for family in text_string_to_metric_families(metrics.exposition().decode())
            for sample in family.samples} | sample_names()


def declared() -> dict[str, set[str]]:
    document = yaml.safe_load((OBSERVABILITY / "metrics-to-come.yaml").read_text(encoding="utf-8"))
    return {"to_come": set(document["to_come"]), "external": set(document["external"])}


def dashboard_expressions() -> list[str]:
    dashboard = json.loads((OBSERVABILITY / "grafana-dashboard.json").read_text(encoding="utf-8"))
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def alert_rules() -> list[dict]:
    document = yaml.safe_load((OBSERVABILITY / "alerts.yaml").read_text(encoding="utf-8"))
    return [rule for group in document["groups"] for rule in group["rules"]]


def rule_problems(rules: list[dict]) -> list[str]:
    found = []
    for rule in rules:
        missing = {"alert", "expr", "for", "labels", "annotations"} - rule.keys()
        if missing:
            found.append(f"alert {rule.get('alert')}: missing {', '.join(sorted(missing))}")
        elif "severity" not in rule["labels"] or "summary" not in rule["annotations"]:
            found.append(f"alert {rule['alert']}: needs labels.severity and annotations.summary")
    return found


def unknown_metrics(expressions: list[str], known: set[str]) -> list[str]:
    return sorted({f"unknown metric {name} in: {expr.strip()}" for expr in expressions
                   for name in metric_names(expr) - known})


def check() -> list[str]:
    sets = declared()
    known = exposed_today() | sets["to_come"] | sets["external"]
    rules = alert_rules()
    return (rule_problems(rules) + unknown_metrics(dashboard_expressions(), known)
            + unknown_metrics([r["expr"] for r in rules], known)
            + [f"{name} is declared to come but is already exposed"
               for name in sorted(sets["to_come"] & exposed_today())])


def main() -> int:
    return report(check(), "observability: the dashboard and the alert rules name only known metrics")


if __name__ == "__main__":
    raise SystemExit(main())
