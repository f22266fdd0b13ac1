"""`civreg accounts …`, `civreg clients …` and `civreg keys …`: identity administration from the shell.

They act on the gateway's schema (`DATABASE_URL`, `CIVREG_NAMESPACE`) with the gateway's own settings
(its config.yaml and environment: `CIVREG_PROFILE`, `SIGNING_KEY_SECRET`). Passwords are read without echo,
or from standard input with `--password-stdin`; they are never arguments (which `ps` shows to everyone).
"""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from pydantic import ValidationError

from services import spec
from services.gateway.auth import ROLES
from shared.db import Database, DatabaseSettings, schema_name
from shared.environment import OperatorEnvironment

# The identity modules are imported by the commands that use them, not here: every `civreg` command builds the
# parser, which adds these commands, and importing them cost every other command (`civreg marriage-import`
# among them) some 0.15-0.2 s of CPU at start (issue 19).
if TYPE_CHECKING:
    from services.gateway.identity.core import Identity


@contextmanager
def _identity() -> Iterator[Identity]:
    from services.gateway.identity.core import Identity
    from services.gateway.identity.settings import IdentitySettings
    from services.gateway.settings import GatewaySettings
    from shared.config import load_settings

    config = load_settings(GatewaySettings, spec("gateway").config_file).nameko_config()
    environment = OperatorEnvironment()
    url, namespace = environment.DATABASE_URL, environment.CIVREG_NAMESPACE
    db = Database(DatabaseSettings(url, schema_name(namespace, "gateway"), max_size=2))
    try:
        yield Identity(db, IdentitySettings.from_config(config))
    finally:
        db.close()


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise SystemExit("the passwords differ")
    return first


def _reasons(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'account'}: {e['msg']}" for e in exc.errors())


def cmd_accounts(args: argparse.Namespace) -> int:
    from services.gateway.identity.accounts import NewAccount, Password
    from services.gateway.identity.seed import SeedError, seed
    from services.gateway.problems import Problem

    with _identity() as identity:
        try:
            if args.action == "add":
                account = NewAccount(username=args.username, name=args.name, role=args.role, office=args.office,
                                     county=args.county, township=args.township, password=_password(args))
                identity.accounts.add(account)
                print(f"account {args.username} created")
            elif args.action in ("disable", "enable"):
                identity.accounts.set_active(args.username, args.action == "enable")
                print(f"account {args.username} {args.action}d")
            elif args.action == "password":
                password = Password(password=_password(args)).password  # the admin route's rule
                identity.accounts.set_password(args.username, password)
                print(f"password of {args.username} set; its sessions are ended")
            elif args.action == "seed":
                done = seed(identity, args.file)
                print(f"development accounts: {done.accounts} created; clients: {done.clients} created")
            else:
                for a in identity.accounts.all():
                    place = a.office or a.county or a.township or ""
                    print(f"{a.username}\t{a.role}\t{place}\t{'active' if a.active else 'disabled'}\t{a.name}")
        except ValidationError as exc:
            print(_reasons(exc), file=sys.stderr)
            return 2
        except Problem as problem:
            print(problem.detail, file=sys.stderr)
            return 1
        except SeedError as exc:
            print(exc, file=sys.stderr)
            return 2
    return 0


def cmd_clients(args: argparse.Namespace) -> int:
    from services.gateway.identity.clients import NewClient

    with _identity() as identity:
        if args.action == "add":
            secret = secrets.token_urlsafe(32)
            try:
                identity.clients.add(NewClient(client_id=args.client_id, client_secret=secret, bureau=args.bureau,
                                               scopes=tuple(args.scope)))
            except (ValidationError, ValueError) as exc:
                print(_reasons(exc) if isinstance(exc, ValidationError) else exc, file=sys.stderr)
                return 2
            print(f"client {args.client_id} created; its secret (shown this once):\n{secret}")
        elif args.action == "disable":
            if not identity.clients.set_active(args.client_id, False):
                print(f"no client {args.client_id}", file=sys.stderr)
                return 1
            print(f"client {args.client_id} disabled")
        else:
            for c in identity.clients.all():
                print(f"{c.client_id}\t{c.bureau}\t{' '.join(c.scopes)}\t{'active' if c.active else 'disabled'}")
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    from services.gateway.identity.keys import new_secret

    if args.action == "secret":
        print(new_secret())
        return 0
    with _identity() as identity:
        kid = identity.keys.rotate()
        print(f"new signing key {kid}; the previous key still verifies the tokens it signed until they expire")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    accounts = commands.add_parser("accounts", help="accounts of people: add, disable, enable, password, list, seed")
    actions = accounts.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="the person's name")
    add.add_argument("--role", required=True, choices=sorted(ROLES - {"bureau"}))
    add.add_argument("--office", help="registry office, relief station, funeral home or cemetery code")
    add.add_argument("--county", help="county division code (child welfare officers)")
    add.add_argument("--township", help="township division code (township officers)")
    for name in ("disable", "enable", "password"):
        one = actions.add_parser(name, help=f"{name} an account")
        one.add_argument("username")
        if name == "password":
            one.add_argument("--password-stdin", action="store_true")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    actions.add_parser("list", help="list accounts")
    seed = actions.add_parser("seed", help="create the development accounts and clients (development only)")
    seed.add_argument("file", help="deploy/dev/accounts.yaml")
    accounts.set_defaults(func=cmd_accounts)

    clients = commands.add_parser("clients", help="other bureaus' OAuth2 clients: add, disable, list")
    client_actions = clients.add_subparsers(dest="action", required=True)
    new = client_actions.add_parser("add", help="create a client; prints its secret once")
    new.add_argument("client_id")
    new.add_argument("--bureau", required=True)
    new.add_argument("--scope", action="append", required=True, help="an access class grant, e.g. status")
    client_actions.add_parser("disable").add_argument("client_id")
    client_actions.add_parser("list")
    clients.set_defaults(func=cmd_clients)

    keys = commands.add_parser("keys", help="signing keys: rotate; secret prints a new key secret")
    keys.add_argument("action", choices=["rotate", "secret"])
    keys.set_defaults(func=cmd_keys)
