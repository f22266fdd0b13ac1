"""The gateway nameko service: serves the pipeline of `app.py` over HTTP on `WEB_SERVER_ADDRESS`.

One catch-all entrypoint hands every request to the app, which does its own routing. The entrypoint and
web server are nameko's, adjusted so that nothing reaches a client as nameko's plain-text error: every
failure, even one outside the app, is problem+json.
"""

import shared.bootstrap  # noqa: F401, I001 - eventlet and psycopg set up before anything imports them

import logging
import warnings
from functools import partial
from pathlib import Path
from typing import Any

from eventlet import wsgi
from eventlet.event import Event
from nameko.exceptions import ContainerBeingKilled
from nameko.extensions import DependencyProvider
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer, parse_address
from werkzeug.wrappers import Request, Response

from services import SERVICES
from services.gateway.access_log import PostgresAccessLog
from services.gateway.app import CORRELATION_HEADER, GatewayApp, correlation_id_of
from services.gateway.auth import Principals, PrincipalsError
from services.gateway.health import InfrastructureProbe
from services.gateway.http_protocol import GatewayHttpProtocol, dated
from services.gateway.idempotency import PostgresIdempotencyStore
from services.gateway.identity.core import Identity
from services.gateway.identity.settings import IdentityConfigError, IdentitySettings
from services.gateway.problems import Problem, internal_error
from services.gateway.routes import ROUTES
from services.gateway.routing import RouteTable
from services.gateway.rpc import ServiceRpc
from services.gateway.settings import GatewayOptions, GatewaySettings
from services.gateway.static import Workbench
from shared.logging import get_logger
from shared.tracing import TRACEPARENT
from shared.nameko_ext import CorrelationContext, DatabasePool
from shared.settings import Broker, Database

log = get_logger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PRINCIPALS_FILE = "deploy/dev/principals.yaml"


def principals_file(config: dict[str, Any], settings: IdentitySettings) -> Path | None:
    """`PRINCIPALS_FILE`, the static development tokens; a relative path is taken from the repository root.

    Development only: the development profile defaults to deploy/dev/principals.yaml, and a production start
    that names a principals file stops (identity/settings.py). A named file that is missing stops start-up
    naming the setting, rather than crash-looping on a trace.
    """
    named = GatewayOptions.of(config).PRINCIPALS_FILE
    if not settings.development:
        if named:
            raise IdentityConfigError("a production start refuses static tokens: unset PRINCIPALS_FILE")
        return None
    path = Path(named or DEFAULT_PRINCIPALS_FILE)
    path = path if path.is_absolute() else REPO_ROOT / path
    if not path.is_file():
        raise PrincipalsError(f"PRINCIPALS_FILE: no principals file at {path}; mount one and point "
                              "PRINCIPALS_FILE at it")
    return path


class GatewayWebServer(WebServer):
    @property
    def bind_addr(self):  # noqa: ANN201
        return parse_address(GatewayOptions.of(self.container.config).WEB_SERVER_ADDRESS)

    def get_wsgi_app(self) -> Any:
        # Every request, whatever its method and path, goes to the one entrypoint, whose app answers every path
        # itself (problem+json for what it does not route). nameko's `WsgiApp` bound werkzeug's URL map to each
        # request's environ and matched it only to find that entrypoint (the dispatch alone, eight alternations:
        # 18 → 7 µs a request).
        [entrypoint] = self._providers
        return partial(_serve, entrypoint)

    def get_wsgi_server(self, sock, wsgi_app, protocol=GatewayHttpProtocol, debug=False):  # noqa: ANN001, ANN201
        # eventlet's own request line would log raw paths, which carry person ids; the app logs templates.
        # Header names go out as the app writes them (werkzeug's canonical spelling, `WWW-Authenticate`, `ETag`),
        # not re-capitalised by eventlet word by word on every response (about 10 µs a request).
        # eventlet warns that it no longer does so, once per server: known and intended here.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "capitalize_response_headers is disabled", DeprecationWarning)
            return wsgi.Server(sock, sock.getsockname(), wsgi_app, protocol=protocol, debug=debug,
                               log=logging.getLogger("services.gateway.http"), log_output=False,
                               capitalize_response_headers=False)


def _serve(entrypoint: Any, environ: dict[str, Any], start_response: Any) -> Any:
    """The gateway's WSGI application: the request (shallow, as nameko's `WsgiApp` makes it: nothing reads its
    body before the worker) to `entrypoint`, its response to the client, dated (http_protocol.py)."""
    return entrypoint.handle_request(Request(environ, shallow=True))(environ, dated(start_response))


class GatewayHttp(HttpRequestHandler):
    """Every request (the web server hands each to it); the worker's exceptions become problem+json, not plain
    text."""

    server = GatewayWebServer()

    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__("", url, **kwargs)

    def handle_request(self, request: Request) -> Response:
        request.shallow = False
        correlation_id = correlation_id_of(request.headers)
        try:
            done = Event()
            # The correlation id goes into the worker's context data, which nameko copies into every RPC call.
            # So does the client's W3C `traceparent`: the worker's span continues it (shared/tracing.py).
            context = {"correlation_id": correlation_id, TRACEPARENT: request.headers.get(TRACEPARENT)}
            self.container.spawn_worker(self, (request,), {}, context_data=context,
                                        handle_result=partial(self.handle_result, done))
            response = done.wait()
            if not isinstance(response, Response):
                raise TypeError(f"the gateway worker returned {type(response).__name__}")
        except ContainerBeingKilled:
            response = Problem(503, "service_unavailable", "the gateway is shutting down").response()
        except Exception:  # noqa: BLE001
            log.exception("gateway worker failed", correlation_id=correlation_id)
            response = internal_error().response()
        response.headers[CORRELATION_HEADER] = correlation_id
        return response


catch_all = GatewayHttp.decorator


class GatewayAppProvider(DependencyProvider):
    """The container's `GatewayApp`, on the gateway's schema; `routes` lets a test add routes of its own."""

    pool = DatabasePool()

    def __init__(self, routes: RouteTable = ROUTES) -> None:
        self.routes = routes
        self.app: GatewayApp | None = None

    def setup(self) -> None:
        config = self.container.config
        self.settings = IdentitySettings.from_config(config)  # unsafe settings stop start-up
        static = principals_file(config, self.settings)
        self.principals = Principals.load(static) if static else None  # a bad file stops start-up
        self.options = GatewayOptions.of(config)
        self.max_body_bytes = self.options.MAX_BODY_BYTES

    def start(self) -> None:
        config, db = self.container.config, self.pool.db
        assert db is not None
        event_sourced = [s.name for s in SERVICES if s.event_store]
        identity = Identity(db, self.settings, self.principals)
        identity.start()
        self.app = GatewayApp(
            self.routes, identity,
            idempotency=PostgresIdempotencyStore(
                db, retention_hours=self.options.IDEMPOTENCY_RETENTION_HOURS),
            access_log=PostgresAccessLog(db),
            health=self._health(config, db, event_sourced),
            max_body_bytes=self.max_body_bytes,
            identity=identity,
            workbench=Workbench(REPO_ROOT / self.options.WORKBENCH_DIR),
        )

    def _health(self, config: dict[str, Any], db: Any, event_sourced: list[str]) -> InfrastructureProbe:
        # The dead-letter queues by name, from the declared topology (services/topology.py); the gateway runs
        # none of the services' code, it only reads their subscriptions' names.
        from services.topology import all_subscriptions

        self.health = InfrastructureProbe(
            db, Broker.of(config).AMQP_URI, Database.of(config).NAMESPACE, event_sourced,
            domain_services=[s.name for s in SERVICES if s.name != self.container.service_name],
            dead_letter_queues=[queues.dead.name for queues in all_subscriptions()])
        return self.health

    def stop(self) -> None:
        if getattr(self, "health", None) is not None:
            self.health.close()

    kill = stop

    def get_dependency(self, worker_ctx):  # noqa: ANN001, ANN201 - nameko's signature
        return self.app


class GatewayService:
    name = "gateway"
    settings_model = GatewaySettings  # what `civreg run gateway` checks config.yaml against
    context = CorrelationContext()
    gateway = GatewayAppProvider()
    rpc = ServiceRpc()

    @catch_all("/")  # every path: the web server does not route (GatewayWebServer)
    def handle(self, request: Request) -> Response:
        if self.gateway is None:  # nameko starts the web server and the app concurrently (found by the soak)
            return Problem(503, "service_unavailable", "the gateway is starting",
                           headers={"Retry-After": "1"}).response()
        return self.gateway.handle(request, correlation_id=self.context.correlation_id, rpc=self.rpc)
