"""SCGI (netstring headers, then the body) over asyncio streams: what rtorrent's
`network.scgi.open_port` speaks. Same limits as core/http.py: connect timeout, a deadline over
the whole call and a size cap counted while reading."""

from __future__ import annotations

import asyncio

from core import errors
from core.http import HttpPolicy

CHUNK = 65536
HEAD_MAX = 4096  # rtorrent's CGI header lines are a few dozen bytes


def frame(body: bytes) -> bytes:
    """The SCGI request for one POST of `body` to /RPC2."""
    headers = [
        (b"CONTENT_LENGTH", str(len(body)).encode()),
        (b"SCGI", b"1"),
        (b"REQUEST_METHOD", b"POST"),
        (b"REQUEST_URI", b"/RPC2"),
    ]
    blob = b"".join(name + b"\0" + value + b"\0" for name, value in headers)
    return str(len(blob)).encode() + b":" + blob + b"," + body


async def scgi_post(
    host: str, port: int, body: bytes, policy: HttpPolicy, service: str, max_bytes: int
) -> bytes:
    """POST `body` and return the answer's body (after its CGI header lines)."""
    where = f"scgi://{host}:{port}"
    timer = asyncio.timeout(policy.deadline)
    try:
        async with timer:
            raw = await _exchange(host, port, body, policy, where, service, max_bytes)
    except TimeoutError:
        if not timer.expired():
            raise
        raise errors.Timeout(
            f"{service}: no complete answer from {where} within {policy.deadline:g} s",
            service=service,
        ) from None
    body = _body(raw, where, service)
    if len(body) > max_bytes:
        raise errors.ResponseTooLarge(
            f"{service}: answer from {where} is larger than {max_bytes} bytes",
            service=service,
            limit=max_bytes,
        )
    return body


async def _exchange(
    host: str,
    port: int,
    body: bytes,
    policy: HttpPolicy,
    where: str,
    service: str,
    max_bytes: int,
) -> bytes:
    try:
        async with asyncio.timeout(policy.connect_timeout):
            reader, writer = await asyncio.open_connection(host, port)
    except (OSError, TimeoutError) as err:
        kind: type[errors.Unreachable] = errors.Unreachable
        if isinstance(err, TimeoutError):
            kind = errors.Timeout
        elif isinstance(err, ConnectionRefusedError):
            kind = errors.Refused
        raise kind(
            f"{service}: cannot reach {where} ({type(err).__name__})", service=service
        ) from None
    try:
        writer.write(frame(body))
        await writer.drain()
        raw = bytearray()
        while chunk := await reader.read(CHUNK):
            raw += chunk
            if len(raw) > max_bytes + HEAD_MAX:
                raise errors.ResponseTooLarge(
                    f"{service}: answer from {where} is larger than {max_bytes} bytes",
                    service=service,
                    limit=max_bytes,
                )
        return bytes(raw)
    except OSError as err:  # reset: often an HTTP server that reads no SCGI frame
        raise errors.Dropped(
            f"{service}: {where} dropped the call ({type(err).__name__})", service=service
        ) from None
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except OSError:
            pass


def _body(raw: bytes, where: str, service: str) -> bytes:
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise errors.ProtocolMismatch(f"{service}: {where} sent no SCGI answer", service=service)
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"status" and not value.strip().startswith(b"200"):
            status = value.strip()[:40].decode("ascii", "replace")
            raise errors.ProtocolMismatch(f"{service}: {where} answered {status}", service=service)
    return body
