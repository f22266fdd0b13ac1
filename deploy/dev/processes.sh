#!/usr/bin/env bash
# Start, stop and report civreg's processes on this machine, by process id (.run/<service>.pid).
# start is idempotent: a service whose recorded process is alive is left alone.
set -euo pipefail
cd "$(dirname "$0")/../.."

action=$1; shift
RUN_DIR=.run
mkdir -p "$RUN_DIR"

# Each service's Prometheus metrics on a port of its own (shared/nameko_ext/metrics.py): METRICS_PORT_BASE + n.
# The gateway serves its own on its HTTP port (/metrics).
METRICS_PORT_BASE=${METRICS_PORT_BASE:-9100}
metrics_port() {
    case "$1" in
    marriage) echo $((METRICS_PORT_BASE + 1)) ;;
    child_welfare) echo $((METRICS_PORT_BASE + 2)) ;;
    funeral) echo $((METRICS_PORT_BASE + 3)) ;;
    vagrant_aid) echo $((METRICS_PORT_BASE + 4)) ;;
    timeline) echo $((METRICS_PORT_BASE + 5)) ;;
    adoption) echo $((METRICS_PORT_BASE + 6)) ;;
    *) echo "" ;;
    esac
}

alive() { [ -f "$RUN_DIR/$1.pid" ] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }

for service in "$@"; do
    pidfile="$RUN_DIR/$service.pid"
    case "$action" in
    start)
        if alive "$service"; then
            echo "$service: already running (pid $(cat "$pidfile"))"
            continue
        fi
        # setsid: the service outlives the shell that started it and can be stopped as a group.
        port=$(metrics_port "$service")
        METRICS_PORT=$port setsid .venv/bin/civreg run "$service" >>"$RUN_DIR/$service.log" 2>&1 < /dev/null &
        echo $! >"$pidfile"
        echo "$service: started (pid $!, log $RUN_DIR/$service.log${port:+, metrics http://127.0.0.1:$port/metrics})"
        ;;
    stop)
        if alive "$service"; then
            pid=$(cat "$pidfile")
            kill -TERM "$pid"
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
            kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
            echo "$service: stopped (pid $pid)"
        else
            echo "$service: not running"
        fi
        rm -f "$pidfile"
        ;;
    status)
        if alive "$service"; then echo "$service: running (pid $(cat "$pidfile"))"; else echo "$service: stopped"; fi
        ;;
    *)
        echo "usage: $0 start|stop|status SERVICE..." >&2
        exit 2
        ;;
    esac
done
