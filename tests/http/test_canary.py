"""A canary secret sent through every channel never shows in a log line, error text or repr."""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import urlencode

import httpx
import pytest

from core import errors
from core.http import HttpService
from core.redact import Secret
from tests.http.conftest import QUICK, Captured, Recorder
from tests.support.localserver import Handler, LocalServer, Response

Serve = Callable[[Handler], LocalServer]
log = logging.getLogger("tests.http.adapter")


def failing(status: int = 500) -> Recorder:
    return Recorder(lambda n, r: Response(status, "broken"))


def error_texts(err: BaseException) -> list[str]:
    params = getattr(err, "params", {})
    return [str(err), repr(err), repr(err.args), repr(params)]


def report(err: BaseException) -> None:
    """What an adapter or frontend does with a failure: log it, with and without traceback."""
    log.warning("call failed: %s", err)
    log.exception("call failed")


def assert_absent(secret: str, logs: Captured, *texts: str) -> None:
    assert logs.lines, "nothing was captured: the test would prove nothing"
    leaks = [line for line in logs.lines if secret in line]
    leaks += [text for text in texts if secret in text]
    assert leaks == []


async def test_api_key_in_query(serve: Serve, logs: Captured, canary: str) -> None:
    recorder = failing()
    server = serve(recorder)
    async with HttpService("indexer", QUICK) as http:  # not registered: the shape net alone
        try:
            await http.get(server.url + "/api", params={"t": "search", "apikey": canary})
        except errors.Unavailable as err:
            report(err)
            texts = error_texts(err)
    assert recorder.requests[0].arg("apikey") == canary
    assert any(canary in line for line in logs.raw)  # httpx did log it; the filter removed it
    assert_absent(canary, logs, *texts)


async def test_api_key_in_header(serve: Serve, logs: Captured, canary: str) -> None:
    recorder = failing(503)
    server = serve(recorder)
    http = HttpService("prowlarr", QUICK, headers={"X-Api-Key": canary}, secrets=[canary])
    async with http:
        try:
            await http.get(server.url + "/api/v1/search")
        except errors.Unavailable as err:
            report(err)
            texts = error_texts(err)
        log.debug("client headers %r", dict(http._client.headers))
    assert recorder.requests[0].headers["x-api-key"] == canary
    assert_absent(canary, logs, *texts, repr(http))


async def test_password_in_form_body(serve: Serve, logs: Captured, canary: str) -> None:
    recorder = failing()
    server = serve(recorder)
    form = {"username": "admin", "password": canary}
    async with HttpService("qbittorrent", QUICK) as http:
        log.debug("login form %s", urlencode(form))
        try:
            await http.post(server.url + "/api/v2/auth/login", data=form)
        except errors.Unavailable as err:
            report(err)
            texts = error_texts(err)
    assert canary.encode() in recorder.requests[0].body
    assert any(canary in line for line in logs.raw)
    assert_absent(canary, logs, *texts)


async def test_session_cookie(serve: Serve, logs: Captured, canary: str) -> None:
    def script(n: int, request: object) -> Response:
        if n == 1:
            return Response(200, "Ok.", headers={"Set-Cookie": f"SID={canary}; HttpOnly; path=/"})
        return Response(500, "broken")

    recorder = Recorder(script)
    server = serve(recorder)
    async with HttpService("qbittorrent", QUICK) as http:
        login = await http.post(server.url + "/api/v2/auth/login", data={"username": "admin"})
        log.debug("login answer %r, jar %r", login, http.cookies)
        try:
            await http.get(server.url + "/api/v2/torrents/info")
        except errors.Unavailable as err:
            report(err)
            texts = error_texts(err)
    assert recorder.requests[1].headers["cookie"] == f"SID={canary}"  # the jar did send it
    assert any(canary in line for line in logs.raw)
    assert_absent(canary, logs, *texts, repr(login))


async def test_telegram_token_in_path(serve: Serve, logs: Captured) -> None:
    token = f"{random.randrange(10**8, 10**10)}:AA{random.getrandbits(160):040x}"[:46]
    recorder = failing(502)
    server = serve(recorder)
    async with HttpService("telegram", QUICK) as http:  # not registered: the shape net alone
        try:
            await http.post(server.url + f"/bot{token}/getUpdates", json={"timeout": 0})
        except errors.Unavailable as err:
            report(err)
            texts = error_texts(err)
    assert recorder.requests[0].path == f"/bot{token}/getUpdates"
    assert any(token in line for line in logs.raw)
    assert_absent(token, logs, *texts)
    assert "bot***/getUpdates" in texts[0]


async def test_registered_secret_is_masked_percent_encoded(
    serve: Serve, logs: Captured, canary: str
) -> None:
    secret = f"p@ss w0rd/{canary}!"  # travels as p%40ss+w0rd%2F...%21 under a bland name
    server = serve(failing())
    async with HttpService("sabnzbd", QUICK, secrets=[secret]) as http:
        try:
            await http.get(server.url + "/api", params={"ma": secret})
        except errors.Unavailable as err:
            report(err)
            texts = error_texts(err)
    assert_absent(canary, logs, *texts)


async def test_unreachable_and_timeout_errors(
    serve: Serve, refused_url: str, logs: Captured, canary: str
) -> None:
    slow = serve(Recorder(lambda n, r: Response(200, "late", delay=0.6)))
    texts: list[str] = []
    async with HttpService("indexer", replace(QUICK, retries=1)) as http:
        for url, deadline in [(refused_url, None), (slow.url, 0.2)]:
            try:
                await http.get(url + "/api", params={"apikey": canary}, deadline=deadline)
            except errors.Unreachable as err:
                report(err)
                texts += error_texts(err)
    assert len(texts) == 8  # both calls failed
    assert_absent(canary, logs, *texts)


@pytest.mark.parametrize("url", ["http://host:abc/api", "ftp://host/api", "/relative"])
async def test_bad_url_error(logs: Captured, canary: str, url: str) -> None:
    async with HttpService("indexer", QUICK) as http:
        with pytest.raises(errors.UserError) as caught:
            await http.get(f"{url}?apikey={canary}")
        report(caught.value)
    assert caught.value.key == "error.bad_url"
    assert_absent(canary, logs, *error_texts(caught.value))


async def test_raw_httpx_traceback_is_redacted(serve: Serve, logs: Captured, canary: str) -> None:
    """An adapter that lets an httpx error reach a log line still leaks nothing."""
    server = serve(failing(401))
    async with httpx.AsyncClient() as client:
        response = await client.get(server.url + "/api", params={"apikey": canary})
        try:
            response.raise_for_status()
        except httpx.HTTPStatusError:
            log.exception("raw httpx failure")
    assert any(canary in line for line in logs.raw)  # its message carries the full URL
    assert_absent(canary, logs)


def test_reprs_hide_secrets(canary: str) -> None:
    secret = Secret(canary)
    http = HttpService(
        "tmdb", QUICK, headers={"Authorization": f"Bearer {canary}"}, secrets=[canary]
    )
    texts = [repr(secret), str(secret), f"{secret}", f"{secret!r}", repr([secret]), repr(http)]
    assert all(canary not in text for text in texts)
    assert secret.reveal() == canary
    assert secret == Secret(canary) and secret != Secret(canary + "x")


async def test_secret_headers_register_themselves(serve: Serve, logs: Captured) -> None:
    service_token, call_key = f"tok{uuid.uuid4().hex}", f"key{uuid.uuid4().hex}"
    recorder = failing(404)
    server = serve(recorder)
    async with HttpService(
        "tmdb", QUICK, headers={"Authorization": f"Bearer {service_token}"}
    ) as http:
        await http.get(server.url + "/3/movie/1", headers={"X-Api-Key": call_key})
        # An adapter that logs a token bare, with no name next to it to give it away.
        log.info("using %s and %s", service_token, call_key)
    assert recorder.requests[0].headers["authorization"] == f"Bearer {service_token}"
    assert_absent(service_token, logs)
    assert_absent(call_key, logs)


async def test_service_can_be_reopened_after_aclose(serve: Serve) -> None:
    server = serve(Recorder(lambda n, r: Response(200, "ok")))
    http = HttpService("peer", QUICK)
    await http.aclose()  # never used: nothing to close
    for _ in range(2):
        assert (await http.get(server.url + "/x")).text == "ok"
        await http.aclose()


def test_a_blank_secret_header_is_no_secret_and_no_crash() -> None:
    HttpService("peer", headers={"X-Api-Key": "   ", "Authorization": ""})
