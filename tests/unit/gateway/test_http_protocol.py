"""The gateway's header reading (services/gateway/http_protocol.py) gives what the standard library's parser
gives, for plain header blocks and odd ones alike, with the same limits; the Date header is eventlet's."""

from __future__ import annotations

import http.client
import io
import time

import pytest
from eventlet.wsgi import format_date_time

from services.gateway.http_protocol import MAX_HEADERS, dated, http_date, read_headers

BLOCKS = [
    b"\r\n",
    b"Host: 127.0.0.1:8000\r\nContent-Length: 12\r\nAuthorization: Bearer abc.def\r\n\r\n",
    b"Idempotency-Key: k\r\nidempotency-key: second\r\nX-Purpose:   \t spaced out \t\r\n\r\n",  # duplicates, spaces
    b"X-Empty:\r\nX-Colon: a:b:c\r\n\n",  # an empty value, colons in the value, a bare LF ending the block
    b"Host: h\nAccept: */*\n\n",  # bare LFs throughout
    b"X-Folded: first\r\n second line\r\nAfter: x\r\n\r\n",  # an obsolete folded continuation
    b"No colon here\r\nAfter: x\r\n\r\n",  # a line without a colon
    b"Bad Name: x\r\nAfter: x\r\n\r\n",  # a name that is not a token
    b"X-Cr: a\rb\r\nAfter: x\r\n\r\n",  # a stray CR inside a value
    b"From someone\r\nAfter: x\r\n\r\n",  # the e-mail parser's "From " line
    b": no name\r\nAfter: x\r\n\r\n",
    "X-Purpose: 案件\r\n\r\n".encode(),  # raw UTF-8 arrives as latin-1, as before
    b"X-Latin: \xe9t\xe9\r\n\r\n",
    b"X-Ctl: a\x0bb\x0cc\x00d\x1ce\x85f\r\nAfter: x\r\n\r\n",  # what str.splitlines would split on: not lines here
    b"X-Trail: v  \r\nX:\tv\r\nX-Blank: \r\n\r\n",
    b"Host: h\r\n",  # the connection ended before the blank line
]


@pytest.mark.parametrize("block", BLOCKS)
def test_a_header_block_reads_as_the_standard_library_reads_it(block):
    ours, theirs = read_headers(io.BytesIO(block)), http.client.parse_headers(io.BytesIO(block))

    assert type(ours) is type(theirs)
    assert ours.items() == theirs.items()
    assert described(ours) == described(theirs)


def described(message: http.client.HTTPMessage) -> dict:
    """The message's whole state, its defects by kind (defect objects compare by identity)."""
    return {**vars(message), "defects": [type(defect) for defect in message.defects]}


@pytest.mark.parametrize("block", BLOCKS)
def test_the_body_after_the_block_is_left_unread(block):
    stream = io.BytesIO(block + b"BODY")
    read_headers(stream)

    assert stream.read() == (b"" if block == b"Host: h\r\n" else b"BODY")  # that one has no blank line


def test_too_many_headers_and_too_long_a_line_are_refused_as_by_the_standard_library():
    many = b"".join(b"X-%d: v\r\n" % n for n in range(MAX_HEADERS + 1)) + b"\r\n"
    long = b"X-Long: " + b"v" * 70_000 + b"\r\n\r\n"

    for block, error in ((many, http.client.HTTPException), (long, http.client.LineTooLong)):
        with pytest.raises(error):
            http.client.parse_headers(io.BytesIO(block))
        with pytest.raises(error):
            read_headers(io.BytesIO(block))


def test_responses_are_dated_in_eventlets_format():
    sent = []
    dated(lambda status, headers, exc_info=None: sent.append((status, headers)))("201 Created", [("A", "b")])

    [(status, headers)] = sent
    assert status == "201 Created" and headers[0] == ("A", "b")
    assert headers[1][0] == "Date" and headers[1][1] in {format_date_time(time.time() - 1), http_date()}
