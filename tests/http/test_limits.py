"""Rate limits, size caps, deadlines and strict JSON, against a real loopback server."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import time
import tracemalloc
import zlib
from collections.abc import Callable
from dataclasses import replace

import httpx
import pytest

from core import errors
from core.http import HttpService
from tests.http.conftest import QUICK, Recorder
from tests.support.localserver import Handler, LocalServer, Response

Serve = Callable[[Handler], LocalServer]
CAP = 64 * 1024


def ok(body: bytes | str = "ok", **headers: str) -> Recorder:
    return Recorder(lambda n, r: Response(200, body, headers=dict(headers)))


class _Stamping(httpx.AsyncHTTPTransport):
    """Notes when each request leaves: the limiter's doing, unlike server-side arrival times,
    which a loaded machine can bunch together."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[float] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(time.monotonic())
        return await super().handle_async_request(request)


async def test_limiter_spreads_requests(serve: Serve) -> None:
    recorder = ok()
    server = serve(recorder)
    transport = _Stamping()
    async with HttpService("peer", replace(QUICK, rate=(2, 1.0)), transport=transport) as http:
        await asyncio.gather(*(http.get(server.url + f"/{i}") for i in range(6)))
    sent = sorted(transport.sent)
    # A bucket of 2 draining at 2/s: two at once, then one each 0.5 s, so the sixth cannot leave
    # before 2 s; a stalled loop only delays requests, it never lets more through.
    assert len(sent) == 6 and len(recorder.times) == 6
    assert sent[-1] - sent[0] >= 1.9
    assert sent[2] - sent[0] >= 0.45  # the third waited for the bucket to drain


async def test_each_service_has_its_own_limiter(serve: Serve) -> None:
    recorder = ok()
    server = serve(recorder)
    slow = HttpService("slow", replace(QUICK, rate=(1, 60.0)))
    fast = HttpService("fast", QUICK)
    async with slow, fast:
        await slow.get(server.url + "/slow")
        # The slow budget is spent for a minute; the other service must not wait on it.
        await asyncio.wait_for(fast.get(server.url + "/fast"), timeout=5)
    assert [r.path for r in recorder.requests] == ["/slow", "/fast"]


async def test_declared_length_over_the_cap_is_refused_unread(serve: Serve) -> None:
    # The peer claims a gigabyte and sends one byte: reading would hang, refusing does not.
    server = serve(Recorder(lambda n, r: Response(200, b"x", content_length=10**9)))
    async with HttpService("peer", QUICK) as http:
        with pytest.raises(errors.ResponseTooLarge) as caught:
            await http.get(server.url + "/big", max_bytes=CAP)
    assert caught.value.params["limit"] == CAP


async def test_endless_chunked_stream_is_cut_at_the_cap(serve: Serve) -> None:
    piece = b"x" * 4096
    frame = b"%x\r\n%s\r\n" % (len(piece), piece)  # real chunked framing, no length, no end
    server = serve(
        Recorder(
            lambda n, r: Response(
                200, headers={"Transfer-Encoding": "chunked"}, chunks=itertools.repeat(frame)
            )
        )
    )
    async with HttpService("peer", QUICK) as http:
        with pytest.raises(errors.ResponseTooLarge):
            await http.get(server.url + "/stream", max_bytes=CAP)


async def test_body_at_the_cap_is_accepted(serve: Serve) -> None:
    server = serve(ok(b"y" * CAP))
    async with HttpService("peer", QUICK) as http:
        response = await http.get(server.url + "/exact", max_bytes=CAP)
    assert len(response.content) == CAP


async def test_gzip_bomb_counts_decoded_bytes_and_stays_small(serve: Serve) -> None:
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < CAP  # small on the wire: only counting decoded bytes catches it
    server = serve(ok(bomb, **{"Content-Encoding": "gzip"}))
    async with HttpService("peer", QUICK) as http:
        tracemalloc.start()
        try:
            with pytest.raises(errors.ResponseTooLarge):
                await http.get(server.url + "/bomb", max_bytes=CAP)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    # Inflating a whole 64 KiB wire chunk at once would allocate tens of MiB.
    assert peak < 8 * 1024 * 1024


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, no zlib header
    ],
)
async def test_compressed_bodies_are_decoded(
    serve: Serve, encoding: str, encode: Callable[[bytes], bytes]
) -> None:
    payload = b'{"title": "Dune", "year": 2021}' * 50
    server = serve(ok(encode(payload), **{"Content-Encoding": encoding}))
    async with HttpService("peer", QUICK) as http:
        response = await http.get(server.url + "/z")
    assert response.content == payload


async def test_corrupt_gzip_is_a_bad_response(serve: Serve) -> None:
    server = serve(ok(b"not gzip at all", **{"Content-Encoding": "gzip"}))
    async with HttpService("peer", QUICK) as http:
        with pytest.raises(errors.BadResponse) as caught:
            await http.get(server.url + "/z")
    assert type(caught.value) is errors.BadResponse


async def test_slow_drip_is_cut_by_the_deadline(serve: Serve) -> None:
    # A byte every 0.5 s never trips the 2 s read timeout; only the whole-call deadline can.
    recorder = Recorder(lambda n, r: Response(200, chunks=[b"x"] * 40, chunk_delay=0.5))
    server = serve(recorder)
    async with HttpService("peer", QUICK) as http:
        with pytest.raises(errors.Timeout) as caught:
            await http.get(server.url + "/drip", deadline=1.5)
    assert "within 1.5 s" in str(caught.value)
    assert "ReadTimeout" not in str(caught.value)
    assert len(recorder.times) == 1


async def test_silent_server_is_cut_by_the_read_timeout(serve: Serve) -> None:
    recorder = Recorder(lambda n, r: Response(200, "late", delay=1.2))
    server = serve(recorder)
    async with HttpService("peer", replace(QUICK, read_timeout=0.3)) as http:
        with pytest.raises(errors.Timeout) as caught:
            await http.get(server.url + "/hang", retries=0)
    assert "ReadTimeout" in str(caught.value)
    assert caught.value.retryable


async def test_deadline_covers_every_retry(serve: Serve) -> None:
    recorder = Recorder(lambda n, r: Response(200, "late", delay=1.2))
    server = serve(recorder)
    policy = replace(QUICK, read_timeout=0.4, retries=10)
    async with HttpService("peer", policy) as http:
        with pytest.raises(errors.Unreachable):
            await http.get(server.url + "/hang", deadline=1.0)
    assert 1 <= len(recorder.times) <= 3  # ten retries allowed, the deadline stopped them


@pytest.mark.parametrize(
    "body",
    [
        b'{"size": NaN}',
        b"[Infinity]",
        b"[" * 100_000 + b"]" * 100_000,
        b"[" + b"9" * 5000 + b"]",
        b"\xff\xfe not utf-8",
        b'{"truncated": ',
    ],
    ids=["nan", "infinity", "deep", "huge-int", "bad-utf8", "truncated"],
)
async def test_strict_json_refuses_hostile_documents(serve: Serve, body: bytes) -> None:
    server = serve(ok(body, **{"Content-Type": "application/json"}))
    async with HttpService("peer", QUICK) as http:
        response = await http.get(server.url + "/json")
    with pytest.raises(errors.BadResponse) as caught:
        response.json()
    assert caught.value.key == "error.bad_json"


async def test_json_with_bom_and_charset(serve: Serve) -> None:
    body = b"\xef\xbb\xbf" + '{"title": "Amélie"}'.encode()
    server = serve(ok(body, **{"Content-Type": "application/json"}))
    async with HttpService("peer", QUICK) as http:
        response = await http.get(server.url + "/json")
    assert response.json() == {"title": "Amélie"}
    assert response.content_type == "application/json"


async def test_unknown_charset_falls_back_to_utf8(serve: Serve) -> None:
    server = serve(ok("Amélie".encode(), **{"Content-Type": "text/plain; charset=klingon"}))
    async with HttpService("peer", QUICK) as http:
        response = await http.get(server.url + "/text")
    assert response.text == "Amélie"


async def test_a_host_interval_is_shared_by_every_service_of_the_process(serve: Serve) -> None:
    """Arrival times at the server: the pacer starts a call only after the previous answer,
    so even a loaded machine cannot bunch two calls closer than the interval."""
    recorder = ok()
    server = serve(recorder)
    paced = replace(QUICK, host_interval=0.3)
    async with HttpService("one", paced) as one, HttpService("two", paced) as two:
        calls = [(one if i % 2 else two).get(server.url + f"/{i}") for i in range(6)]
        await asyncio.gather(*calls)
    assert len(recorder.times) == 6
    assert min(recorder.gaps) >= 0.3, recorder.gaps


async def test_retry_after_from_a_paced_host_holds_every_caller(serve: Serve) -> None:
    recorder = Recorder(
        lambda n, r: Response(503, "slow down", {"Retry-After": "1"}) if n == 1 else Response(200)
    )
    server = serve(recorder)
    paced = replace(QUICK, host_interval=0.05)
    async with HttpService("one", paced) as one, HttpService("two", paced) as two:
        # whichever is first gets the 503; the other waits out its Retry-After too
        await asyncio.gather(one.get(server.url + "/a"), two.get(server.url + "/b"))
    assert len(recorder.times) == 3
    assert min(recorder.times[1:]) - recorder.times[0] >= 1.0


async def test_pacers_are_per_host() -> None:
    from core.http import host_pacer

    assert host_pacer("a.example:443", 1.0) is host_pacer("a.example:443", 0.5)
    assert host_pacer("a.example:443", 1.0).interval == 1.0  # the longest asked wins
    assert host_pacer("b.example:443", 1.0) is not host_pacer("a.example:443", 1.0)
