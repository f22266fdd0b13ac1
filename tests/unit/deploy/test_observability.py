"""deploy/observability: the Grafana dashboard and the Prometheus alert rules load, cover relay lag, dead-letter
depth, projector lag and the 5xx rate, and name only metrics the gateway exposes today or that are declared
to come (deploy/observability/metrics-to-come.yaml)."""

from deploy.checks import observability as obs


def test_the_dashboard_and_the_rules_name_only_known_metrics():
    assert obs.check() == []


def test_every_named_metric_is_exposed_today_or_declared():
    known = obs.exposed_today() | obs.declared()["to_come"] | obs.declared()["external"]
    named = {name for expr in obs.dashboard_expressions() + [r["expr"] for r in obs.alert_rules()]
             for name in obs.metric_names(expr)}
    assert named and named <= known
    assert "civreg_http_requests_total" in named & obs.exposed_today()  # the 5xx rate is real today


def test_a_typo_in_a_query_is_caught():
    assert obs.unknown_metrics(['sum(rate(civreg_http_request_total{status=~"5.."}[5m]))'],
                               obs.exposed_today()) == [
        'unknown metric civreg_http_request_total in: sum(rate(civreg_http_request_total{status=~"5.."}[5m]))']


def test_metric_names_skip_functions_labels_keywords_and_numbers():
    expr = ('histogram_quantile(0.99, sum by (le, route) (rate(a_bucket{route="/x", le!="1"}[5m])))'
            ' / clamp_min(b_total offset 5m, 1e-9) > 0 and on(service) c')
    assert obs.metric_names(expr) == {"a_bucket", "b_total", "c"}


def test_alerts_cover_relay_lag_dead_letters_projector_lag_and_5xx_each_with_severity_and_summary():
    rules = obs.alert_rules()
    assert obs.rule_problems(rules) == []
    exprs = " ".join(r["expr"] for r in rules)
    for metric in ("civreg_outbox_relay_lag_events", "civreg_dead_letter_messages", "civreg_projector_lag_events"):
        assert metric in exprs
    assert 'civreg_http_requests_total{status=~"5.."}' in exprs
    assert obs.rule_problems([{"alert": "X", "expr": "up"}]) == [
        "alert X: missing annotations, for, labels"]


def test_the_dashboard_shows_the_same_four_signals():
    exprs = " ".join(obs.dashboard_expressions())
    for metric in ("civreg_outbox_relay_lag_events", "civreg_dead_letter_messages", "civreg_projector_lag_events",
                   'civreg_http_requests_total{status=~"5.."}'):
        assert metric in exprs
