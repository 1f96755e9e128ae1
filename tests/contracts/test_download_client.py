"""The DownloadClient contract, run against every client's real daemon (see conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from core import errors
from core.domain import ClientStatus, Download, DownloadRequest
from core.ports import DownloadClient
from tests.clients.conftest import eventually
from tests.contracts.conftest import Harness, Payload
from tests.support.daemons import free_port
from tests.support.localserver import LocalServer, Response

torrent_only = pytest.mark.protocols("torrent")
usenet_only = pytest.mark.protocols("usenet")


async def listed(client: DownloadClient, id: str, accept: Callable[[Download], bool]) -> Download:
    """The client's row for `id` once `accept` holds (daemons apply changes a moment later)."""
    rows = await eventually(
        lambda: client.downloads([id]), lambda d: len(d) == 1 and accept(d[0]), within=60
    )
    assert len(rows) == 1 and accept(rows[0]), rows
    return rows[0]


async def added(client: DownloadClient, payload: Payload, request: DownloadRequest) -> str:
    """Add and return the client's id: the one known in advance, or the one it assigned."""
    id = await client.add(request)
    assert id and (payload.id is None or id == payload.id)
    return id


async def gone(client: DownloadClient, id: str) -> None:
    assert await eventually(lambda: client.downloads([id]), lambda d: not d) == []


async def test_check_tells_version_free_space_and_save_roots(
    client: DownloadClient, harness: Harness
) -> None:
    check = await client.check()
    assert check.version and check.version == check.version.strip()
    assert check.free_space is None or check.free_space > 0  # unknown is None, never 0
    assert check.roots and str(harness.download_dir) in check.roots


async def test_add_a_file_with_category(client: DownloadClient, harness: Harness) -> None:
    payload = harness.payload()
    id = await added(client, payload, payload.request(category="contract-movies"))
    download = await listed(client, id, lambda _: True)
    assert (download.id, download.name, download.size) == (id, payload.name, payload.size)
    assert download.category == "contract-movies"
    assert download.client == "contract"


@torrent_only  # usenet clients have no per-download folder: a category's folder decides
async def test_add_a_file_with_category_and_save_path(
    client: DownloadClient, harness: Harness, tmp_path: Path
) -> None:
    payload = harness.payload()
    request = payload.request(category="contract-movies", save_path=str(tmp_path / "movies"))
    id = await added(client, payload, request)
    download = await listed(client, id, lambda _: True)
    assert download.category == "contract-movies"
    assert Path(download.save_path or "") == tmp_path / "movies"


async def test_add_by_url_from_a_local_server(client: DownloadClient, harness: Harness) -> None:
    payload = harness.payload()
    # a real server names the type (Deluge 2.0.3 fails a URL add that has no Content-Type)
    torrent = Response(200, payload.file.data, {"Content-Type": "application/x-bittorrent"})
    with LocalServer(lambda _: torrent) as server:
        url = f"{server.url}/get/{payload.file.name}"
        request = DownloadRequest(payload.name, payload.protocol, url=url, category="contract-tv")
        id = await added(client, payload, request)
        # a usenet client fetches the URL after it answered: wait while the server is up
        download = await listed(client, id, lambda d: d.status is not ClientStatus.METADATA)
    assert download.category == "contract-tv"
    assert [r.path for r in server.requests] == [f"/get/{payload.file.name}"]


@torrent_only
async def test_add_by_magnet(client: DownloadClient, harness: Harness) -> None:
    payload = harness.payload()
    assert payload.magnet is not None
    request = DownloadRequest(payload.name, payload.protocol, magnet=payload.magnet)
    assert await client.add(request) == payload.id
    await listed(client, payload.id, lambda _: True)


async def test_downloads_answers_for_the_asked_ids_only(
    client: DownloadClient, harness: Harness
) -> None:
    asked, other = harness.payload(), harness.payload()
    asked_id = await added(client, asked, asked.request(paused=True))
    other_id = await added(client, other, other.request(paused=True))
    await listed(client, other_id, lambda _: True)
    rows = await client.downloads([asked_id, harness.unknown_id])
    assert [d.id for d in rows] == [asked_id]
    assert await client.downloads([harness.unknown_id]) == []
    assert await client.downloads([]) == []


async def test_pause_and_resume_change_the_status(client: DownloadClient, harness: Harness) -> None:
    payload = harness.payload()
    id = await added(client, payload, payload.request())
    await listed(client, id, lambda _: True)
    await client.pause([id])
    await listed(client, id, lambda d: d.status is ClientStatus.PAUSED)
    await client.resume([id])
    await listed(client, id, lambda d: d.status is not ClientStatus.PAUSED)


async def test_add_paused_is_listed_paused(client: DownloadClient, harness: Harness) -> None:
    payload = harness.payload()
    id = await added(client, payload, payload.request(paused=True))
    await listed(client, id, lambda d: d.status is ClientStatus.PAUSED)


async def _finished(client: DownloadClient, payload: Payload, save: Path) -> tuple[str, list[Path]]:
    """Add a release whose data is in place (or served): the client finds it complete."""
    files = payload.write(save)
    id = await added(client, payload, payload.request(save_path=str(save)))
    done = await listed(client, id, lambda d: d.status is ClientStatus.COMPLETED)
    content = payload.content(save) if payload.content else save / payload.name
    assert done.progress == 1.0 and done.content_path == str(content)
    assert files and all(path.exists() for path in files)
    return id, files


async def test_remove_keeping_the_data(
    client: DownloadClient, harness: Harness, tmp_path: Path
) -> None:
    payload = harness.payload()
    id, files = await _finished(client, payload, tmp_path)
    await client.remove([id], delete_files=False)
    await gone(client, id)
    assert files and all(path.exists() for path in files)


async def test_remove_with_the_data(
    client: DownloadClient, harness: Harness, tmp_path: Path
) -> None:
    payload = harness.payload()
    id, files = await _finished(client, payload, tmp_path)
    await client.remove([id], delete_files=True)
    await gone(client, id)
    left = await eventually(_on_disk(files), lambda left: not left)
    assert left == []


def _on_disk(files: list[Path]) -> Callable[[], object]:
    async def probe() -> list[Path]:
        return [path for path in files if path.exists()]

    return probe


@usenet_only
async def test_a_finished_job_stays_listed_until_removed(
    client: DownloadClient, harness: Harness, tmp_path: Path
) -> None:
    """Usenet clients move finished jobs to their history; the port still lists them, because
    the monitor reads "not listed" as "removed"."""
    payload = harness.payload()
    id, _ = await _finished(client, payload, tmp_path)
    await listed(client, id, lambda d: d.status is ClientStatus.COMPLETED)
    await client.remove([id], delete_files=False)
    await gone(client, id)


async def test_a_wrong_password_is_auth_failed(harness: Harness) -> None:
    wrong = harness.build(password="not-the-password")
    try:
        with pytest.raises(errors.AuthFailed):
            await wrong.check()
    finally:
        await wrong.aclose()


async def test_a_dead_port_is_unreachable(harness: Harness) -> None:
    dead = harness.build(url=f"http://127.0.0.1:{free_port()}")
    try:
        with pytest.raises(errors.Unreachable):
            await dead.check()
        with pytest.raises(errors.Unreachable):
            await dead.downloads([harness.unknown_id])
    finally:
        await dead.aclose()


async def test_aclose_twice_is_harmless(client: DownloadClient) -> None:
    await client.check()
    await client.aclose()
    await client.aclose()
