#!/usr/bin/env bash
# Make sure the local PostgreSQL and RabbitMQ are reachable; start them if they are installed but stopped.
# Otherwise say exactly what to do. Used by `make up`, `make test` and .ci/run.
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
AMQP_HOST=${AMQP_HOST:-127.0.0.1}
AMQP_PORT=${AMQP_PORT:-5672}
MANAGEMENT_PORT=${RABBITMQ_MANAGEMENT_PORT:-15672}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
local_cluster() { command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; }
cluster_version() { ls /etc/postgresql | sort -V | tail -n 1; }

wait_for() {  # name host port seconds
    for _ in $(seq 1 "$4"); do port_open "$2" "$3" && return 0; sleep 1; done
    echo "$1 did not come up on $2:$3 within $4 s" >&2
    return 1
}

# PostgreSQL accepts connections some moments after its port opens (recovery, "the database system is starting
# up"): wait for pg_isready itself, after a start and after a restart alike.
wait_for_postgres() {  # seconds
    for _ in $(seq 1 "$1"); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && return 0; sleep 1; done
    echo "PostgreSQL did not accept connections on $PGHOST:$PGPORT within $1 s" >&2
    return 1
}

if ! pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then
    if local_cluster; then
        version=$(cluster_version)
        echo "starting PostgreSQL $version ..."
        pg_ctlcluster --skip-systemctl-redirect "$version" main start
        wait_for_postgres 30
    else
        cat >&2 <<MSG
PostgreSQL is not reachable on $PGHOST:$PGPORT and no local cluster is installed.
Install PostgreSQL 15 (e.g. apt-get install postgresql) or point PGHOST/PGPORT, DATABASE_URL and
DATABASE_ADMIN_URL at a running server, then run this again.
MSG
        exit 1
    fi
fi

# `make test` runs two shards at once, each starting whole stacks of services with their connection pools
# (tests/run_suite.sh), and together they can pass PostgreSQL's default of 100 connections ("remaining
# connection slots are reserved"). A local cluster below CONNECTIONS is raised to it, once: it takes a restart.
CONNECTIONS=${CIVREG_PG_MAX_CONNECTIONS:-300}
if local_cluster; then
    current=$(psql -h "$PGHOST" -p "$PGPORT" -d postgres -Atc "SHOW max_connections" 2>/dev/null || true)
    if [ -n "$current" ] && [ "$current" -lt "$CONNECTIONS" ]; then
        if psql -h "$PGHOST" -p "$PGPORT" -d postgres -qc "ALTER SYSTEM SET max_connections = $CONNECTIONS" 2>/dev/null
        then
            echo "raising PostgreSQL's max_connections from $current to $CONNECTIONS (a restart) ..."
            pg_ctlcluster --skip-systemctl-redirect "$(cluster_version)" main restart
            wait_for_postgres 30
        else
            echo "PostgreSQL allows $current connections and this user may not raise it; the test suite may need" \
                 "$CONNECTIONS (ALTER SYSTEM SET max_connections, then a restart)" >&2
        fi
    fi
fi

if ! port_open "$AMQP_HOST" "$AMQP_PORT"; then
    if command -v rabbitmq-server >/dev/null; then
        echo "starting RabbitMQ ..."
        rabbitmq-server -detached
        wait_for RabbitMQ "$AMQP_HOST" "$AMQP_PORT" 60
        # The port opens before the broker accepts logins; wait until it does.
        command -v rabbitmq-diagnostics >/dev/null && rabbitmq-diagnostics -q check_running >/dev/null 2>&1 || sleep 2
    else
        cat >&2 <<MSG
RabbitMQ is not reachable on $AMQP_HOST:$AMQP_PORT and is not installed here.
Install it (e.g. apt-get install rabbitmq-server) or set AMQP_URI to a running broker, then run this again.
MSG
        exit 1
    fi
fi
# RabbitMQ's management API, as the deployed image (deploy/compose.yaml) serves it: the tests make and delete
# their virtual hosts through it (tests/support/infrastructure.py), milliseconds a call where rabbitmqctl takes
# most of a second. Enabling the plugin persists it and needs no restart.
if ! port_open "$AMQP_HOST" "$MANAGEMENT_PORT"; then
    if command -v rabbitmq-plugins >/dev/null; then
        echo "enabling RabbitMQ's management plugin ..."
        rabbitmq-plugins -q enable rabbitmq_management >/dev/null
        wait_for "RabbitMQ's management API" "$AMQP_HOST" "$MANAGEMENT_PORT" 60
    else
        cat >&2 <<MSG
RabbitMQ's management API is not reachable on $AMQP_HOST:$MANAGEMENT_PORT and rabbitmq-plugins is not here.
Enable the rabbitmq_management plugin on the broker (or set RABBITMQ_MANAGEMENT_PORT), then run this again.
MSG
        exit 1
    fi
fi
echo "PostgreSQL $PGHOST:$PGPORT and RabbitMQ $AMQP_HOST:$AMQP_PORT (management :$MANAGEMENT_PORT) are reachable"
