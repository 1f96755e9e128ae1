"""DelugeClient against scripted JSON-RPC peers: the guards every answer passes through."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
import pytest_asyncio

from adapters.clients.deluge import DelugeClient
from adapters.clients.deluge import rpc as deluge_rpc
from core import errors
from core.domain import ClientStatus, DownloadRequest, Protocol
from core.http import HttpPolicy, HttpService
from tests.support.localserver import LocalServer, Request, Response

PASSWORD = "canary-scripted-deluge"
ID = "ab" * 20
HOST = "f" * 32
Method = Callable[[list[Any]], Any]  # params -> result, or a Response to send as it is


def row(**changes: Any) -> dict[str, Any]:
    base = {
        "name": "Show.S01E01",
        "state": "Downloading",
        "progress": 50.0,
        "total_wanted": 4096,
        "total_size": 4096,
        "download_location": "/downloads",
        "label": "tv",
        "eta": 30,
        "download_payload_rate": 1000.0,
        "num_seeds": 2,
    }
    return base | changes


class Fault:
    """A JSON-RPC error object in place of a result."""

    def __init__(self, code: int) -> None:
        self.code = code


class FakeDeluge:
    """A deluge-web peer: answers JSON-RPC by method name, connected from the start unless
    told otherwise; `web.connect` answers null `nulls` times before it works."""

    def __init__(self, methods: dict[str, Method], *, connected: bool = True, nulls: int = 0):
        self.connected = connected
        self.nulls = nulls
        self.calls: list[str] = []
        self.methods: dict[str, Method] = {
            "auth.login": lambda p: p == [PASSWORD],
            "web.connected": lambda _: self.connected,
            "web.get_hosts": lambda _: [[HOST, "127.0.0.1", 58846, "admin"]],
            "web.connect": self._connect,
            "web.get_host_status": lambda _: [HOST, "Connected", "2.0.3"],
            **methods,
        }
        self.server = LocalServer(self._handle)

    def _connect(self, _: list[Any]) -> Any:
        if self.nulls > 0:
            self.nulls -= 1
            return None
        self.connected = True
        return ["core.get_torrents_status"]

    def _handle(self, request: Request) -> Response:
        call = json.loads(request.body)
        self.calls.append(call["method"])
        answer = self.methods[call["method"]](call["params"])
        if isinstance(answer, Response):  # scripted bytes: "@ID@" becomes this call's id
            body_ = answer.body.encode() if isinstance(answer.body, str) else answer.body
            answer.body = body_.replace(b"@ID@", str(call["id"]).encode())
            return answer
        body = {"result": answer, "error": None, "id": call["id"]}
        if isinstance(answer, Fault):
            body |= {"result": None, "error": {"message": "Traceback ...", "code": answer.code}}
        return Response(200, json.dumps(body), {"Content-Type": "application/json"})


@pytest.fixture
def serve() -> Iterator[Callable[..., FakeDeluge]]:
    started: list[FakeDeluge] = []

    def start(methods: dict[str, Method], **kwargs: Any) -> FakeDeluge:
        fake = FakeDeluge(methods, **kwargs)
        fake.server.start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.server.stop()


@pytest_asyncio.fixture(loop_scope="function")
async def http() -> AsyncIterator[HttpService]:
    service = HttpService("deluge-fake", HttpPolicy(deadline=5.0, retries=0, max_bytes=64 * 1024))
    yield service
    await service.aclose()


def client(url: str, http: HttpService, password: str = PASSWORD) -> DelugeClient:
    return DelugeClient("deluge", url, http, password=password)


def listing(answer: Any) -> dict[str, Method]:
    return {"core.get_torrents_status": lambda _: answer}


def raw(body: str | bytes, **headers: str) -> Method:
    """A reply sent byte for byte (a fresh Response each call: the fake fills in the id)."""
    return lambda _: Response(200, body, {"Content-Type": "application/json", **headers})


async def test_a_row_becomes_a_download(serve: Callable[..., FakeDeluge], http: HttpService):
    fake = serve(listing({ID: row()}))
    [download] = await client(fake.server.url, http).downloads([ID.upper(), "not-a-hash"])
    assert download.id == ID and download.status is ClientStatus.DOWNLOADING
    assert (download.progress, download.size, download.eta) == (0.5, 4096, 30)
    assert (download.category, download.download_speed, download.seeders) == ("tv", 1000, 2)
    assert download.content_path == "/downloads/Show.S01E01"


async def test_only_the_needed_keys_and_the_asked_ids_are_requested(
    serve: Callable[..., FakeDeluge], http: HttpService
) -> None:
    seen: list[list[Any]] = []
    fake = serve({"core.get_torrents_status": lambda p: seen.append(p) or {}})
    assert await client(fake.server.url, http).downloads([ID, "cd" * 20]) == []
    [[filter_, keys]] = seen
    assert filter_ == {"id": [ID, "cd" * 20]}
    assert "files" not in keys and "peers" not in keys and len(keys) <= 10


async def test_the_web_ui_is_connected_by_outpost_retrying_a_null_connect(
    serve: Callable[..., FakeDeluge], http: HttpService
) -> None:
    """deluge-web starts disconnected; a web.connect before deluged listens answers null."""
    fake = serve(listing({}), connected=False, nulls=2)
    assert await client(fake.server.url, http).downloads([ID]) == []
    assert fake.calls.count("web.connect") == 3 and fake.connected


async def test_a_web_ui_that_never_connects_is_a_clear_error(
    serve: Callable[..., FakeDeluge], http: HttpService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(deluge_rpc, "CONNECT_TIMEOUT", 0.5)
    fake = serve(listing({}), connected=False, nulls=10**6)
    with pytest.raises(errors.Unavailable) as caught:
        await client(fake.server.url, http).check()
    assert caught.value.key == "error.deluge_no_daemon"
    assert 2 <= fake.calls.count("web.connect") <= 10  # bounded, not a tight loop


async def test_a_daemon_restart_is_reconnected_once(
    serve: Callable[..., FakeDeluge], http: HttpService
) -> None:
    """While disconnected, deluge-web answers every core.* call "Unknown method" (code 2)."""
    fake = serve({})
    fake.methods["core.get_torrents_status"] = lambda _: {} if fake.connected else Fault(2)
    adapter = client(fake.server.url, http)
    assert await adapter.downloads([ID]) == []
    fake.connected = False
    assert await adapter.downloads([ID]) == []
    assert fake.calls.count("web.connect") == 1 and fake.calls.count("auth.login") == 2


async def test_a_daemon_side_failure_of_an_add_is_typed(
    serve: Callable[..., FakeDeluge], http: HttpService
) -> None:
    fake = serve(listing({}) | {"core.add_torrent_url": lambda _: Fault(4)})
    request = DownloadRequest("x", Protocol.TORRENT, url="http://indexer.invalid/x.torrent")
    with pytest.raises(errors.BadResponse) as caught:
        await client(fake.server.url, http).add(request)
    assert caught.value.key == "error.add_refused" and "Traceback" not in str(caught.value)


async def test_a_wrong_password_is_auth_failed_and_never_shown(
    serve: Callable[..., FakeDeluge], http: HttpService, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = serve(listing({}))
    with pytest.raises(errors.AuthFailed) as caught:
        await client(fake.server.url, http, password="canary-wrong-pw").check()
    assert "canary-wrong-pw" not in str(caught.value) + caplog.text
    assert fake.calls == ["auth.login"]


@pytest.mark.parametrize(
    "body",
    [
        '{"result": {"ID": {"progress": NaN}}, "error": null, "id": @ID@}'.replace("ID", ID, 1),
        '{"result": {}, "result": {}, "error": null, "id": @ID@}',
        "<html>not json</html>",
        '{"error": null, "id": @ID@}',
        '{"result": {}, "error": null, "id": 999}',
    ],
    ids=["nan", "duplicate-keys", "not-json", "no-result", "wrong-id"],
)
async def test_unreadable_json_is_bad_response(
    serve: Callable[..., FakeDeluge], http: HttpService, body: str
) -> None:
    fake = serve({"core.get_torrents_status": raw(body)})
    with pytest.raises(errors.BadResponse):
        await client(fake.server.url, http).downloads([ID])


@pytest.mark.parametrize(
    "answer",
    [
        [ID],
        {ID: "Downloading"},
        {ID: row(progress="50")},
        {ID: row(state=None)},
        {ID: row(total_wanted=True)},
        {ID: row(name=7)},
    ],
    ids=["list", "row-not-object", "progress-text", "no-state", "size-bool", "name-int"],
)
async def test_wrong_types_are_bad_response(
    serve: Callable[..., FakeDeluge], http: HttpService, answer: Any
) -> None:
    fake = serve(listing(answer))
    with pytest.raises(errors.BadResponse):
        await client(fake.server.url, http).downloads([ID])


async def test_an_answer_past_the_size_cap_is_refused(
    serve: Callable[..., FakeDeluge], http: HttpService
) -> None:
    fake = serve({"web.get_hosts": raw(b" " * (128 * 1024))}, connected=False)
    with pytest.raises(errors.ResponseTooLarge):
        await client(fake.server.url, http).check()


async def test_an_unknown_state_is_unknown_and_logged_once(
    serve: Callable[..., FakeDeluge], http: HttpService, caplog: pytest.LogCaptureFixture
) -> None:
    fake = serve(listing({ID: row(state="Hibernating")}))
    adapter = client(fake.server.url, http)
    for _ in range(3):
        [download] = await adapter.downloads([ID])
        assert download.status is ClientStatus.UNKNOWN and download.raw_status == "Hibernating"
    assert [r.message for r in caplog.records].count(
        "deluge: unknown torrent state 'Hibernating'"
    ) == 1


async def test_a_peer_that_never_answers_times_out() -> None:
    with socket.socket() as listener:  # accepts (the kernel's backlog) and never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        policy = HttpPolicy(deadline=1.0, read_timeout=0.5, retries=0)
        async with HttpService("deluge-silent", policy) as http:
            with pytest.raises(errors.Timeout):
                await client(url, http).check()
