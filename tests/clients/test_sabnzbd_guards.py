"""SABnzbd adapter against a hostile or odd peer: captured answers of other SABnzbd versions,
the size cap, bad JSON, wrong types, unknown statuses, a silent peer, and the status table."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from adapters.clients.sabnzbd import SabnzbdClient, map_history, map_queue
from core import errors, pathmap
from core.domain import ClientStatus, DownloadRequest, Protocol, ReleaseFile
from core.http import HttpPolicy, HttpService
from tests.support.localserver import LocalServer, Request, Response

POLICY = HttpPolicy(deadline=15.0, retries=0, backoff=0.05)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "clients" / "sabnzbd"
KEY = "f" * 32
JSON = {"Content-Type": "application/json"}


def make_client(url: str, *, policy: HttpPolicy = POLICY, **kwargs: Any) -> SabnzbdClient:
    return SabnzbdClient("sab", url, HttpService("sabnzbd", policy), api_key=KEY, **kwargs)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def slot(**fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "nzo_id": "SABnzbd_nzo_abc123",
        "filename": "Job",
        "status": "Queued",
        "cat": "*",
        "mb": "1.00",
        "mbleft": "1.00",
        "timeleft": "0:00:00",
    }
    return row | fields


def history_slot(**fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "nzo_id": "SABnzbd_nzo_abc123",
        "name": "Job",
        "status": "Completed",
        "category": "*",
        "bytes": 10,
        "storage": "/srv/complete/Job/Job.mkv",
    }
    return row | fields


def api_server(
    queue: list[dict[str, Any]] | None = None,
    history: list[dict[str, Any]] | None = None,
    *,
    raw: dict[str, bytes] | None = None,
    complete: str = "/srv/complete",
) -> LocalServer:
    """Answers by `mode`, in SABnzbd 3.7's shapes; `raw` overrides a mode's whole body."""
    answers: dict[str, Any] = {
        "queue": {"queue": {"kbpersec": "0.00", "diskspace2": "1.00", "slots": queue or []}},
        "history": {"history": {"slots": history or []}},
        "fullstatus": {"status": {"completedir": complete, "servers": [{"serveractive": True}]}},
        "get_config": {"config": {"categories": [{"name": "*", "dir": ""}]}},
    }

    def handle(request: Request) -> Response:
        mode = request.arg("mode") or ""
        assert request.arg("apikey") == KEY and request.arg("output") == "json"
        if raw and mode in raw:
            return Response(200, raw[mode], JSON)
        return Response(200, json.dumps(answers.get(mode, {"status": True})), JSON)

    return LocalServer(handle)


# --- other SABnzbd versions, as Sonarr and NZBHydra2 captured them ----------------------------


async def test_sonarrs_queue_capture_reads_sizes_speed_and_eta() -> None:
    """SABnzbd 0.6: one speed for the queue (kbpersec), per-job [DD:]HH:MM:SS time left."""
    with api_server(raw={"queue": fixture("Queue.txt")}) as server:
        client = make_client(server.url)
        downloading, paused = await client.downloads(["SABnzbd_nzo_qv6ilb", "SABnzbd_nzo_vayub5"])
        await client.aclose()
    assert (downloading.status, downloading.raw_status) == (ClientStatus.DOWNLOADING, "Downloading")
    assert downloading.size == round(267.44 * 2**20)
    assert downloading.progress == pytest.approx((267.44 - 238.66) / 267.44, abs=1e-6)
    assert (downloading.download_speed, downloading.eta) == (2232, 57 * 3600 + 27 * 60 + 45)
    assert (downloading.category, downloading.name) == ("tv", "30 Rock - 1x05 - Title [HDTV-720p]")
    assert (paused.status, paused.download_speed, paused.eta) == (ClientStatus.PAUSED, 0, None)


async def test_nzbhydras_4x_captures_read_the_same() -> None:
    queue, history = fixture("queueResponse.json"), fixture("historyResponse.json")
    with api_server(raw={"queue": queue, "history": history}) as server:
        client = make_client(server.url)
        queued, done = await client.downloads(["SABnzbd_nzo_4fcv3ebk", "SABnzbd_nzo_zt7_3tov"])
        await client.aclose()
    assert (queued.status, queued.category, queued.size) == (
        ClientStatus.QUEUED,
        None,  # "*" is SABnzbd's "no category"
        round(10.46 * 2**20),
    )
    assert (done.status, done.size, done.progress) == (ClientStatus.COMPLETED, 8284638, 1.0)
    assert done.content_path == "D:\\Usenet\\some mp3" and done.save_path == "D:\\Usenet"


async def test_sonarrs_history_capture_is_a_finished_job() -> None:
    with api_server(raw={"history": fixture("History.txt")}) as server:
        client = make_client(server.url)
        [done] = await client.downloads(["SABnzbd_nzo_0crgis"])
        await client.aclose()
    assert (done.status, done.size, done.category) == (ClientStatus.COMPLETED, 1016942445, "tv")


async def test_the_old_json_error_for_a_wrong_key_is_auth_failed() -> None:
    """Before 3.0: HTTP 200 and {"status": false, "error": "API Key Incorrect"}."""
    with api_server(raw={"queue": fixture("JsonError.txt")}) as server:
        client = make_client(server.url)
        with pytest.raises(errors.AuthFailed) as raised:
            await client.check()
        await client.aclose()
    assert raised.value.key == "error.sabnzbd_api_key"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (b"API Key Incorrect", "error.sabnzbd_api_key"),
        (b"API Key Required", "error.sabnzbd_api_key"),
        (
            b"Access denied - Hostname verification failed: https://sabnzbd.org/hostname-check",
            "error.sabnzbd_host_whitelist",
        ),
        (b"External internet access denied - https://sabnzbd.org/access-denied", None),
    ],
    ids=["wrong-key", "no-key", "host-whitelist", "external"],
)
async def test_a_403_is_auth_failed_naming_what_to_fix(text: bytes, key: str | None) -> None:
    with LocalServer(lambda _: Response(403, text, {"Content-Type": "text/html"})) as server:
        client = make_client(server.url)
        with pytest.raises(errors.AuthFailed) as raised:
            await client.check()
        await client.aclose()
    assert raised.value.key == (key or errors.AuthFailed.key)


# --- the guards -------------------------------------------------------------------------------


async def test_an_answer_over_the_size_cap_is_refused() -> None:
    with api_server(raw={"queue": b'{"queue": "' + b"x" * 5000 + b'"}'}) as server:
        client = make_client(server.url, policy=HttpPolicy(max_bytes=1000, retries=0))
        with pytest.raises(errors.ResponseTooLarge):
            await client.check()
        await client.aclose()


async def test_a_listing_declared_over_its_cap_is_refused() -> None:
    huge = 64 * 1024 * 1024  # declared only: the cap is checked before the body is read
    reply = Response(200, b"{}", JSON, content_length=huge)
    with LocalServer(lambda _: reply) as server:
        client = make_client(server.url)
        with pytest.raises(errors.ResponseTooLarge):
            await client.downloads(["SABnzbd_nzo_abc123"])
        await client.aclose()


@pytest.mark.parametrize(
    "raw",
    [
        b'{"queue": {"version": "3.7.1", "diskspace2": NaN, "slots": []}}',
        b'{"queue": {"version": "3.7.1", "version": "4.0", "diskspace2": "1", "slots": []}}',
        b'{"queue": {"version": 3.7, "diskspace2": "1.00", "slots": []}}',
        b'{"queue": {"version": "3.7.1", "diskspace2": "nan", "slots": []}}',
        b'{"queue": []}',
        b'{"status": false, "error": "expects one parameter"}',
        b"<html>not json</html>",
    ],
    ids=["nan", "duplicate-key", "wrong-type", "nan-as-text", "no-object", "error", "not-json"],
)
async def test_unreadable_json_is_bad_response(raw: bytes) -> None:
    with api_server(raw={"queue": raw}) as server:
        client = make_client(server.url)
        with pytest.raises(errors.BadResponse):
            await client.check()
        await client.aclose()


@pytest.mark.parametrize(
    "fields",
    [
        {"mb": 1.0},
        {"mb": "-1"},
        {"mbleft": "inf"},
        {"status": None},
        {"filename": 5},
        {"nzo_id": None},
    ],
    ids=["size-as-number", "negative-size", "infinite", "no-status", "name-as-number", "no-id"],
)
async def test_slots_with_wrong_types_are_bad_response(fields: dict[str, Any]) -> None:
    with api_server([slot(**fields)]) as server:
        client = make_client(server.url)
        with pytest.raises(errors.BadResponse):
            await client.downloads(["SABnzbd_nzo_abc123"])
        await client.aclose()


@pytest.mark.parametrize(
    "fields",
    [{"bytes": "10"}, {"bytes": True}, {"name": None}, {"status": 3}],
    ids=["bytes-as-text", "bytes-as-bool", "no-name", "status-as-number"],
)
async def test_history_slots_with_wrong_types_are_bad_response(fields: dict[str, Any]) -> None:
    with api_server(history=[history_slot(**fields)]) as server:
        client = make_client(server.url)
        with pytest.raises(errors.BadResponse):
            await client.downloads(["SABnzbd_nzo_abc123"])
        await client.aclose()


async def test_an_unknown_status_is_unknown_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    with api_server([slot(status="Teleporting")]) as server:
        client = make_client(server.url)
        for _ in range(3):
            [row] = await client.downloads(["SABnzbd_nzo_abc123"])
            assert (row.status, row.raw_status) == (ClientStatus.UNKNOWN, "Teleporting")
        await client.aclose()
    assert len([r for r in caplog.records if "Teleporting" in r.getMessage()]) == 1


async def test_a_peer_that_never_answers_times_out() -> None:
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        client = make_client(url, policy=HttpPolicy(read_timeout=5.0, deadline=0.5, retries=0))
        with pytest.raises(errors.Timeout):
            await client.check()
        await client.aclose()


async def test_a_job_being_deleted_is_not_listed() -> None:
    with api_server([slot(status="Deleted")], [history_slot(status="Deleted")]) as server:
        client = make_client(server.url)
        assert await client.downloads(["SABnzbd_nzo_abc123"]) == []
        await client.aclose()


async def test_completed_before_the_files_are_recorded_is_not_yet_final() -> None:
    """The post-processor lists a job as Completed a moment before `storage` is filled in."""
    with api_server(history=[history_slot(storage=None)]) as server:
        client = make_client(server.url)
        [row] = await client.downloads(["SABnzbd_nzo_abc123"])
        await client.aclose()
    assert (row.status, row.raw_status, row.content_path) == (
        ClientStatus.CHECKING,
        "Completed",
        None,
    )


async def test_polls_ask_for_the_tracked_ids_only() -> None:
    with api_server() as server:
        client = make_client(server.url + "/sabnzbd/")  # under its url_base: /sabnzbd/api
        await client.downloads(["SABnzbd_nzo_a1", "SABnzbd_nzo_b2", "all"])
        await client.aclose()
    asked = [(r.path, r.arg("mode"), r.arg("nzo_ids"), r.arg("limit")) for r in server.requests]
    assert asked == [
        ("/sabnzbd/api", "queue", "SABnzbd_nzo_a1,SABnzbd_nzo_b2", "2"),
        ("/sabnzbd/api", "history", "SABnzbd_nzo_a1,SABnzbd_nzo_b2", "2"),
    ]


def request(category: str) -> DownloadRequest:
    file = ReleaseFile("Job.nzb", b"<nzb/>")
    return DownloadRequest("Job", Protocol.USENET, file=file, category=category)


async def test_unreadable_categories_are_bad_response() -> None:
    with api_server(raw={"get_cats": b"[]"}) as server:
        client = make_client(server.url)
        with pytest.raises(errors.BadResponse):
            await client.add(request("tv"))
        await client.aclose()


async def test_a_locked_configuration_files_the_job_under_the_default_category(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """SABnzbd refuses set_config while its configuration is locked: the job still goes in."""
    caplog.set_level(logging.WARNING)
    raw = {
        "get_cats": b'{"categories": ["*", "tv"]}',
        "set_config": b'{"status": false, "error": "Access denied - Configuration locked"}',
        "addfile": b'{"status": true, "nzo_ids": ["SABnzbd_nzo_new1"]}',
    }
    with api_server(raw=raw) as server:
        client = make_client(server.url)
        assert await client.add(request("Films")) == "SABnzbd_nzo_new1"
        await client.aclose()
    [added] = [r for r in server.requests if r.arg("mode") == "addfile"]
    assert (added.method, added.arg("cat"), added.arg("nzbname")) == ("POST", "*", "Job")
    assert b'filename="Job.nzb"' in added.body
    assert [r.getMessage() for r in caplog.records if "films" in r.getMessage()]


# --- deleting files ---------------------------------------------------------------------------


def removal_server(storage: str, complete: str) -> Callable[[], LocalServer]:
    return lambda: api_server(history=[history_slot(storage=storage)], complete=complete)


async def test_deleting_files_outside_its_folders_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim" / "Job"
    victim.mkdir(parents=True)
    with removal_server(str(victim), str(tmp_path / "complete"))() as server:
        client = make_client(server.url)
        with pytest.raises(errors.BadResponse) as raised:
            await client.remove(["SABnzbd_nzo_abc123"], delete_files=True)
        await client.aclose()
    assert raised.value.key == "error.client_path_outside" and victim.exists()
    assert "history" not in [r.arg("mode") for r in server.requests if r.arg("name") == "delete"]


async def test_files_are_deleted_through_the_path_map(tmp_path: Path) -> None:
    job = tmp_path / "complete" / "Job"
    job.mkdir(parents=True)
    (job / "Job.mkv").write_bytes(b"x")
    maps = (pathmap.parse(f"/downloads={tmp_path}"),)
    with removal_server("/downloads/complete/Job/Job.mkv", "/downloads/complete")() as server:
        client = make_client(server.url, path_map=maps)
        await client.remove(["SABnzbd_nzo_abc123"], delete_files=True)
        await client.aclose()
    assert not job.exists() and (tmp_path / "complete").is_dir()
    [deleted] = [r for r in server.requests if r.arg("name") == "delete"]
    assert (deleted.arg("mode"), deleted.arg("value"), deleted.arg("del_files")) == (
        "history",
        "SABnzbd_nzo_abc123",
        "1",
    )


# --- the status table -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("Queued", ClientStatus.QUEUED),
        ("Propagating", ClientStatus.QUEUED),
        ("Paused", ClientStatus.PAUSED),
        ("Downloading", ClientStatus.DOWNLOADING),
        ("Fetching", ClientStatus.DOWNLOADING),
        ("Grabbing", ClientStatus.METADATA),
        ("Checking", ClientStatus.CHECKING),
        ("QuickCheck", ClientStatus.CHECKING),
        ("Verifying", ClientStatus.CHECKING),
        ("Repairing", ClientStatus.CHECKING),
        ("Extracting", ClientStatus.CHECKING),
        ("Moving", ClientStatus.CHECKING),
        ("Running", ClientStatus.CHECKING),
        ("Deleted", None),
        ("Whatever", ClientStatus.UNKNOWN),
    ],
)
def test_queue_statuses(raw: str, status: ClientStatus | None) -> None:
    assert map_queue(raw) is status


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("Completed", ClientStatus.COMPLETED),
        ("Failed", ClientStatus.ERROR),
        ("Queued", ClientStatus.CHECKING),  # waiting for the post-processor
        ("Fetching", ClientStatus.CHECKING),
        ("QuickCheck", ClientStatus.CHECKING),
        ("Verifying", ClientStatus.CHECKING),
        ("Repairing", ClientStatus.CHECKING),
        ("Extracting", ClientStatus.CHECKING),
        ("Moving", ClientStatus.CHECKING),
        ("Running", ClientStatus.CHECKING),
        ("Deleted", None),
        ("Odd", ClientStatus.UNKNOWN),
    ],
)
def test_history_statuses(raw: str, status: ClientStatus | None) -> None:
    assert map_history(raw) is status
