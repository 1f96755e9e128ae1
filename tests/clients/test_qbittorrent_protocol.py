"""QBittorrentClient against scripted WebAPI peers: 5.x names, 403 handling, 5.x add answers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from urllib.parse import parse_qs

import pytest
import pytest_asyncio

from adapters.clients.qbittorrent import QBittorrentClient
from core import errors
from core.domain import DownloadRequest, Protocol
from core.http import HttpPolicy, HttpService
from tests.support.localserver import LocalServer, Request, Response
from tests.support.torrents import make_torrent

PASSWORD = "right-pass-1"
ID = "ef" * 20  # a torrent id the scripted peers are asked about
LOGIN = "/api/v2/auth/login"
Route = Callable[[Request], Response]


def ok(_: Request) -> Response:
    return Response(200, "")


class FakeQbt:
    """A WebAPI peer: routes by path, wants the cookie its login handed out, records paths."""

    def __init__(self, routes: dict[str, Route], *, webapi: str = "2.11.2") -> None:
        self.routes: dict[str, Route] = {
            LOGIN: self._login,
            "/api/v2/app/webapiVersion": lambda _: Response(200, webapi),
            **routes,
        }
        self.server = LocalServer(self._handle)

    def _login(self, request: Request) -> Response:
        if parse_qs(request.body.decode()).get("password") == [PASSWORD]:
            return Response(200, "Ok.", {"Set-Cookie": "SID=fake-session; HttpOnly; path=/"})
        return Response(200, "Fails.")

    def _handle(self, request: Request) -> Response:
        route = self.routes.get(request.path)
        if route is None:
            return Response(404, "Not Found")
        cookie = request.headers.get("cookie", "")
        if request.path != LOGIN and "SID=fake-session" not in cookie:
            return Response(403, "Forbidden")
        return route(request)

    def paths(self) -> list[str]:
        return [r.path.removeprefix("/api/v2/") for r in self.server.requests]


@pytest.fixture
def serve() -> Iterator[Callable[..., FakeQbt]]:
    started: list[FakeQbt] = []

    def start(routes: dict[str, Route], **kwargs: str) -> FakeQbt:
        fake = FakeQbt(routes, **kwargs)
        fake.server.start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.server.stop()


@pytest_asyncio.fixture(loop_scope="function")
async def http() -> AsyncIterator[HttpService]:
    service = HttpService("qbt-fake", HttpPolicy(deadline=5.0, retries=0))
    yield service
    await service.aclose()


def client(fake: FakeQbt, http: HttpService, password: str = PASSWORD) -> QBittorrentClient:
    return QBittorrentClient("fake", fake.server.url, http, username="admin", password=password)


@pytest.mark.parametrize(
    ("webapi", "pause", "resume"),
    [
        ("2.11.2", "torrents/stop", "torrents/start"),
        ("2.8.19", "torrents/pause", "torrents/resume"),
    ],
)
async def test_pause_and_resume_names_follow_the_webapi_version(
    serve: Callable[..., FakeQbt], http: HttpService, webapi: str, pause: str, resume: str
) -> None:
    # Only the names of the version at hand exist: the others answer 404, as on a real daemon.
    fake = serve({f"/api/v2/{pause}": ok, f"/api/v2/{resume}": ok}, webapi=webapi)
    qbt = client(fake, http)
    await qbt.pause(["ab" * 20])
    await qbt.resume(["ab" * 20])
    called = [p for p in fake.paths() if p.startswith("torrents/")]
    assert called == [pause, resume]
    bodies = [r.body for r in fake.server.requests if r.path.startswith("/api/v2/torrents/")]
    assert bodies == [b"hashes=" + b"ab" * 20] * 2


async def test_a_403_logs_in_once_more_then_gives_up(
    serve: Callable[..., FakeQbt], http: HttpService
) -> None:
    fake = serve({"/api/v2/torrents/info": lambda _: Response(403, "Forbidden")})
    with pytest.raises(errors.AuthFailed):
        await client(fake, http).downloads([ID])
    assert fake.paths() == ["auth/login", "torrents/info", "auth/login", "torrents/info"]


async def test_a_banned_address_is_auth_failed_without_a_loop(
    serve: Callable[..., FakeQbt], http: HttpService
) -> None:
    banned = "Your IP address has been banned after too many failed authentication attempts."
    fake = serve({LOGIN: lambda _: Response(403, banned)})
    with pytest.raises(errors.AuthFailed):
        await client(fake, http).downloads([ID])
    assert fake.paths() == ["auth/login"]


async def test_login_sends_our_own_origin_as_referer(
    serve: Callable[..., FakeQbt], http: HttpService
) -> None:
    fake = serve({"/api/v2/torrents/info": lambda _: Response(200, "[]")})
    assert await client(fake, http).downloads([ID]) == []
    login = fake.server.requests[0]
    assert login.headers["referer"] == fake.server.url + "/"


async def test_no_credentials_means_no_login(
    serve: Callable[..., FakeQbt], http: HttpService
) -> None:
    fake = serve({})
    fake.routes["/api/v2/app/version"] = lambda _: Response(200, "v5.0.4")
    fake.routes.pop(LOGIN)
    qbt = QBittorrentClient("fake", fake.server.url, http)
    with pytest.raises(errors.AuthFailed):  # this peer wants a cookie nobody can get
        await qbt.check()
    assert fake.paths() == ["app/version"]


def _json_add(answer: dict[str, object], status: int = 200) -> Route:
    return lambda _: Response(status, json.dumps(answer), {"Content-Type": "application/json"})


async def test_a_5x_add_answer_gives_the_hash_of_a_url_add(
    serve: Callable[..., FakeQbt], http: HttpService
) -> None:
    added = "cd" * 20
    answer = {"added_torrent_ids": [added], "failure_count": 0, "pending_count": 0}
    fake = serve(
        {
            "/api/v2/torrents/add": _json_add({**answer, "success_count": 1}),
            "/api/v2/torrents/info": lambda _: Response(200, json.dumps([{"hash": added}])),
        }
    )
    request = DownloadRequest("x", Protocol.TORRENT, url="http://indexer.invalid/get/1")
    assert await client(fake, http).add(request) == added


async def test_a_5x_add_that_failed_is_conflict(
    serve: Callable[..., FakeQbt], http: HttpService
) -> None:
    answer = {"added_torrent_ids": [], "failure_count": 1, "pending_count": 0, "success_count": 0}
    fake = serve({"/api/v2/torrents/add": _json_add(answer, 409)})
    torrent = make_torrent("x", b"payload")
    with pytest.raises(errors.Conflict) as caught:
        await client(fake, http).add(torrent.request())
    assert caught.value.key == "error.duplicate_download"


async def test_add_sends_both_paused_names_and_manual_save_path(
    serve: Callable[..., FakeQbt], http: HttpService
) -> None:
    torrent = make_torrent("x", b"payload")
    listed = json.dumps([{"hash": torrent.info_hash}])
    fake = serve(
        {
            "/api/v2/torrents/add": lambda _: Response(200, "Ok."),
            "/api/v2/torrents/info": lambda _: Response(200, listed),
        }
    )
    request = DownloadRequest(
        "x", Protocol.TORRENT, magnet=torrent.magnet(), save_path="/data/x", paused=True
    )
    assert await client(fake, http).add(request) == torrent.info_hash
    [add] = [r for r in fake.server.requests if r.path.endswith("/add")]
    form = parse_qs(add.body.decode())
    assert form["paused"] == form["stopped"] == ["true"]
    assert form["autoTMM"] == ["false"] and form["savepath"] == ["/data/x"]
    assert form["urls"] == [torrent.magnet()]


async def test_rows_become_downloads_and_unknown_states_are_logged_once(
    serve: Callable[..., FakeQbt], http: HttpService, caplog: pytest.LogCaptureFixture
) -> None:
    row = {
        "hash": "EF" * 20,
        "name": "Dune.2021.2160p",
        "state": "somethingNew",
        "progress": 0.25,
        "size": 1000,
        "eta": 8640000,
        "dlspeed": 512,
        "category": "",
        "save_path": "/data/",
        "content_path": "/data/Dune.2021.2160p",
        "num_complete": -1,
    }
    fake = serve({"/api/v2/torrents/info": lambda _: Response(200, json.dumps([row]))})
    qbt = client(fake, http)
    [first] = await qbt.downloads([ID])
    await qbt.downloads([ID])
    assert (first.id, first.status, first.raw_status) == ("ef" * 20, "unknown", "somethingNew")
    assert (first.eta, first.seeders, first.category, first.download_speed) == (
        None,
        None,
        None,
        512,
    )
    assert first.save_path == "/data/" and first.size == 1000 and first.progress == 0.25
    assert [r.getMessage() for r in caplog.records].count(
        "fake: unknown torrent state 'somethingNew'"
    ) == 1


async def test_a_row_without_a_hash_is_bad_response(
    serve: Callable[..., FakeQbt], http: HttpService
) -> None:
    body = json.dumps([{"name": "x", "state": "downloading", "progress": 0, "size": 1}])
    fake = serve({"/api/v2/torrents/info": lambda _: Response(200, body)})
    with pytest.raises(errors.BadResponse):
        await client(fake, http).downloads([ID])


async def test_a_refused_login_is_not_retried_at_once(
    serve: Callable[..., FakeQbt], http: HttpService
) -> None:
    fake = serve({"/api/v2/torrents/info": lambda _: Response(200, "[]")})
    qbt = client(fake, http, password="wrong-pass-2")
    for _ in range(3):  # a poller's next rounds
        with pytest.raises(errors.AuthFailed):
            await qbt.downloads([ID])
    assert fake.paths() == ["auth/login"]
    qbt._password = PASSWORD  # the password is fixed and the backoff has run out:
    qbt._refused_until = 0.0
    assert await qbt.downloads([ID]) == []
    assert fake.paths() == ["auth/login", "auth/login", "torrents/info"]


def _checkable(free: int) -> dict[str, Route]:
    maindata = {"rid": 1, "full_update": True, "server_state": {"free_space_on_disk": free}}
    categories = {"films": {"name": "films", "savePath": "/srv/films"}}
    return {
        "/api/v2/app/version": lambda _: Response(200, "v5.0.4"),
        "/api/v2/app/defaultSavePath": lambda _: Response(200, "/downloads"),
        "/api/v2/torrents/categories": lambda _: Response(200, json.dumps(categories)),
        "/api/v2/sync/maindata": lambda _: Response(200, json.dumps(maindata)),
    }


@pytest.mark.parametrize(("reported", "free"), [(0, None), (123_456_789, 123_456_789)])
async def test_check_reads_zero_free_bytes_as_not_measured_yet(
    serve: Callable[..., FakeQbt], http: HttpService, reported: int, free: int | None
) -> None:
    check = await client(serve(_checkable(reported)), http).check()
    assert (check.version, check.free_space) == ("v5.0.4", free)
    assert check.roots == ("/downloads", "/srv/films")


async def test_many_ids_ride_on_the_sync_and_few_on_a_filtered_listing(
    serve: Callable[..., FakeQbt], http: HttpService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("adapters.clients.qbittorrent.client.SYNC_FROM", 2)
    fake = serve(
        {
            "/api/v2/torrents/info": lambda _: Response(200, "[]"),
            "/api/v2/sync/maindata": lambda _: Response(200, json.dumps({"rid": 1})),
        }
    )
    qbt = client(fake, http)
    assert await qbt.downloads([ID]) == []
    assert await qbt.downloads([ID, "ab" * 20]) == []
    assert await qbt.downloads(["not-a-hash", "x|y"]) == []  # nothing to ask about
    assert fake.paths() == ["auth/login", "torrents/info", "sync/maindata"]
    [listing] = [r for r in fake.server.requests if r.path.endswith("/info")]
    assert listing.query == {"hashes": [ID]}
