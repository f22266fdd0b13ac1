"""A kombu transport whose AMQP connection reads the broker's socket in large chunks.

py-amqp reads each frame with three `recv` calls of exactly the bytes it needs (the 7-byte header, the
payload, the end octet), and a delivery is three frames: nine system calls a message, each through eventlet's
green socket. A consumer working off a backlog (the timeline's batched consumer) spent about a seventh of its
CPU there. This transport gives py-amqp the same `recv(n)` it calls, served from a buffer that one `recv`
of up to `READ_SIZE` bytes fills, so a prefetched backlog is read in a few calls. Nothing else changes: the
frames are parsed by py-amqp as before, and a timeout or error of the socket reaches it unchanged (only a
call that finds the buffer empty touches the socket).

Plain TCP only: an SSL connection (`ssl` set) keeps kombu's own transport (its socket reads records itself).
"""

from __future__ import annotations

from typing import Any

from amqp.transport import TCPTransport
from kombu.transport import pyamqp

READ_SIZE = 65536


class _BufferedReader:
    """`recv(n)` of a socket, answered from the bytes one larger `recv` brought."""

    def __init__(self, recv: Any) -> None:
        self._recv = recv
        self._buffer = b""
        self._at = 0

    def recv(self, n: int) -> bytes:
        if self._at >= len(self._buffer):
            data = self._recv(max(n, READ_SIZE))  # raises (timeout, error) with the buffer left empty
            if len(data) <= n:
                return data  # also b"" when the broker closed the connection
            self._buffer, self._at = data, 0
        chunk = self._buffer[self._at:self._at + n]
        self._at += len(chunk)
        return chunk


class BufferedTCPTransport(TCPTransport):
    def _setup_transport(self) -> None:
        super()._setup_transport()
        self._quick_recv = _BufferedReader(self.sock.recv).recv


class BufferedConnection(pyamqp.Connection):
    def Transport(self, host: str, connect_timeout: Any, ssl: Any = False, read_timeout: Any = None,  # noqa: N802
                  write_timeout: Any = None, socket_settings: Any = None, **kwargs: Any) -> Any:
        if ssl:
            return super().Transport(host, connect_timeout, ssl, read_timeout, write_timeout, socket_settings,
                                     **kwargs)
        return BufferedTCPTransport(host, connect_timeout=connect_timeout, ssl=ssl, read_timeout=read_timeout,
                                    write_timeout=write_timeout, socket_settings=socket_settings, **kwargs)


class BufferedTransport(pyamqp.Transport):
    """kombu's py-amqp transport with `BufferedConnection`: `kombu.Connection(uri, transport=BufferedTransport)`."""

    Connection = BufferedConnection
