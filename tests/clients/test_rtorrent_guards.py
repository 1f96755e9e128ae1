"""rtorrent's answers pass the same guards over both transports: peers here speak real SCGI or
real HTTP on loopback and answer what a hostile or broken rtorrent could."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import xmlrpc.client
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from adapters.clients.rtorrent import RTorrentClient
from core import errors
from core.domain import ClientStatus
from core.http import HttpPolicy, HttpService
from tests.support.daemons import free_port
from tests.support.localserver import LocalServer, Request, Response

# method, params -> the XML body to answer, or None to accept and never answer
Answer = Callable[[str, tuple[Any, ...]], bytes | None]
POLICY = HttpPolicy(connect_timeout=10.0, deadline=20.0, retries=0, max_bytes=4096)
SILENT_DEADLINE = 0.5  # only for the peer that never answers: every other answer is quick
HASH = "ab" * 20
ENTITIES = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    b"<methodResponse><params><param><value><string>&b;</string></value></param></params>"
    b"</methodResponse>"
)


def value(result: Any) -> bytes:
    return xmlrpc.client.dumps((result,), methodresponse=True).encode()


@asynccontextmanager
async def scgi_peer(answer: Answer) -> AsyncIterator[str]:
    """An SCGI server on loopback: reads the netstring headers and the body, answers."""
    never = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        size = int((await reader.readuntil(b":"))[:-1])
        headers = (await reader.readexactly(size + 1))[:-1].split(b"\0")
        length = int(headers[headers.index(b"CONTENT_LENGTH") + 1])
        params, method = xmlrpc.client.loads(await reader.readexactly(length))
        body = answer(method or "", params)
        if body is None:
            await never.wait()
        else:
            writer.write(b"Status: 200 OK\r\nContent-Type: text/xml\r\n\r\n" + body)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield f"scgi://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        never.set()
        server.close()
        await server.wait_closed()


@asynccontextmanager
async def http_peer(answer: Answer) -> AsyncIterator[str]:
    def handle(request: Request) -> Response:
        params, method = xmlrpc.client.loads(request.body)
        body = answer(method or "", params)
        if body is None:
            return Response(200, b"", delay=2.0)  # well past the deadline
        return Response(200, body, headers={"Content-Type": "text/xml"})

    with LocalServer(handle) as server:
        yield server.url + "/RPC2"


PEERS = {"scgi": scgi_peer, "http": http_peer}


@asynccontextmanager
async def client_of(
    kind: str, answer: Answer, policy: HttpPolicy = POLICY
) -> AsyncIterator[RTorrentClient]:
    async with PEERS[kind](answer) as url:
        client = RTorrentClient("rt", url, HttpService("rt", policy))
        try:
            yield client
        finally:
            await client.aclose()


transports = pytest.mark.parametrize("kind", sorted(PEERS))


@transports
async def test_xml_entities_are_refused(kind: str) -> None:
    async with client_of(kind, lambda m, p: ENTITIES) as client:
        with pytest.raises(errors.BadResponse) as caught:
            await client.check()
    assert caught.value.key == "error.bad_xmlrpc"


@transports
async def test_an_answer_over_the_size_cap_is_refused(kind: str) -> None:
    async with client_of(kind, lambda m, p: value("x" * 10_000)) as client:
        with pytest.raises(errors.ResponseTooLarge):
            await client.check()


@transports
async def test_a_peer_that_never_answers_times_out(kind: str) -> None:
    policy = dataclasses.replace(POLICY, deadline=SILENT_DEADLINE)
    async with client_of(kind, lambda m, p: None, policy) as client:
        with pytest.raises(errors.Timeout):
            await client.check()


@transports
async def test_a_fault_is_a_typed_error(kind: str) -> None:
    fault = xmlrpc.client.dumps(xmlrpc.client.Fault(-506, "Method 'x' not defined")).encode()
    async with client_of(kind, lambda m, p: fault) as client:
        with pytest.raises(errors.BadResponse):
            await client.check()


@transports
async def test_a_row_of_wrong_types_is_a_typed_error(kind: str) -> None:
    rows = value([["oops"]] * 14)
    async with client_of(kind, lambda m, p: rows) as client:
        with pytest.raises(errors.BadResponse):
            await client.downloads([HASH])


async def test_an_unknown_state_is_unknown_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # d.hash, name, state=7, active, complete, hashing, meta, multi, size, done, left, rate,
    # custom1, directory
    row = [HASH.upper(), "X", 7, 1, 0, 0, 0, 0, 10, 5, 5, 0, "", "/d"]
    answer = value([[v] for v in row])
    caplog.set_level(logging.WARNING)
    async with client_of("scgi", lambda m, p: answer) as client:
        first = await client.downloads([HASH])
        await client.downloads([HASH])
    assert first[0].status is ClientStatus.UNKNOWN and first[0].raw_status == "state 7"
    assert first[0].id == HASH and first[0].progress == 0.5
    assert caplog.text.count("unknown torrent state") == 1


async def test_a_dead_scgi_port_is_unreachable() -> None:
    client = RTorrentClient("rt", f"scgi://127.0.0.1:{free_port()}", HttpService("rt", POLICY))
    try:
        with pytest.raises(errors.Unreachable):
            await client.check()
    finally:
        await client.aclose()


@pytest.mark.parametrize("url", ["scgi://host", "scgi://h:1/RPC2", "ftp://h/RPC2", "h:5000"])
def test_only_scgi_host_port_or_http_urls_are_settings(url: str) -> None:
    with pytest.raises(errors.UserError):
        RTorrentClient("rt", url, HttpService("rt", POLICY))


async def test_a_fault_other_than_an_unknown_hash_in_a_multicall_is_an_error() -> None:
    gone = {"faultCode": -501, "faultString": "Could not find info-hash."}
    odd = {"faultCode": -503, "faultString": "Some other failure."}
    answers = {HASH: gone, "cd" * 20: odd}

    def answer(method: str, params: tuple[Any, ...]) -> bytes:
        return value([answers[call["params"][0]] for call in params[0]])

    async with client_of("scgi", answer) as client:
        await client.pause([HASH])  # already gone: nothing to do
        with pytest.raises(errors.BadResponse):
            await client.pause([HASH, "cd" * 20])
