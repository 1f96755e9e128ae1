"""SABnzbd adapter against the real sabnzbdplus: downloads, failures, keys, categories, removal."""

from __future__ import annotations

import asyncio
import json
import os
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from adapters.clients.sabnzbd import SabnzbdClient
from core import errors
from core.domain import ClientStatus, DownloadRequest, Protocol, ReleaseFile
from core.http import HttpPolicy, HttpService
from core.lifecycle import STALL_AFTER, GrabState, Limits, advance
from core.registry import load
from core.store.models import IntegrationCategory
from tests.clients.conftest import eventually
from tests.conftest import SABNZBD_API_KEY
from tests.support.capture import Captured
from tests.support.nntp import NewsServer, post
from tests.support.sabnzbd import SabnzbdDaemon

POLICY = HttpPolicy(deadline=15.0, retries=0, backoff=0.05)


def make_client(
    url: str, *, api_key: str = SABNZBD_API_KEY, policy: HttpPolicy = POLICY
) -> SabnzbdClient:
    return SabnzbdClient("sab", url, HttpService("sabnzbd", policy), api_key=api_key)


def nzb(name: str, data: bytes | None = None, **options: Any) -> tuple[DownloadRequest, Any]:
    posted = post(f"{name}.bin", data or os.urandom(2048))
    file = ReleaseFile(f"{name}.nzb", posted.nzb)
    return DownloadRequest(name, Protocol.USENET, file=file, **options), posted


@pytest.fixture
def daemon(sabnzbd_daemon: SabnzbdDaemon) -> Iterator[SabnzbdDaemon]:
    sabnzbd_daemon.clear()
    yield sabnzbd_daemon
    sabnzbd_daemon.clear()


@pytest_asyncio.fixture(loop_scope="function")
async def sab(daemon: SabnzbdDaemon) -> AsyncIterator[SabnzbdClient]:
    client = make_client(daemon.url)
    yield client
    await client.aclose()


@pytest.fixture(scope="session")
def offline_daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SabnzbdDaemon]:
    """A sabnzbdplus with no news server configured at all."""
    if not SabnzbdDaemon.available():
        pytest.skip("sabnzbdplus is not installed")
    root = tmp_path_factory.mktemp("sabnzbd-offline")
    with SabnzbdDaemon(root, api_key=SABNZBD_API_KEY) as daemon:
        yield daemon


def test_registered_as_a_usenet_client() -> None:
    cls = load("sabnzbd", IntegrationCategory.CLIENT)
    assert cls is SabnzbdClient and cls.protocols == (Protocol.USENET,)


async def test_a_job_downloads_from_the_news_server_and_stays_listed(
    sab: SabnzbdClient, daemon: SabnzbdDaemon, news_server: NewsServer
) -> None:
    request, posted = nzb(f"Show.{os.urandom(3).hex()}.S01E02", os.urandom(250_000))
    news_server.serve(posted)
    daemon.api("resume")
    id = await sab.add(request)
    rows = await eventually(
        lambda: sab.downloads([id]), lambda d: d[0].status is ClientStatus.COMPLETED, within=60
    )
    done = rows[0]
    assert (done.raw_status, done.progress, done.size) == ("Completed", 1.0, 250_000)
    # SABnzbd's `storage` names the lone file; the download is the job's folder
    assert done.content_path == str(daemon.download_dir / request.name)
    assert (Path(done.content_path) / posted.filename).read_bytes() == posted.data
    assert done.save_path == str(daemon.download_dir)


async def test_missing_articles_end_as_an_error(sab: SabnzbdClient, daemon: SabnzbdDaemon) -> None:
    request, _ = nzb(f"Missing.{os.urandom(3).hex()}")  # never posted: the server answers 430
    daemon.api("resume")
    id = await sab.add(request)
    rows = await eventually(
        lambda: sab.downloads([id]), lambda d: d[0].status is ClientStatus.ERROR, within=60
    )
    assert rows[0].raw_status == "Failed"
    [job] = [j for j in daemon.api("history")["history"]["slots"] if j["nzo_id"] == id]
    assert "Not on your server" in job["fail_message"]


async def test_a_file_that_is_no_nzb_is_refused_at_add(sab: SabnzbdClient) -> None:
    junk = ReleaseFile("Junk.nzb", b"this is no nzb")
    with pytest.raises(errors.BadResponse) as raised:
        await sab.add(DownloadRequest("Junk", Protocol.USENET, file=junk))
    assert raised.value.key == "error.download_not_confirmed"


async def test_a_missing_category_is_created_lower_cased(
    sab: SabnzbdClient, daemon: SabnzbdDaemon
) -> None:
    """SABnzbd files a job whose category it does not know under "*", silently."""
    cat = f"Odd-{os.urandom(2).hex()}"
    request, _ = nzb(f"Cat.{os.urandom(3).hex()}", category=cat)
    id = await sab.add(request)
    [row] = await sab.downloads([id])
    assert row.category == cat.lower()
    assert cat.lower() in daemon.api("get_cats")["categories"]


async def test_a_job_without_category_has_none(sab: SabnzbdClient) -> None:
    request, _ = nzb(f"NoCat.{os.urandom(3).hex()}")
    [row] = await sab.downloads([await sab.add(request)])
    assert (row.category, row.status) == (None, ClientStatus.QUEUED)  # the queue is paused


async def test_a_torrent_or_magnet_is_refused(sab: SabnzbdClient) -> None:
    with pytest.raises(errors.UserError):
        await sab.add(DownloadRequest("x", Protocol.TORRENT, url="http://127.0.0.1/x.torrent"))
    with pytest.raises(errors.UserError):
        magnet = "magnet:?xt=urn:btih:" + "a" * 40
        await sab.add(DownloadRequest("x", Protocol.USENET, magnet=magnet))


@pytest.mark.parametrize("delete_files", [False, True])
async def test_a_queued_job_is_removed_either_way(
    sab: SabnzbdClient, daemon: SabnzbdDaemon, delete_files: bool
) -> None:
    request, _ = nzb(f"Queued.{os.urandom(3).hex()}")
    id = await sab.add(request)
    folder = daemon.incomplete_dir / request.name
    assert folder.is_dir()  # SABnzbd makes the job's incomplete folder at add
    await sab.remove([id], delete_files=delete_files)
    assert await sab.downloads([id]) == []
    assert daemon.jobs() == []  # not even hidden in the history
    assert folder.exists() is not delete_files


async def test_ids_that_are_not_nzo_ids_are_refused_for_edits(
    sab: SabnzbdClient, daemon: SabnzbdDaemon
) -> None:
    """SABnzbd reads value=all as every job and splits on commas: neither may reach it."""
    request, _ = nzb(f"Kept.{os.urandom(3).hex()}")
    id = await sab.add(request)
    assert await sab.downloads(["all", "-1", f"{id},{id}"]) == []
    for ids in (["all"], [f"{id},SABnzbd_nzo_x"], ["SABnzbd_nzo_a b"]):
        with pytest.raises(errors.NotFound):
            await sab.remove(ids, delete_files=True)
    assert [j["nzo_id"] for j in daemon.jobs()] == [id]


async def test_pause_and_resume_one_job_leave_the_others(
    sab: SabnzbdClient, daemon: SabnzbdDaemon
) -> None:
    first = await sab.add(nzb(f"First.{os.urandom(3).hex()}")[0])
    second = await sab.add(nzb(f"Second.{os.urandom(3).hex()}")[0])
    await sab.pause([first])
    rows = await sab.downloads([first, second])
    assert [(d.id, d.status) for d in rows] == [
        (first, ClientStatus.PAUSED),
        (second, ClientStatus.QUEUED),
    ]
    await sab.resume([first])
    assert [d.status for d in await sab.downloads([first])] == [ClientStatus.QUEUED]


async def test_no_news_server_means_downloading_at_nothing_which_reads_as_stalled(
    offline_daemon: SabnzbdDaemon,
) -> None:
    """With no server SABnzbd lists the job as Downloading at 0 % forever."""
    client = make_client(offline_daemon.url)
    try:
        request, _ = nzb(f"Offline.{os.urandom(3).hex()}")
        id = await client.add(request)
        [row] = await client.downloads([id])
        assert (row.status, row.raw_status, row.progress) == (
            ClientStatus.STALLED,
            "Downloading",
            0.0,
        )
        moved = advance(GrabState.GRABBED, row, progress=0.0, idle=STALL_AFTER + 1, limits=Limits())
        assert moved.state is GrabState.STALLED
    finally:
        await client.aclose()
        offline_daemon.clear()


async def test_check_reads_version_space_and_the_category_folders(
    sab: SabnzbdClient, daemon: SabnzbdDaemon
) -> None:
    check = await sab.check()
    assert check.version == "3.7.1"
    assert check.free_space and check.free_space > 0
    assert check.roots[:3] == (
        str(daemon.download_dir),
        str(daemon.download_dir / "tv"),
        str(daemon.download_dir / "movies"),
    )


# --- keys -------------------------------------------------------------------------------------


async def test_a_wrong_key_is_auth_failed_though_mode_version_answers_it(
    daemon: SabnzbdDaemon, logs: Captured
) -> None:
    """The key travels in the URL (apikey=): every log line, after the production redacting
    filter, and every error text must still go without it."""
    wrong_key = "0" * 32
    wrong = make_client(daemon.url, api_key=wrong_key)
    try:
        with pytest.raises(errors.AuthFailed) as raised:
            await wrong.check()
        with pytest.raises(errors.AuthFailed):
            await wrong.downloads(["SABnzbd_nzo_abc"])
    finally:
        await wrong.aclose()
    assert raised.value.key == "error.sabnzbd_api_key"
    for secret in (wrong_key, SABNZBD_API_KEY):
        assert secret not in str(raised.value) + repr(raised.value.params) + logs.text()
    assert "apikey=***" in logs.text()  # httpx logged the request URL, masked
    query = f"{daemon.url}/api?mode=version&output=json&apikey={wrong_key}"
    answer = await asyncio.to_thread(lambda: urllib.request.urlopen(query, timeout=10).read())
    assert json.loads(answer) == {"version": "3.7.1"}  # the trap: any key gets the version


async def test_the_nzb_key_is_refused_by_check(daemon: SabnzbdDaemon) -> None:
    """The NZB Key may add jobs but not read the queue: the check tells them apart."""
    client = make_client(daemon.url, api_key=daemon.nzb_key)
    try:
        with pytest.raises(errors.AuthFailed):
            await client.check()
    finally:
        await client.aclose()
