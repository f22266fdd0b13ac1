"""A TCP proxy that a fault test can cut: `python -m tests.support.tcp_proxy LISTEN_PORT TARGET_HOST TARGET_PORT`.

The services of a fault test reach PostgreSQL or RabbitMQ through it. Killing the proxy process is what a
restart of the server looks like from both sides — every client connection is reset, new ones are refused,
and the server sees each session end (its transactions roll back, its advisory locks are released) — without
touching the machine's PostgreSQL or RabbitMQ, which other runs share. Starting it again on the same port is
the server coming back.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


async def _serve(listen_port: int, host: str, port: int) -> None:
    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(host, port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(_pipe(client_reader, upstream_writer), _pipe(upstream_reader, client_writer))

    server = await asyncio.start_server(handle, "127.0.0.1", listen_port, reuse_address=True)
    print("proxy ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1]), sys.argv[2], int(sys.argv[3])))
