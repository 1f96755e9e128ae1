"""NZBGet adapter: its guards against a hostile peer, its traps, and its real daemon's quirks."""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from adapters.clients.nzbget import NzbgetClient, map_history, map_queue
from core import errors, pathmap
from core.domain import ClientStatus, DownloadRequest, Protocol, ReleaseFile
from core.http import HttpPolicy, HttpService
from core.lifecycle import STALL_AFTER, GrabState, Limits, advance
from core.registry import load
from core.store.models import IntegrationCategory
from tests.clients.conftest import eventually
from tests.conftest import NZBGET_PASSWORD
from tests.support.localserver import LocalServer, Request, Response
from tests.support.nntp import NewsServer, post
from tests.support.nzbget import NzbgetDaemon

POLICY = HttpPolicy(deadline=15.0, retries=0, backoff=0.05)


def make_client(
    url: str, *, password: str = NZBGET_PASSWORD, policy: HttpPolicy = POLICY
) -> NzbgetClient:
    http = HttpService("nzbget", policy)
    return NzbgetClient("nzb", url, http, username="nzbget", password=password)


def nzb(name: str, data: bytes | None = None) -> tuple[DownloadRequest, Any]:
    posted = post(f"{name}.bin", data or os.urandom(2048))
    file = ReleaseFile(f"{name}.nzb", posted.nzb)
    return DownloadRequest(name, Protocol.USENET, file=file), posted


@pytest.fixture
def daemon(nzbget_daemon: NzbgetDaemon) -> Iterator[NzbgetDaemon]:
    nzbget_daemon.clear()
    yield nzbget_daemon
    nzbget_daemon.clear()


@pytest_asyncio.fixture(loop_scope="function")
async def nzbget(daemon: NzbgetDaemon) -> AsyncIterator[NzbgetClient]:
    client = make_client(daemon.url)
    yield client
    await client.aclose()


@pytest.fixture(scope="session")
def offline_daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NzbgetDaemon]:
    """An nzbget with no news server configured at all."""
    if not NzbgetDaemon.available():
        pytest.skip("nzbget is not installed")
    root = tmp_path_factory.mktemp("nzbget-offline")
    with NzbgetDaemon(root, password=NZBGET_PASSWORD) as daemon:
        yield daemon


# --- the real daemon --------------------------------------------------------------------------


def test_registered_as_a_usenet_client() -> None:
    cls = load("nzbget", IntegrationCategory.CLIENT)
    assert cls is NzbgetClient and cls.protocols == (Protocol.USENET,)


async def test_a_job_downloads_from_the_news_server_and_stays_listed(
    nzbget: NzbgetClient, daemon: NzbgetDaemon, news_server: NewsServer
) -> None:
    request, posted = nzb(f"Show.{os.urandom(3).hex()}.S01E02", os.urandom(250_000))
    news_server.serve(posted)
    daemon.rpc("resumedownload")
    id = await nzbget.add(request)
    rows = await eventually(
        lambda: nzbget.downloads([id]), lambda d: d[0].status is ClientStatus.COMPLETED, within=60
    )
    done = rows[0]
    assert (done.raw_status, done.progress, done.size) == ("SUCCESS/HEALTH", 1.0, 250_000)
    content = Path(done.content_path or "")
    assert (content / posted.filename).read_bytes() == posted.data
    assert done.save_path == str(daemon.download_dir)


async def test_missing_articles_end_as_an_error(nzbget: NzbgetClient, daemon: NzbgetDaemon) -> None:
    request, _ = nzb(f"Missing.{os.urandom(3).hex()}")  # never posted: the server answers 430
    daemon.rpc("resumedownload")
    id = await nzbget.add(request)
    rows = await eventually(
        lambda: nzbget.downloads([id]), lambda d: d[0].status is ClientStatus.ERROR, within=60
    )
    assert rows[0].raw_status.startswith("FAILURE/")


async def test_garbage_or_a_dead_link_gets_an_id_and_then_an_error(nzbget: NzbgetClient) -> None:
    """NZBGet accepts both with an NZBID; the failure only shows in its history later."""
    junk = ReleaseFile("Junk.nzb", b"this is no nzb")
    with LocalServer(lambda _: Response(404, b"gone")) as server:
        ids = [
            await nzbget.add(DownloadRequest("Junk", Protocol.USENET, file=junk)),
            await nzbget.add(DownloadRequest("Dead", Protocol.USENET, url=server.url + "/x.nzb")),
        ]
        rows = await eventually(
            lambda: nzbget.downloads(ids),
            lambda d: [r.status for r in d] == [ClientStatus.ERROR] * 2,
            within=60,
        )
    assert [r.raw_status for r in rows] == ["FAILURE/SCAN", "FAILURE/FETCH"]


async def test_an_unknown_category_is_kept_as_given_and_warned_about_once(
    nzbget: NzbgetClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    for _ in range(2):
        request, _ = nzb(f"Cat.{os.urandom(3).hex()}")
        id = await nzbget.add(
            DownloadRequest(request.name, request.protocol, file=request.file, category="Odd-Cat")
        )
        [row] = await nzbget.downloads([id])
        assert row.category == "Odd-Cat"
    warned = [r for r in caplog.records if "not set up in NZBGet" in r.getMessage()]
    assert len(warned) == 1


async def test_a_known_category_takes_nzbgets_own_spelling(
    nzbget: NzbgetClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    request, _ = nzb(f"Cat.{os.urandom(3).hex()}")
    id = await nzbget.add(
        DownloadRequest(request.name, request.protocol, file=request.file, category="TV")
    )
    [row] = await nzbget.downloads([id])
    assert row.category == "tv" and not caplog.records


async def test_a_torrent_or_magnet_is_refused(nzbget: NzbgetClient) -> None:
    with pytest.raises(errors.UserError):
        await nzbget.add(DownloadRequest("x", Protocol.TORRENT, url="http://127.0.0.1/x.torrent"))
    with pytest.raises(errors.UserError):
        await nzbget.add(
            DownloadRequest("x", Protocol.USENET, magnet="magnet:?xt=urn:btih:" + "a" * 40)
        )


@pytest.mark.parametrize("delete_files", [False, True])
async def test_a_queued_job_is_removed_either_way(
    nzbget: NzbgetClient, daemon: NzbgetDaemon, delete_files: bool
) -> None:
    request, _ = nzb(f"Queued.{os.urandom(3).hex()}")
    id = await nzbget.add(request)  # downloading is paused: it waits its turn, not stalled
    assert [(d.id, d.status) for d in await nzbget.downloads([id])] == [(id, ClientStatus.QUEUED)]
    await nzbget.remove([id], delete_files=delete_files)
    assert await nzbget.downloads([id]) == []
    assert [job["NZBID"] for job in daemon.jobs()] == []  # not even hidden in the history


async def test_ids_that_are_not_nzbids_are_refused_for_edits(nzbget: NzbgetClient) -> None:
    assert await nzbget.downloads(["all", "-1", "0"]) == []
    with pytest.raises(errors.NotFound):
        await nzbget.pause(["1,2"])


async def test_no_news_server_means_queued_forever_which_reads_as_stalled(
    offline_daemon: NzbgetDaemon,
) -> None:
    client = make_client(offline_daemon.url)
    try:
        request, _ = nzb(f"Offline.{os.urandom(3).hex()}")
        id = await client.add(request)
        [row] = await client.downloads([id])
        assert (row.status, row.raw_status) == (ClientStatus.STALLED, "QUEUED")
        moved = advance(GrabState.GRABBED, row, progress=0.0, idle=STALL_AFTER + 1, limits=Limits())
        assert moved.state is GrabState.STALLED
    finally:
        await client.aclose()
        offline_daemon.clear()


async def test_the_password_stays_out_of_errors_and_logs(
    daemon: NzbgetDaemon, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = make_client(daemon.url, password="wrong-" + NZBGET_PASSWORD)
    try:
        with pytest.raises(errors.AuthFailed) as raised:
            await wrong.check()
    finally:
        await wrong.aclose()
    assert NZBGET_PASSWORD not in str(raised.value) + repr(raised.value.params)
    assert NZBGET_PASSWORD not in caplog.text


# --- a hostile peer ---------------------------------------------------------------------------


def answering(result: Any = None, raw: bytes | None = None) -> LocalServer:
    body = raw if raw is not None else json.dumps({"version": "1.1", "result": result}).encode()
    return LocalServer(lambda _: Response(200, body, {"Content-Type": "application/json"}))


def queue_row(**fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "NZBID": 7,
        "NZBName": "Job",
        "Status": "QUEUED",
        "Category": "",
        "FileSizeLo": 100,
        "FileSizeHi": 0,
        "RemainingSizeLo": 100,
        "RemainingSizeHi": 0,
        "DownloadedSizeLo": 0,
        "DownloadedSizeHi": 0,
        "DownloadTimeSec": 0,
    }
    return row | fields


def rpc_server(
    queue: list[dict[str, Any]],
    history: list[dict[str, Any]] | None = None,
    dest: str = "/srv/complete",
) -> LocalServer:
    answers = {
        "listgroups": queue,
        "history": history or [],
        "status": {"NewsServers": [{"ID": 1, "Active": True}]},
        "config": [{"Name": "DestDir", "Value": dest}],
    }

    def handle(request: Request) -> Response:
        method = json.loads(request.body)["method"]
        return Response(200, json.dumps({"version": "1.1", "result": answers.get(method, True)}))

    return LocalServer(handle)


async def test_an_answer_over_the_size_cap_is_refused() -> None:
    with answering("x" * 5000) as server:
        client = make_client(server.url, policy=HttpPolicy(max_bytes=1000, retries=0))
        with pytest.raises(errors.ResponseTooLarge):
            await client.check()
        await client.aclose()


@pytest.mark.parametrize(
    "raw",
    [
        b'{"version": "1.1", "result": NaN}',
        b'{"version": "1.1", "result": "21.0", "result": "22.0"}',
        b'{"version": "1.1", "result": 21}',
        b'{"version": "1.1", "error": {"code": 1, "message": "Invalid procedure"}}',
        b"<html>not json</html>",
    ],
    ids=["nan", "duplicate-key", "wrong-type", "rpc-error", "not-json"],
)
async def test_unreadable_json_is_bad_response(raw: bytes) -> None:
    with answering(raw=raw) as server:
        client = make_client(server.url)
        with pytest.raises(errors.BadResponse):
            await client.check()
        await client.aclose()


@pytest.mark.parametrize(
    "fields",
    [
        {"NZBID": "7"},
        {"FileSizeLo": "100"},
        {"FileSizeLo": 2**32},
        {"Status": None},
        {"NZBName": 5},
    ],
    ids=["id-as-text", "size-as-text", "size-overflow", "no-status", "name-as-number"],
)
async def test_rows_with_wrong_types_are_bad_response(fields: dict[str, Any]) -> None:
    with rpc_server([queue_row(**fields)]) as server:
        client = make_client(server.url)
        with pytest.raises(errors.BadResponse):
            await client.downloads(["7"])
        await client.aclose()


async def test_an_unknown_status_is_unknown_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    with rpc_server([queue_row(Status="TELEPORTING")]) as server:
        client = make_client(server.url)
        for _ in range(3):
            [row] = await client.downloads(["7"])
            assert (row.status, row.raw_status) == (ClientStatus.UNKNOWN, "TELEPORTING")
        await client.aclose()
    assert len([r for r in caplog.records if "TELEPORTING" in r.getMessage()]) == 1


async def test_a_peer_that_never_answers_times_out() -> None:
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        client = make_client(url, policy=HttpPolicy(read_timeout=5.0, deadline=0.5, retries=0))
        with pytest.raises(errors.Timeout):
            await client.check()
        await client.aclose()


async def test_deleting_files_outside_its_folders_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    row = {
        "NZBID": 9,
        "Name": "Job",
        "Status": "SUCCESS/ALL",
        "FileSizeLo": 1,
        "FileSizeHi": 0,
        "DestDir": str(victim),
        "Category": "",
    }
    with rpc_server([], [row]) as server:
        client = make_client(server.url)
        with pytest.raises(errors.BadResponse) as raised:
            await client.remove(["9"], delete_files=True)
        await client.aclose()
    assert raised.value.key == "error.client_path_outside" and victim.exists()


async def test_files_are_deleted_through_the_path_map(tmp_path: Path) -> None:
    job = tmp_path / "complete" / "Job"
    job.mkdir(parents=True)
    (job / "a.mkv").write_bytes(b"x")
    row = {
        "NZBID": 9,
        "Name": "Job",
        "Status": "SUCCESS/ALL",
        "FileSizeLo": 1,
        "FileSizeHi": 0,
        "DestDir": "/downloads/complete/Job",
        "Category": "",
    }
    maps = (pathmap.parse(f"/downloads={tmp_path}"),)
    with rpc_server([], [row], dest="/downloads/complete") as server:
        http = HttpService("nzbget", POLICY)
        client = NzbgetClient("nzb", server.url, http, path_map=maps)
        await client.remove(["9"], delete_files=True)
        await client.aclose()
    assert not job.exists() and (tmp_path / "complete").is_dir()


# --- the status table -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("QUEUED", ClientStatus.QUEUED),
        ("PAUSED", ClientStatus.PAUSED),
        ("DOWNLOADING", ClientStatus.DOWNLOADING),
        ("FETCHING", ClientStatus.METADATA),
        ("REPAIRING", ClientStatus.CHECKING),
        ("UNPACKING", ClientStatus.CHECKING),
        ("PP_FINISHED", ClientStatus.CHECKING),
        ("WHATEVER", ClientStatus.UNKNOWN),
    ],
)
def test_queue_statuses(raw: str, status: ClientStatus) -> None:
    assert map_queue(raw) is status


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("SUCCESS/HEALTH", ClientStatus.COMPLETED),
        ("SUCCESS/ALL", ClientStatus.COMPLETED),
        ("FAILURE/HEALTH", ClientStatus.ERROR),
        ("FAILURE/FETCH", ClientStatus.ERROR),
        ("WARNING/DAMAGED", ClientStatus.ERROR),
        ("DELETED/HEALTH", ClientStatus.ERROR),
        ("DELETED/MANUAL", None),
        ("ODD/THING", ClientStatus.UNKNOWN),
    ],
)
def test_history_statuses(raw: str, status: ClientStatus | None) -> None:
    assert map_history(raw) is status


# --- reading rows -----------------------------------------------------------------------------


async def test_a_listing_over_its_cap_is_refused() -> None:
    huge = 64 * 1024 * 1024  # declared only: the cap is checked before the body is read
    reply = Response(200, b"[]", {"Content-Type": "application/json"}, content_length=huge)
    with LocalServer(lambda _: reply) as server:
        client = make_client(server.url)
        with pytest.raises(errors.ResponseTooLarge):
            await client.downloads(["7"])
        await client.aclose()


async def test_sizes_join_their_halves_and_speed_is_the_jobs_average() -> None:
    row = queue_row(
        Status="DOWNLOADING",
        FileSizeLo=0,
        FileSizeHi=1,  # 4 GiB
        RemainingSizeLo=2**31,
        RemainingSizeHi=0,
        DownloadedSizeLo=2**31,
        DownloadTimeSec=2**10,
    )
    with rpc_server([row]) as server:
        client = make_client(server.url + "/jsonrpc")  # the URL may name the endpoint
        [job] = await client.downloads(["7"])
        await client.aclose()
    assert (job.size, job.progress) == (2**32, 0.5)
    assert (job.download_speed, job.eta) == (2**21, 2**10)
    assert {r.path for r in server.requests} == {"/jsonrpc"}
