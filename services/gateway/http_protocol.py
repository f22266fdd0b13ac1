"""The gateway's HTTP/1.1 connection handler: eventlet's (nameko's `HttpOnlyProtocol`), reading a request's
header block without the standard library's e-mail parser, and dating responses once a second.

`http.server` parses the header block with `email.parser` (a feed parser built and run per request): about
22 µs of the gateway's CPU for a registration's six headers, where splitting the lines costs about 3
(issue 19, docs/benchmarks.md "Gateway hot path"). Here a block whose every line is a plain `Name: value` is
made into the very `http.client.HTTPMessage` the parser would have made (same names, values, order and
duplicates); any other block — folded continuation lines, a line without a colon, a name that is not a
token, a stray CR — goes to the standard library's parser, as before, so its reading of odd input does not
change. The request line and every limit stay as they were: eventlet's per-line and total header sizes
(431/400 as eventlet answers them), at most 100 header lines (431), the `Connection` and `Expect` handling.

eventlet writes a `Date` header on every response, formatting the time each time; the gateway's WSGI
application adds it (`dated`), formatted once per second (`http_date`).
"""

from __future__ import annotations

import email.parser
import http.client
import re
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from eventlet.wsgi import format_date_time
from nameko.web.server import HttpOnlyProtocol

MAX_HEADERS = 100  # the standard library's limit (http.client._MAXHEADERS): more is 431
# A line the e-mail parser reads as one header and nothing else: a token (visible ASCII but ':'), a colon,
# then a value without CR or LF, then the line's end.
_PLAIN_HEADER = re.compile(r"([!-9;-~]+):([^\r\n]*)\r?\n")


class GatewayHttpProtocol(HttpOnlyProtocol):
    def parse_request(self) -> bool:
        """The request line as `http.server` reads it (its errors answered as there), then the headers."""
        if not self._parse_request_line():
            return False
        try:
            self.headers = read_headers(self.rfile)
        except http.client.LineTooLong as err:  # as http.server answers them
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Line too long", str(err))
            return False
        except http.client.HTTPException as err:
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers", str(err))
            return False
        conntype = self.headers.get("Connection", "").lower()
        if conntype == "close":
            self.close_connection = True
        elif conntype == "keep-alive" and self.protocol_version >= "HTTP/1.1":
            self.close_connection = False
        expect = self.headers.get("Expect", "")
        if (expect.lower() == "100-continue" and self.protocol_version >= "HTTP/1.1"
                and self.request_version >= "HTTP/1.1"):
            return self.handle_expect_100()
        return True

    def _parse_request_line(self) -> bool:
        """`BaseHTTPRequestHandler.parse_request` (Python 3.11) up to the headers, unchanged: the method, path and
        version, and its answers to a malformed line."""
        self.command = None  # set in case of error on the first line
        self.request_version = version = self.default_request_version
        self.close_connection = True
        requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        self.requestline = requestline
        words = requestline.split()
        if len(words) == 0:
            return False
        if len(words) >= 3:  # enough to determine the protocol version
            version = words[-1]
            try:
                if not version.startswith("HTTP/"):
                    raise ValueError
                base_version_number = version.split("/", 1)[1]
                version_number = base_version_number.split(".")
                if len(version_number) != 2:
                    raise ValueError
                if any(not component.isdigit() for component in version_number):
                    raise ValueError("non digit in http version")
                if any(len(component) > 10 for component in version_number):
                    raise ValueError("unreasonable length http version")
                version_number = int(version_number[0]), int(version_number[1])
            except (ValueError, IndexError):
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request version ({version!r})")
                return False
            if version_number >= (1, 1) and self.protocol_version >= "HTTP/1.1":
                self.close_connection = False
            if version_number >= (2, 0):
                self.send_error(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED,
                                f"Invalid HTTP version ({base_version_number})")
                return False
            self.request_version = version
        if not 2 <= len(words) <= 3:
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request syntax ({requestline!r})")
            return False
        command, path = words[:2]
        if len(words) == 2:
            self.close_connection = True
            if command != "GET":
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad HTTP/0.9 request type ({command!r})")
                return False
        self.command, self.path = command, path
        if self.path.startswith("//"):
            self.path = "/" + self.path.lstrip("/")  # reduce to a single /
        return True


def read_headers(rfile: Any) -> http.client.HTTPMessage:
    """The header block from `rfile` up to its blank line, as `http.client.parse_headers` returns it."""
    lines = []
    while True:
        line = rfile.readline(http.client._MAXLINE + 1)  # noqa: SLF001 - the standard library's own limit
        if len(line) > http.client._MAXLINE:  # noqa: SLF001
            raise http.client.LineTooLong("header line")
        lines.append(line)
        if len(lines) > MAX_HEADERS:
            raise http.client.HTTPException(f"got more than {MAX_HEADERS} headers")
        if line in (b"\r\n", b"\n", b""):
            break
    headers = []
    for line in lines[:-1]:
        plain = _PLAIN_HEADER.fullmatch(line.decode("iso-8859-1"))
        if plain is None:  # not a line the fast reading is sure of: the e-mail parser, as before
            return email.parser.Parser(_class=http.client.HTTPMessage).parsestr(
                b"".join(lines).decode("iso-8859-1"))
        headers.append((plain.group(1), plain.group(2).lstrip(" \t")))
    message = http.client.HTTPMessage()
    message._headers = headers  # noqa: SLF001 - what the parser's `set_raw` fills, line by line
    message.set_payload("")  # as the parser leaves a block with no body
    return message


_date: tuple[int, str] = (0, "")


def http_date() -> str:
    """The `Date` header's value for now, formatted once a second (eventlet's format)."""
    global _date
    now = int(time.time())
    if _date[0] != now:
        _date = (now, format_date_time(now))
    return _date[1]


def dated(start_response: Callable[..., Any]) -> Callable[..., Any]:
    """`start_response` adding the `Date` header (eventlet then writes none of its own)."""

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        headers.append(("Date", http_date()))
        return start_response(status, headers, exc_info)

    return start
