"""The buffered AMQP reads (shared/buffered_amqp.py): py-amqp's `recv(n)` is answered with at most n bytes, in
order, from one larger read of the socket; a timeout loses nothing already read; a closed socket reads empty.
Real sockets (a socket pair), no broker: the transport on the broker is exercised by the timeline's
integration tests (tests/integration/timeline)."""

from __future__ import annotations

import socket

import pytest

from shared.buffered_amqp import _BufferedReader


@pytest.fixture
def pair():
    left, right = socket.socketpair()
    yield left, right
    left.close()
    right.close()


def test_reads_of_exact_sizes_come_in_order_from_fewer_socket_reads(pair):
    left, right = pair
    calls = []

    def recv(n: int) -> bytes:
        calls.append(n)
        return right.recv(n)

    reader = _BufferedReader(recv)
    frames = [bytes([n]) * size for n, size in enumerate([7, 300, 1, 7, 40, 1, 7, 5000, 1])]
    left.sendall(b"".join(frames))
    got = [reader.recv(len(frame)) for frame in frames]
    assert got == frames
    assert len(calls) < len(frames)  # most frames were served from the buffer


def test_a_read_never_returns_more_than_asked_and_the_rest_is_kept(pair):
    left, right = pair
    reader = _BufferedReader(right.recv)
    left.sendall(b"abcdefghij")
    assert reader.recv(3) == b"abc"
    left.sendall(b"klm")
    assert reader.recv(4) == b"defg"
    assert reader.recv(100) == b"hij"  # what the buffer still held: py-amqp asks again for the rest
    assert reader.recv(100) == b"klm"


def test_a_timeout_loses_nothing_and_a_closed_socket_reads_empty(pair):
    left, right = pair
    right.settimeout(0.05)
    reader = _BufferedReader(right.recv)
    left.sendall(b"12345")
    assert reader.recv(2) == b"12"
    assert reader.recv(3) == b"345"
    with pytest.raises(TimeoutError):
        reader.recv(1)
    left.sendall(b"6")
    assert reader.recv(1) == b"6"
    left.close()
    assert reader.recv(1) == b""
