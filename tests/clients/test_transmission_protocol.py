"""TransmissionClient against scripted RPC peers: the handshake, hostile answers, the mapping."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
import pytest_asyncio

from adapters.clients.transmission import TransmissionClient, map_status
from adapters.clients.transmission.rpc import HANDSHAKES
from adapters.clients.transmission.wire import rpc_url
from core import errors
from core.domain import ClientStatus as S
from core.http import HttpPolicy, HttpService
from tests.support.localserver import LocalServer, Request, Response

PASSWORD = "canary-fake-pass-7"
ID = "ef" * 20
SESSION = "fake-session-id"
Answer = Callable[[dict[str, Any]], Response]


def success(arguments: dict[str, Any]) -> Response:
    return Response(200, json.dumps({"result": "success", "arguments": arguments}))


def row(**fields: Any) -> dict[str, Any]:
    base = {
        "id": 1,
        "hashString": ID.upper(),
        "name": "Dune.2021.2160p",
        "status": 4,
        "error": 0,
        "percentDone": 0.25,
        "sizeWhenDone": 1000,
        "downloadDir": "/data",
        "eta": -1,
        "rateDownload": 512,
        "labels": [],
        "isFinished": False,
        "metadataPercentComplete": 1,
    }
    return base | fields


class FakeTransmission:
    """An RPC peer: checks Basic auth, then the session id (409 hands it out), then answers."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.server = LocalServer(self._handle)
        self.calls: list[dict[str, Any]] = []

    def _handle(self, request: Request) -> Response:
        if request.path != "/transmission/rpc":
            return Response(404, "Not Found")
        token = base64.b64encode(f"admin:{PASSWORD}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {token}":
            return Response(401, "<h1>401: Unauthorized</h1>")
        if request.headers.get("x-transmission-session-id") != SESSION:
            return Response(409, "<h1>409: Conflict</h1>", {"X-Transmission-Session-Id": SESSION})
        call = json.loads(request.body)
        self.calls.append(call)
        return self.answer(call)


@pytest.fixture
def serve() -> Iterator[Callable[[Answer], FakeTransmission]]:
    started: list[LocalServer] = []

    def start(answer: Answer) -> FakeTransmission:
        fake = FakeTransmission(answer)
        started.append(fake.server.start())
        return fake

    yield start
    for server in started:
        server.stop()


@pytest_asyncio.fixture(loop_scope="function")
async def http() -> AsyncIterator[HttpService]:
    service = HttpService("tr-fake", HttpPolicy(deadline=5.0, retries=0, max_bytes=64 * 1024))
    yield service
    await service.aclose()


def client(url: str, http: HttpService, password: str = PASSWORD) -> TransmissionClient:
    return TransmissionClient("fake", url, http, username="admin", password=password)


@pytest.mark.parametrize(
    ("given", "endpoint"),
    [
        ("http://h:9091", "http://h:9091/transmission/rpc"),
        ("http://h:9091/", "http://h:9091/transmission/rpc"),
        ("http://h:9091/transmission/rpc", "http://h:9091/transmission/rpc"),
        ("http://h:9091/transmission/rpc/", "http://h:9091/transmission/rpc"),
        ("http://h:9091/transmission/web/", "http://h:9091/transmission/rpc"),
        ("https://nas/tr/transmission", "https://nas/tr/transmission/rpc"),
        ("https://nas/tr", "https://nas/tr/transmission/rpc"),
    ],
)
def test_the_url_may_or_may_not_name_the_rpc_endpoint(given: str, endpoint: str) -> None:
    assert rpc_url(given) == endpoint


async def test_the_session_id_from_a_409_is_sent_again(
    serve: Callable[[Answer], FakeTransmission], http: HttpService
) -> None:
    fake = serve(lambda _: success({"torrents": []}))
    tr = client(fake.server.url + "/transmission/rpc", http)
    assert await tr.downloads([ID]) == []
    assert await tr.downloads([ID]) == []
    sent = [r.headers.get("x-transmission-session-id") for r in fake.server.requests]
    assert sent == ["", SESSION, SESSION]  # one handshake, then the id rides along


async def test_409_forever_is_an_error_not_a_loop(http: HttpService) -> None:
    answer = Response(409, "", {"X-Transmission-Session-Id": "always-another"})
    with LocalServer(lambda _: answer) as server:
        with pytest.raises(errors.BadResponse) as caught:
            await client(server.url, http).check()
    assert caught.value.key == "error.session_refused"
    assert len(server.requests) == HANDSHAKES


async def test_a_409_without_a_session_id_is_not_transmission(http: HttpService) -> None:
    with LocalServer(lambda _: Response(409, "Conflict")) as server:
        with pytest.raises(errors.BadResponse) as caught:
            await client(server.url, http).check()
    assert caught.value.key == "error.session_refused" and len(server.requests) == 1


async def test_wrong_credentials_are_auth_failed_without_the_password(
    serve: Callable[[Answer], FakeTransmission], http: HttpService
) -> None:
    fake = serve(lambda _: success({}))
    with pytest.raises(errors.AuthFailed) as caught:
        await client(fake.server.url, http, password="canary-wrong-pass-9").check()
    assert "canary-wrong-pass-9" not in str(caught.value)
    assert base64.b64encode(b"admin:canary-wrong-pass-9").decode() not in str(caught.value)


@pytest.mark.parametrize(
    ("status", "key"),
    [(403, "error.transmission_whitelist"), (421, "error.transmission_host_whitelist")],
)
async def test_the_whitelists_are_named(status: int, key: str, http: HttpService) -> None:
    with LocalServer(lambda _: Response(status, "<h1>refused</h1>")) as server:
        with pytest.raises(errors.AuthFailed) as caught:
            await client(server.url, http).check()
    assert caught.value.key == key


@pytest.mark.parametrize(
    "body",
    [
        '{"result": "success", "arguments": {"torrents": [{"id": NaN}]}}',
        '{"result": "success", "result": "success", "arguments": {}}',
        '{"result": "success", "arguments": {"torrents": {"not": "a list"}}}',
        json.dumps({"result": "success", "arguments": {"torrents": [row(status="4")]}}),
        json.dumps({"result": "success", "arguments": {"torrents": [row(percentDone=None)]}}),
        json.dumps({"result": "success", "arguments": {"torrents": [row(hashString="x")]}}),
        json.dumps({"result": "success", "arguments": {"torrents": [row(id="1")]}}),
        json.dumps({"result": "success", "arguments": []}),
        json.dumps({"arguments": {}}),
        "<html>not json</html>",
    ],
    ids=[
        "nan",
        "duplicate-key",
        "list-not-list",
        "status-str",
        "progress-null",
        "bad-hash",
        "id-str",
        "arguments-list",
        "no-result",
        "html",
    ],
)
async def test_unreadable_answers_are_bad_response(
    body: str, serve: Callable[[Answer], FakeTransmission], http: HttpService
) -> None:
    fake = serve(lambda _: Response(200, body))
    with pytest.raises(errors.BadResponse):
        await client(fake.server.url, http).downloads([ID])


async def test_an_error_result_is_bad_response_with_the_daemons_words(
    serve: Callable[[Answer], FakeTransmission], http: HttpService
) -> None:
    fake = serve(lambda _: Response(200, json.dumps({"result": "no such method"})))
    with pytest.raises(errors.BadResponse) as caught:
        await client(fake.server.url, http).downloads([ID])
    assert caught.value.key == "error.client_said"
    assert caught.value.params["description"] == "no such method"


async def test_an_answer_over_the_size_cap_is_too_large(
    serve: Callable[[Answer], FakeTransmission], http: HttpService
) -> None:
    huge = {"version": "x" * (128 * 1024), "download-dir": "/d", "rpc-version": 16}
    fake = serve(lambda _: success(huge))
    with pytest.raises(errors.ResponseTooLarge):
        await client(fake.server.url, http).check()


async def test_a_daemon_that_never_answers_times_out() -> None:
    slow = HttpService("tr-slow", HttpPolicy(deadline=0.5, read_timeout=0.5, retries=0))
    with LocalServer(lambda _: Response(200, "", delay=5.0)) as server:
        try:
            with pytest.raises(errors.Timeout):
                await client(server.url, slow).check()
        finally:
            await slow.aclose()


async def test_rows_become_downloads_and_unknown_statuses_are_logged_once(
    serve: Callable[[Answer], FakeTransmission],
    http: HttpService,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = serve(lambda _: success({"torrents": [row(status=17, labels=["tv"], eta=-2)]}))
    tr = client(fake.server.url, http)
    with caplog.at_level(logging.WARNING):
        [first] = await tr.downloads([ID])
        await tr.downloads([ID])
    assert (first.id, first.status, first.raw_status) == (ID, S.UNKNOWN, "17")
    assert (first.category, first.eta, first.download_speed, first.size) == ("tv", None, 512, 1000)
    assert first.content_path == "/data/Dune.2021.2160p" and first.progress == 0.25
    messages = [r.getMessage() for r in caplog.records]
    assert messages.count("fake: unknown torrent status 17") == 1


async def test_torrent_get_asks_only_for_the_needed_fields_of_the_asked_ids(
    serve: Callable[[Answer], FakeTransmission], http: HttpService
) -> None:
    fake = serve(lambda _: success({"torrents": []}))
    await client(fake.server.url, http).downloads([ID.upper(), "not-a-hash", ID])
    [call] = fake.calls
    assert call["method"] == "torrent-get" and call["arguments"]["ids"] == [ID]
    assert "files" not in call["arguments"]["fields"] and "peers" not in call["arguments"]["fields"]


async def test_actions_refuse_ids_that_are_not_hashes(
    serve: Callable[[Answer], FakeTransmission], http: HttpService
) -> None:
    fake = serve(lambda _: success({}))
    tr = client(fake.server.url, http)
    for bad in ("recently-active", "1", ID + "|" + ID):
        with pytest.raises(errors.NotFound):
            await tr.remove([bad], delete_files=True)
    await tr.pause([])  # no ids would mean every torrent to Transmission: nothing is sent
    assert fake.calls == []


@pytest.mark.parametrize(
    ("status", "error", "done", "finished", "metadata", "expected"),
    [
        (0, 0, False, False, False, S.PAUSED),
        (0, 0, True, False, False, S.PAUSED),
        (0, 0, True, True, False, S.COMPLETED),  # stopped itself at its seed limit
        (1, 0, False, False, False, S.CHECKING),
        (2, 0, True, False, False, S.CHECKING),
        (3, 0, False, False, False, S.QUEUED),
        (4, 0, False, False, False, S.DOWNLOADING),
        (4, 0, False, False, True, S.METADATA),
        (4, 2, False, False, False, S.DOWNLOADING),  # a tracker error: the data is fine
        (4, 3, False, False, False, S.ERROR),  # a local error: disk full, files gone
        (5, 0, True, False, False, S.COMPLETED),
        (6, 0, True, False, False, S.COMPLETED),
        (6, 0, False, False, False, S.DOWNLOADING),
        (7, 0, False, False, False, S.UNKNOWN),
    ],
)
def test_status_mapping(
    status: int, error: int, done: bool, finished: bool, metadata: bool, expected: S
) -> None:
    assert map_status(status, error, done=done, finished=finished, metadata=metadata) is expected
