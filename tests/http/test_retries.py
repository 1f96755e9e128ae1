"""Retries, back-off and Retry-After, counted on a real loopback server."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import replace

import pytest

from core import errors
from core.http import HttpService, raise_for_status
from tests.http.conftest import QUICK, Captured, Recorder, ResetServer
from tests.support.localserver import Handler, LocalServer, Response

Serve = Callable[[Handler], LocalServer]


def always(status: int, **headers: str) -> Recorder:
    return Recorder(lambda n, r: Response(status, f"status {status}", headers=dict(headers)))


def first(status: int, **headers: str) -> Recorder:
    """`status` on the first request, then 200."""

    def script(n: int, _: object) -> Response:
        return Response(status, "busy", headers=dict(headers)) if n == 1 else Response(200, "ok")

    return Recorder(script)


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_5xx_is_retried_then_raised_as_unavailable(serve: Serve, status: int) -> None:
    recorder = always(status)
    server = serve(recorder)
    async with HttpService("peer", QUICK) as http:
        with pytest.raises(errors.Unavailable) as caught:
            await http.get(server.url + "/api")
    assert len(recorder.times) == 1 + QUICK.retries
    assert caught.value.params["status"] == status
    assert caught.value.retryable


async def test_per_call_retries_override_the_policy(serve: Serve) -> None:
    recorder = always(500)
    server = serve(recorder)
    async with HttpService("peer", QUICK) as http:
        with pytest.raises(errors.Unavailable):
            await http.get(server.url + "/api", retries=0)
    assert len(recorder.times) == 1


async def test_a_transient_5xx_then_success_returns_the_answer(serve: Serve) -> None:
    recorder = first(502)
    server = serve(recorder)
    async with HttpService("peer", QUICK) as http:
        response = await http.get(server.url + "/api")
    assert (response.status, response.text, len(recorder.times)) == (200, "ok", 2)


@pytest.mark.parametrize("status", [400, 401, 403, 404])
async def test_4xx_is_never_retried(serve: Serve, status: int) -> None:
    recorder = always(status)
    server = serve(recorder)
    async with HttpService("peer", QUICK) as http:
        response = await http.get(server.url + "/api")
    assert response.status == status
    assert len(recorder.times) == 1
    expected = errors.AuthFailed if status in (401, 403) else errors.BadResponse
    with pytest.raises(expected):
        raise_for_status(response, "peer")


async def test_connection_reset_is_retried(reset_server: ResetServer) -> None:
    async with HttpService("peer", QUICK) as http:
        with pytest.raises(errors.Unreachable) as caught:
            await http.get(reset_server.url + "/api")
    assert reset_server.accepted == 1 + QUICK.retries
    assert type(caught.value) is errors.Dropped  # not a Timeout: the peer hung up


async def test_refused_port_is_retried(refused_url: str, logs: Captured) -> None:
    async with HttpService("peer", QUICK) as http:
        with pytest.raises(errors.Unreachable) as caught:
            await http.get(refused_url + "/api")
    # httpcore reports each TCP connect it starts: that is the attempt count.
    connects = [line for line in logs.lines if "connect_tcp.started" in line]
    assert len(connects) == 1 + QUICK.retries
    assert "ConnectError" in str(caught.value)
    assert type(caught.value) is errors.Refused  # the host is there, nothing listens


async def test_truncated_body_is_retried(serve: Serve) -> None:
    def script(n: int, _: object) -> Response:
        if n == 1:  # declares 100 bytes, sends 5, hangs up
            return Response(headers={"Content-Length": "100"}, chunks=[b"short"])
        return Response(200, "whole")

    recorder = Recorder(script)
    server = serve(recorder)
    async with HttpService("peer", QUICK) as http:
        response = await http.get(server.url + "/api")
    assert (response.text, len(recorder.times)) == ("whole", 2)


async def test_429_retry_after_seconds_is_honoured(serve: Serve) -> None:
    recorder = first(429, **{"Retry-After": "1"})
    server = serve(recorder)
    async with HttpService("peer", QUICK) as http:
        response = await http.get(server.url + "/api")
    assert response.status == 200
    assert len(recorder.times) == 2
    assert recorder.gaps[0] >= 0.95  # the server saw the retry no sooner than it asked


async def test_429_retry_after_http_date_is_honoured(serve: Serve) -> None:
    def script(n: int, _: object) -> Response:
        if n > 1:
            return Response(200, "ok")
        # An HTTP-date has whole seconds: two seconds ahead means a wait of more than one.
        return Response(
            429, headers={"Retry-After": email.utils.formatdate(time.time() + 2, usegmt=True)}
        )

    recorder = Recorder(script)
    server = serve(recorder)
    async with HttpService("peer", QUICK) as http:
        response = await http.get(server.url + "/api")
    assert (response.status, len(recorder.times)) == (200, 2)
    assert recorder.gaps[0] >= 0.9


async def test_503_retry_after_is_honoured(serve: Serve) -> None:
    recorder = first(503, **{"Retry-After": "1"})
    server = serve(recorder)
    async with HttpService("peer", QUICK) as http:
        await http.get(server.url + "/api")
    assert len(recorder.times) == 2
    assert recorder.gaps[0] >= 0.95


async def test_retry_after_beyond_the_deadline_raises_rate_limited_at_once(serve: Serve) -> None:
    recorder = always(429, **{"Retry-After": "30"})
    server = serve(recorder)
    async with HttpService("peer", QUICK) as http:
        with pytest.raises(errors.RateLimited) as caught:
            await http.get(server.url + "/api", deadline=3.0)
    # One request, and RateLimited rather than Timeout: it never slept into the deadline.
    assert len(recorder.times) == 1
    assert caught.value.retry_after == 30


async def test_absurd_retry_after_is_clamped(serve: Serve) -> None:
    recorder = first(429, **{"Retry-After": "9999999999"})
    server = serve(recorder)
    policy = replace(QUICK, max_retry_after=0.3)
    async with HttpService("peer", policy) as http:
        response = await http.get(server.url + "/api")
    assert (response.status, len(recorder.times)) == (200, 2)
    assert 0.25 <= recorder.gaps[0]


async def test_clamped_retry_after_is_reported_on_the_error(serve: Serve) -> None:
    recorder = always(429, **{"Retry-After": "9999999999"})
    server = serve(recorder)
    async with HttpService("peer", QUICK) as http:
        with pytest.raises(errors.RateLimited) as caught:
            await http.get(server.url + "/api", retries=0)
    assert caught.value.retry_after == QUICK.max_retry_after


@pytest.mark.parametrize("value", ["-5", "soon", "nan", ""])
async def test_bad_retry_after_falls_back_to_backoff(serve: Serve, value: str) -> None:
    recorder = first(429, **{"Retry-After": value})
    server = serve(recorder)
    async with HttpService("peer", QUICK) as http:
        response = await http.get(server.url + "/api")
    assert (response.status, len(recorder.times)) == (200, 2)


async def test_backoff_grows_between_attempts(serve: Serve) -> None:
    recorder = always(500)
    server = serve(recorder)
    policy = replace(QUICK, backoff=0.2, max_backoff=1.0)
    async with HttpService("peer", policy) as http:
        with pytest.raises(errors.Unavailable):
            await http.get(server.url + "/api")
    # Jitter keeps each wait in [base/2, base]: 0.1-0.2 s, then 0.2-0.4 s.
    assert len(recorder.gaps) == 2
    assert recorder.gaps[0] >= 0.09
    assert recorder.gaps[1] >= 0.19
