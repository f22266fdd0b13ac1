#!/usr/bin/env bash
# `make test`'s pytest run: the suite as two pytest processes at once, one per core.
#
# Most of the suite's time is one Python process: the gateway and the services of an end-to-end module run
# as nameko containers inside pytest itself (tests/support/stack.py), so a single run keeps about one core
# busy while PostgreSQL and RabbitMQ leave the other half idle. The two shards below are whole directories,
# chosen by their measured durations (`pytest --durations`): the schemathesis contract run, the fault
# tests and most browser journeys in one, everything else in the other. Each shard is a test run of its own
# (its own schemas and virtual hosts, tests/support/infrastructure.py), so they never see each other's data.
#
# Extra arguments go to both shards (`tests/run_suite.sh -x`). CIVREG_TEST_SHARDS=1 runs one process.
set -uo pipefail
cd "$(dirname "$0")/.."

PYTEST=${PYTEST:-.venv/bin/pytest}
HEAVY=(tests/e2e/contract tests/e2e/faults)
# The browser journeys too, but for two that the other shard takes, which evens the two out (measured: 794 s
# against 910 s with all of them here; since virtual hosts are made through the management API, 804 s for this
# shard and 789 s for the other, on a two-core machine).
for journey in tests/e2e/workbench/test_*.py; do
    case $journey in
        */test_workbench_roles.py | */test_workbench_declarations.py) ;;
        *) HEAVY+=("$journey") ;;
    esac
done

if [ "${CIVREG_TEST_SHARDS:-2}" = 1 ]; then
    exec "$PYTEST" tests/unit tests/integration tests/e2e -q "$@"
fi

ignored=()
for directory in "${HEAVY[@]}"; do ignored+=("--ignore=$directory"); done

log=$(mktemp -t civreg-test-shard.XXXXXX)
trap 'rm -f "$log"' EXIT

# The heavy shard writes to a file and is shown whole when it ends; the other one prints as it goes.
"$PYTEST" "${HEAVY[@]}" -q "$@" >"$log" 2>&1 &
heavy=$!
trap 'kill "$heavy" 2>/dev/null; rm -f "$log"' EXIT  # an interrupted run leaves no shard running
"$PYTEST" tests/unit tests/integration tests/e2e "${ignored[@]}" -q "$@"
rest=$?
wait "$heavy"
heavy_status=$?

echo
echo "== shard: the contract run, the fault tests, the browser journeys =="
cat "$log"
echo
echo "pytest exit status: the rest $rest, the contract, fault and browser shard $heavy_status"
# pytest exits 5 when a shard collected no test (a directory emptied by a selection): that is not a failure.
for status in "$rest" "$heavy_status"; do
    if [ "$status" != 0 ] && [ "$status" != 5 ]; then exit "$status"; fi
done
