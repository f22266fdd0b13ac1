"""`civreg`: the operator's command line — migrate, declare the broker topology, run a service, dead letters.

    civreg migrate                 apply pending SQL migrations of every service (creates the database)
    civreg declare                 declare exchanges and every subscription's queues on RabbitMQ
    civreg run SERVICE             run one service in the foreground (what `make up` starts)
    civreg dead-letters list       list dead-lettered messages of every subscription
    civreg dead-letters replay     send them back to their queues (--queue, --event-id to narrow)
    civreg wait-http URL           wait until URL answers 200 (used by `make up`)
    civreg healthcheck             the container's health: the gateway's /health, else the broker answering
    civreg marriage-import FILE    import paper-era marriage records from a CSV file (M-12)
    civreg timeline-rebuild        rebuild the timeline projection from every source store, then switch over
    civreg calendar load FILE      load a year's public-holiday calendar (YAML or JSON, rule 0.3); --replace
    civreg calendar show           the calendar's years, shipped or loaded
    civreg audit verify            recompute the hash chains (--service S, --anchor FILE, --jobs N); exit 1 if
                                   broken
    civreg audit anchor            publish the chains' heads as an event and a file (--out FILE)
    civreg accounts ACTION         accounts of people: add, disable, enable, password, list, seed FILE
    civreg clients ACTION          other bureaus' OAuth2 clients: add, disable, list
    civreg keys rotate|secret      a new token signing key; a new key secret (SIGNING_KEY_SECRET)

`civreg --version` names the installed release. `--json` (after the command: `civreg timeline-rebuild --json`)
prints the result as one JSON document on stdout, for a machine to read; progress then goes to stderr. The long
jobs show a progress bar with rate and ETA on a terminal and plain lines elsewhere (services/progress.py).

Settings come from the environment (`OperatorEnvironment`, shared/environment.py): DATABASE_ADMIN_URL (migrations;
default the local `civreg` database), AMQP_URI, CIVREG_NAMESPACE; `run` reads the service's own config.yaml and
the environment over it, checked against the service's typed settings: a misspelt key or a wrong type stops it
with exit status 2, naming the key (shared/config.py).
"""

import os as _os  # noqa: I001 - before eventlet is imported
import sys as _sys

# Every command but `run` is one job in one process, which resolves its few host names before it does anything at
# once: eventlet's green resolver (dnspython, imported patched) serves only the long-running services, and cost
# every other command about 0.2 s of CPU at start — a fifth of `civreg marriage-import`'s start (issue 19).
if _sys.argv[1:2] != ["run"]:
    _os.environ.setdefault("EVENTLET_NO_GREENDNS", "yes")

import shared.bootstrap  # noqa: E402, F401, I001 - first: eventlet and psycopg's wait function

import argparse
import json
import os
import sys
import time
import urllib.request
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, NoReturn

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from services import SERVICES, spec
from shared.collector import exit_frozen
from shared.config import SettingsError
from shared.environment import OperatorEnvironment


def _environment() -> OperatorEnvironment:
    try:
        return OperatorEnvironment()
    except ValueError as exc:  # pydantic's ValidationError names the variable
        raise SystemExit(f"civreg: {exc}") from None


def _admin_url() -> str:
    return _environment().DATABASE_ADMIN_URL


def _amqp_uri() -> str:
    return _environment().AMQP_URI


def _namespace() -> str:
    return _environment().CIVREG_NAMESPACE


def _release() -> str:
    try:
        return version("civreg")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def _emit_json(document: Any) -> None:
    json.dump(document, sys.stdout, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def _progress_stream(args: argparse.Namespace):  # noqa: ANN202 - a text stream
    """Progress goes to stdout for a person, to stderr when stdout carries the JSON result."""
    return sys.stderr if args.json else sys.stdout


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
    applied_by_service = {}
    for service in SERVICES:
        if args.service and service.name != args.service:
            continue
        applied = migrate_service(
            url, _namespace(), service.name,
            migrations_of(service.name, service.directory, event_store=service.event_store),
        )
        applied_by_service[service.name] = list(applied)
        if not args.json:
            print(f"{service.name}: {', '.join(applied) if applied else 'up to date'}")
    if not args.service:
        from shared.calendar_store import REFERENCE, migrate_reference

        applied = migrate_reference(url, _namespace())
        applied_by_service[REFERENCE] = list(applied)
        if not args.json:
            print(f"{REFERENCE}: {', '.join(applied) if applied else 'up to date'}")
        # consumers read their sources' events, and nothing else (least privilege)
        from services.database_access import grant_consumers, set_passwords

        grant_consumers(url, _namespace(), [service.name for service in SERVICES])
        set_passwords(url, _namespace(), [service.name for service in SERVICES], os.environ)
    if args.json:
        _emit_json({"applied": applied_by_service})
    return 0


def cmd_declare(args: argparse.Namespace) -> int:
    from services.topology import declare

    queues, migrated = declare(_amqp_uri())
    if args.json:
        _emit_json({"queues": [q.name for q in queues], "migrated_messages": migrated})
    else:
        print(f"declared {len(queues)} subscription quorum queue(s) and the event exchanges"
              + (f"; {migrated} message(s) migrated from classic queues" if migrated else ""))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from nameko.cli.run import run

    from services.topology import service_class
    from shared.bootstrap import assert_cooperative
    from shared.collector import fewer_collections
    from shared.config import load_settings
    from shared.logging import configure_logging

    service = spec(args.service)
    cls = service_class(service)
    try:  # a misspelt key or a wrong type stops here, named, before anything connects
        settings = load_settings(cls.settings_model, args.config or service.config_file)
    except SettingsError as exc:
        print(f"civreg run {service.name}: configuration refused: {exc}", file=sys.stderr)
        return 2
    configure_logging(service.name, settings.LOG_LEVEL)
    assert_cooperative()
    # Everything imported by now lives as long as the process: frozen, the collector no longer scans it.
    with fewer_collections():
        run([cls], settings.nameko_config())
    return 0


def cmd_dead_letters(args: argparse.Namespace) -> int:
    from services.topology import all_subscriptions
    from shared.deadletters import list_dead_letters, replay_dead_letters

    chosen = [q for q in all_subscriptions() if not args.queue or q.name == args.queue]
    if args.queue and not chosen:
        print(f"no subscription queue named {args.queue}", file=sys.stderr)
        return 2
    found = []
    for queues in chosen:
        if args.action == "list":
            letters = list_dead_letters(_amqp_uri(), queues)
        else:
            letters = replay_dead_letters(_amqp_uri(), queues, event_id=args.event_id)
        found += letters
        for letter in [] if args.json else letters:
            verb = "replayed" if args.action == "replay" else "dead"
            print(f"{verb}\t{letter.queue}\t{letter.event_type}\t{letter.event_id}\t"
                  f"attempts={letter.attempts}\t{letter.error.splitlines()[-1] if letter.error else ''}")
    if args.json:
        from dataclasses import asdict

        _emit_json({"action": args.action, "letters": [asdict(letter) for letter in found]})
    return 0


def cmd_timeline_rebuild(args: argparse.Namespace) -> int:
    from services.progress import Reporter
    from services.timeline.adapters.rebuild import RebuildRunning, rebuild_namespace

    reporter = Reporter(_progress_stream(args))
    trackers = {}

    def progress(source: str, copied: int, total: int, seconds: float) -> None:
        if source not in trackers:
            trackers[source] = reporter.tracker(source, total, "events")
        trackers[source].update(copied, total)

    try:
        with reporter.running():
            report = rebuild_namespace(_environment().DATABASE_URL, _namespace(), progress)
    except RebuildRunning as exc:
        print(exc, file=sys.stderr)
        return 2
    rate = report.events / report.seconds if report.seconds else 0
    if args.json:
        _emit_json({"generation": report.generation, "events": report.events, "seconds": round(report.seconds, 3),
                    "events_per_second": round(rate, 1)})
    else:
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


def cmd_healthcheck(args: argparse.Namespace) -> int:
    """The image's HEALTHCHECK and the Kubernetes probes. The gateway (WEB_SERVER_ADDRESS set) must answer
    200 on /health; a service has no HTTP port, so its check is that its broker answers (a service cut off
    from the broker can neither take commands nor publish)."""
    from kombu import Connection

    address = _environment().WEB_SERVER_ADDRESS
    if address:
        host, _, port = address.rpartition(":")
        url = f"http://{'127.0.0.1' if host in ('', '0.0.0.0') else host}:{port}/health"
        try:
            with urllib.request.urlopen(url, timeout=args.timeout) as response:
                return 0 if response.status == 200 else 1
        except OSError as exc:
            print(f"{url}: {exc}", file=sys.stderr)
            return 1
    try:
        with Connection(_amqp_uri(), connect_timeout=args.timeout) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as exc:  # noqa: BLE001 - any failure to connect is "unhealthy", said on stderr
        print(f"broker: {exc}", file=sys.stderr)
        return 1
    return 0


def _data_lines(path: str) -> int:
    """The lines of a CSV file after its header: the import's progress bar's total, in one quick pass over its
    bytes (0.01 s for 100,000 rows, where parsing them as CSV took 0.11 s, a tenth of the importer's start-up).
    A line break inside a quoted cell counts a row too many; the bar is told the rows read at the end."""
    lines, last = 0, b"\n"
    with open(path, "rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            lines, last = lines + chunk.count(b"\n"), chunk[-1:]
    return max(lines + (last != b"\n") - 1, 0)


def cmd_marriage_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from services.marriage.application.import_file import DEFAULT_WORKERS, import_file
    from services.progress import Reporter
    from shared.db import Database, DatabaseSettings, schema_name
    from shared.eventstore.postgres import PostgresEventStore

    rows = _data_lines(args.file)
    url = _environment().DATABASE_URL
    workers = DEFAULT_WORKERS if args.workers is None else args.workers
    db = Database(DatabaseSettings(url, schema_name(_namespace(), "marriage"), max_size=workers))
    results = open(args.results, "w", newline="", encoding="utf-8") if args.results else None  # noqa: SIM115
    reporter = Reporter(_progress_stream(args))
    try:
        actor = f"import.{os.environ.get('USER', 'operator')}"
        with reporter.running():
            tracker = reporter.tracker("marriage-import", rows, "rows")
            totals = import_file(PostgresEventStore(db), Path(args.file), actor, batch_size=args.batch_size,
                                 workers=workers, results=results, progress=None,
                                 on_batch=lambda running: tracker.update(running.read))
            if totals.read != rows:  # a line break inside a cell or a blank line was counted as a row
                tracker.update(totals.read, totals.read)
    finally:
        db.close()
        if results:
            results.close()
    if args.json:
        _emit_json({"read": totals.read, "imported": totals.imported, "already_imported": totals.already_imported,
                    "conflicts": totals.conflict, "invalid": totals.invalid, "results_file": args.results})
    else:
        print(f"imported {totals.imported}, already imported {totals.already_imported}, conflicts "
              f"{totals.conflict}, invalid {totals.invalid} of {totals.read} rows"
              + (f"; details in {args.results}" if args.results else ""))
    return 0 if totals.conflict == totals.invalid == 0 else 3


def cmd_calendar(args: argparse.Namespace) -> int:
    from pathlib import Path

    from shared.calendar_store import CalendarYearExists, calendar_summary, load_calendar_file
    from shared.reference.calendar import InvalidCalendar

    if args.action == "show":
        for year, origin in calendar_summary(_admin_url(), _namespace()):
            print(f"{year}  {origin}")
        return 0
    if not args.file:
        print("civreg calendar load FILE: the file is missing", file=sys.stderr)
        return 2
    try:
        written = load_calendar_file(_admin_url(), _namespace(), Path(args.file),
                                     loaded_by=os.environ.get("USER", "operator"), replace=args.replace)
    except (InvalidCalendar, CalendarYearExists, OSError) as exc:
        print(f"not loaded: {exc}", file=sys.stderr)
        return 1
    print(f"loaded {', '.join(map(str, written))}; the services use it at once" if written
          else "already loaded, nothing changed")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from pathlib import Path

    from services.audit import anchor, describe, verify
    from shared.business_dates import local_today

    if args.action == "verify":
        anchor_file = Path(args.anchor) if args.anchor else None
        reports = verify(_admin_url(), _namespace(), args.service, anchor_file, jobs=args.jobs)
        print("\n".join(describe(reports)))
        return 0 if all(report.intact for report in reports) else 1
    day = local_today()
    out = Path(args.out) if args.out else Path(f"civreg-anchor-{day.isoformat()}.json")
    document, written = anchor(_admin_url(), _namespace(), out, day)
    for name, head in document["chains"].items():
        print(f"{name}: position {head['position']} {head['hash'] or '-'}")
    print(f"anchored at {document['anchored_at']}; sha256 {document['sha256']}; file {', '.join(map(str, written))}"
          f" (sign it, e.g. ssh-keygen -Y sign -n civreg-anchor -f KEY {written[0]}; keep it outside civreg)")
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    """The gateway's OpenAPI document, built from the route table without a running stack (client types are
    generated from it)."""
    import json

    from services.gateway.openapi import build_document
    from services.gateway.routes import ROUTES

    print(json.dumps(build_document(ROUTES), ensure_ascii=False, indent=2))
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    """Regenerate the documents rendered from the contracts; with --check, fail (1) if one is stale."""
    from services import asyncapi, event_docs, refusal_docs
    from shared.reference import client_names

    writers = {"events": (event_docs.EVENTS_MD, event_docs.render),
               "asyncapi": (asyncapi.ASYNCAPI_JSON, asyncapi.render),
               "refusals": (refusal_docs.REFUSALS_MD, refusal_docs.render),
               "names": (client_names.NAMES_JSON, client_names.render)}
    stale = []
    for name in writers if args.document == "all" else [args.document]:
        path, render = writers[name]
        text = render()
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            root = Path(__file__).resolve().parents[1]
            stale.append(str(path.relative_to(root if path.is_relative_to(root) else path.parents[1])))
            if not args.check:
                path.write_text(text, encoding="utf-8")
    verb = "stale" if args.check else "written"
    print(f"{verb}: {', '.join(stale)}" if stale else "up to date")
    return 1 if stale and args.check else 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="civreg", description=__doc__.splitlines()[0])
    root.add_argument("--version", action="version", version=f"civreg {_release()}")
    commands = root.add_subparsers(dest="command", required=True)
    machine = argparse.ArgumentParser(add_help=False)
    machine.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    migrate = commands.add_parser("migrate", help="apply SQL migrations", parents=[machine])
    migrate.add_argument("--service", choices=[s.name for s in SERVICES])
    migrate.set_defaults(func=cmd_migrate)
    commands.add_parser("declare", help="declare the RabbitMQ topology (quorum queues; migrates classic ones)",
                        parents=[machine]).set_defaults(func=cmd_declare)
    run = commands.add_parser("run", help="run one service")
    run.add_argument("service", choices=[s.name for s in SERVICES])
    run.add_argument("--config", help="YAML configuration (default: the service's config.yaml)")
    run.set_defaults(func=cmd_run)
    dead = commands.add_parser("dead-letters", help="list or replay dead-lettered messages", parents=[machine])
    dead.add_argument("action", choices=["list", "replay"])
    dead.add_argument("--queue", help="one subscription queue (default: all)")
    dead.add_argument("--event-id", help="replay only this event")
    dead.set_defaults(func=cmd_dead_letters)
    commands.add_parser("timeline-rebuild", help="rebuild the timeline projection, then switch over",
                        parents=[machine]).set_defaults(func=cmd_timeline_rebuild)
    audit = commands.add_parser("audit", help="verify the hash chains, or anchor their heads")
    audit.add_argument("action", choices=["verify", "anchor"])
    audit.add_argument("--service", choices=[s.name for s in SERVICES], help="verify one chain (default: all)")
    audit.add_argument("--anchor", help="verify: also check the heads stated in this anchor file")
    audit.add_argument("--out", help="anchor: the file to write (default civreg-anchor-<date>.json)")
    audit.add_argument("--jobs", type=int, default=1, choices=range(1, 33), metavar="N",
                       help="verify: check each chain in N key spans at once, on N connections (default 1)")
    audit.set_defaults(func=cmd_audit)
    wait = commands.add_parser("wait-http", help="wait for an HTTP 200")
    wait.add_argument("url")
    wait.add_argument("--timeout", type=float, default=60)
    wait.set_defaults(func=cmd_wait_http)
    health = commands.add_parser("healthcheck", help="exit 0 when this container is healthy")
    health.add_argument("--timeout", type=float, default=3)
    health.set_defaults(func=cmd_healthcheck)
    marriage_import = commands.add_parser("marriage-import", help="import paper-era marriage records (CSV)",
                                          parents=[machine])
    marriage_import.add_argument("file", help="CSV with the columns of services/marriage/domain/imports.py")
    marriage_import.add_argument("--batch-size", type=int, default=1000, help="records per transaction (1-1000)")
    marriage_import.add_argument("--workers", type=int,
                                 help="batches committed at once (1-8; default: the importer's, docs/marriage.md)")
    marriage_import.add_argument("--results", help="write the rows not imported (conflicts, invalid) to this CSV")
    marriage_import.set_defaults(func=cmd_marriage_import)
    calendar = commands.add_parser("calendar", help="the public-holiday calendar's years (rule 0.3)")
    calendar.add_argument("action", choices=["load", "show"])
    calendar.add_argument("file", nargs="?", help="YAML or JSON: {year: {rest_days: [...], working_weekends: [...]}}")
    calendar.add_argument("--replace", action="store_true", help="change a year already loaded with other days")
    calendar.set_defaults(func=cmd_calendar)
    from services.gateway.identity.cli import add_commands as add_identity_commands

    add_identity_commands(commands)
    commands.add_parser("openapi", help="print the gateway's OpenAPI document (no stack needed)").set_defaults(
        func=cmd_openapi)
    docs = commands.add_parser("docs", help="regenerate docs/events.md, docs/asyncapi.json and docs/refusals.md "
                                            "from the contracts, and the workbench's names (web/src/names.zh-CN.json)")
    docs.add_argument("document", nargs="?", choices=["events", "asyncapi", "refusals", "names", "all"], default="all")
    docs.add_argument("--check", action="store_true", help="only say whether they are stale (exit 1 if so)")
    docs.set_defaults(func=cmd_docs)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


def run() -> NoReturn:
    """The `civreg` program: `main`, then an exit that skips the interpreter's last collections
    (shared/collector.py). Tests call `main` and keep their own process's collector as it was."""
    exit_frozen(main())


if __name__ == "__main__":
    run()
