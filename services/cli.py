"""`civreg`: the operator's command line — migrate, declare the broker topology, run a service, dead letters.

    civreg migrate                 apply pending SQL migrations of every service (creates the database)
    civreg declare                 declare exchanges and every subscription's queues on RabbitMQ
    civreg run SERVICE             run one service in the foreground (what `make up` starts)
    civreg dead-letters list       list dead-lettered messages of every subscription
    civreg dead-letters replay     send them back to their queues (--queue, --event-id to narrow)
    civreg wait-http URL           wait until URL answers 200 (used by `make up`)
    civreg marriage-import FILE    import paper-era marriage records from a CSV file (M-12)
    civreg timeline-rebuild        rebuild the timeline projection from every source store, then switch over

Settings come from the environment: DATABASE_ADMIN_URL (migrations; default the local `civreg` database),
AMQP_URI, CIVREG_NAMESPACE; `run` reads the service's own config.yaml (see shared/config.py).
"""

import shared.bootstrap  # noqa: F401, I001 - first: eventlet and psycopg's wait function

import argparse
import os
import sys
import time
import urllib.request

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from services import SERVICES, spec
from shared.db import DEFAULT_NAMESPACE
from shared.nameko_ext.settings import DEFAULT_AMQP_URI, DEFAULT_DATABASE_URL


def _admin_url() -> str:
    return os.environ.get("DATABASE_ADMIN_URL", DEFAULT_DATABASE_URL)


def _amqp_uri() -> str:
    return os.environ.get("AMQP_URI", DEFAULT_AMQP_URI)


def _namespace() -> str:
    return os.environ.get("CIVREG_NAMESPACE", DEFAULT_NAMESPACE)


def ensure_database(url: str) -> None:
    """Create the database named in `url` if it does not exist (connecting to `postgres` to do it)."""
    name = conninfo_to_dict(url).get("dbname")
    try:
        psycopg.connect(url, connect_timeout=5).close()
        return
    except psycopg.OperationalError as exc:
        if not name or "does not exist" not in str(exc):
            raise
    with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    print(f"created database {name}")


def cmd_migrate(args: argparse.Namespace) -> int:
    from shared.migrations import migrate_service, migrations_of

    url = _admin_url()
    ensure_database(url)
    for service in SERVICES:
        if args.service and service.name != args.service:
            continue
        applied = migrate_service(
            url, _namespace(), service.name,
            migrations_of(service.name, service.directory, event_store=service.event_store),
        )
        print(f"{service.name}: {', '.join(applied) if applied else 'up to date'}")
    return 0


def cmd_declare(args: argparse.Namespace) -> int:
    from services.topology import declare

    queues = declare(_amqp_uri())
    print(f"declared {len(queues)} subscription queue(s) and the event exchanges")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from nameko.cli.run import run

    from services.topology import service_class
    from shared.bootstrap import assert_cooperative
    from shared.config import load_config
    from shared.logging import configure_logging

    service = spec(args.service)
    config = load_config(args.config or service.config_file)
    configure_logging(service.name, str(config.get("LOG_LEVEL", "INFO")))
    assert_cooperative()
    run([service_class(service)], config)
    return 0


def cmd_dead_letters(args: argparse.Namespace) -> int:
    from services.topology import all_subscriptions
    from shared.deadletters import list_dead_letters, replay_dead_letters

    chosen = [q for q in all_subscriptions() if not args.queue or q.name == args.queue]
    if args.queue and not chosen:
        print(f"no subscription queue named {args.queue}", file=sys.stderr)
        return 2
    for queues in chosen:
        if args.action == "list":
            letters = list_dead_letters(_amqp_uri(), queues)
        else:
            letters = replay_dead_letters(_amqp_uri(), queues, event_id=args.event_id)
        for letter in letters:
            verb = "replayed" if args.action == "replay" else "dead"
            print(f"{verb}\t{letter.queue}\t{letter.event_type}\t{letter.event_id}\t"
                  f"attempts={letter.attempts}\t{letter.error.splitlines()[-1] if letter.error else ''}")
    return 0


def cmd_timeline_rebuild(args: argparse.Namespace) -> int:
    from services.timeline.adapters.rebuild import RebuildRunning, rebuild_namespace

    last = [0.0]

    def progress(source: str, copied: int, total: int, seconds: float) -> None:
        if copied == total or seconds - last[0] >= 1:
            last[0] = seconds
            print(f"{source}: {copied}/{total} events, {seconds:.1f} s", flush=True)

    try:
        report = rebuild_namespace(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), _namespace(), progress)
    except RebuildRunning as exc:
        print(exc, file=sys.stderr)
        return 2
    rate = report.events / report.seconds if report.seconds else 0
    print(f"timeline generation {report.generation} is live: {report.events} events in {report.seconds:.1f} s"
          f" ({rate:.0f} events/s)")
    return 0


def cmd_wait_http(args: argparse.Namespace) -> int:
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(args.url, timeout=2) as response:
                if response.status == 200:
                    return 0
        except OSError:
            pass
        time.sleep(0.5)
    print(f"{args.url} did not answer 200 within {args.timeout} s", file=sys.stderr)
    return 1


def cmd_marriage_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from services.marriage.application.import_file import import_file
    from shared.db import Database, DatabaseSettings, schema_name
    from shared.eventstore.postgres import PostgresEventStore

    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    db = Database(DatabaseSettings(url, schema_name(_namespace(), "marriage"), max_size=args.workers))
    results = open(args.results, "w", newline="", encoding="utf-8") if args.results else None  # noqa: SIM115
    try:
        actor = f"import.{os.environ.get('USER', 'operator')}"
        totals = import_file(PostgresEventStore(db), Path(args.file), actor, batch_size=args.batch_size,
                             workers=args.workers, results=results)
    finally:
        db.close()
        if results:
            results.close()
    print(f"imported {totals.imported}, already imported {totals.already_imported}, conflicts {totals.conflict}, "
          f"invalid {totals.invalid} of {totals.read} rows" + (f"; details in {args.results}" if args.results else ""))
    return 0 if totals.conflict == totals.invalid == 0 else 3


def cmd_docs(args: argparse.Namespace) -> int:
    """Regenerate the documents rendered from the contracts; with --check, fail (1) if one is stale."""
    from services import asyncapi, event_docs

    writers = {"events": (event_docs.EVENTS_MD, event_docs.render), "asyncapi": (asyncapi.ASYNCAPI_JSON,
                                                                                  asyncapi.render)}
    stale = []
    for name in writers if args.document == "all" else [args.document]:
        path, render = writers[name]
        text = render()
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(str(path.relative_to(path.parents[1])))
            if not args.check:
                path.write_text(text, encoding="utf-8")
    verb = "stale" if args.check else "written"
    print(f"{verb}: {', '.join(stale)}" if stale else "up to date")
    return 1 if stale and args.check else 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="civreg", description=__doc__.splitlines()[0])
    commands = root.add_subparsers(dest="command", required=True)
    migrate = commands.add_parser("migrate", help="apply SQL migrations")
    migrate.add_argument("--service", choices=[s.name for s in SERVICES])
    migrate.set_defaults(func=cmd_migrate)
    commands.add_parser("declare", help="declare the RabbitMQ topology").set_defaults(func=cmd_declare)
    run = commands.add_parser("run", help="run one service")
    run.add_argument("service", choices=[s.name for s in SERVICES])
    run.add_argument("--config", help="YAML configuration (default: the service's config.yaml)")
    run.set_defaults(func=cmd_run)
    dead = commands.add_parser("dead-letters", help="list or replay dead-lettered messages")
    dead.add_argument("action", choices=["list", "replay"])
    dead.add_argument("--queue", help="one subscription queue (default: all)")
    dead.add_argument("--event-id", help="replay only this event")
    dead.set_defaults(func=cmd_dead_letters)
    commands.add_parser("timeline-rebuild", help="rebuild the timeline projection, then switch over").set_defaults(
        func=cmd_timeline_rebuild)
    wait = commands.add_parser("wait-http", help="wait for an HTTP 200")
    wait.add_argument("url")
    wait.add_argument("--timeout", type=float, default=60)
    wait.set_defaults(func=cmd_wait_http)
    marriage_import = commands.add_parser("marriage-import", help="import paper-era marriage records (CSV)")
    marriage_import.add_argument("file", help="CSV with the columns of services/marriage/domain/imports.py")
    marriage_import.add_argument("--batch-size", type=int, default=1000, help="records per transaction (1-1000)")
    marriage_import.add_argument("--workers", type=int, default=2, help="batches committed at once (1-8)")
    marriage_import.add_argument("--results", help="write the rows not imported (conflicts, invalid) to this CSV")
    marriage_import.set_defaults(func=cmd_marriage_import)
    docs = commands.add_parser("docs", help="regenerate docs/events.md and docs/asyncapi.json from the contracts")
    docs.add_argument("document", nargs="?", choices=["events", "asyncapi", "all"], default="all")
    docs.add_argument("--check", action="store_true", help="only say whether they are stale (exit 1 if so)")
    docs.set_defaults(func=cmd_docs)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
