"""Prowlarr through the real `outpost` command, against a local server speaking its v1 API and
its per-indexer Torznab/Newznab endpoints (answers in tests/fixtures/prowlarr, see README)."""

from __future__ import annotations

import copy
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core import errors
from core.app import Outpost as App
from core.domain import SearchQuery
from core.store.models import Grab
from tests.cli.conftest import ROOT, Outpost
from tests.support.localserver import LocalServer, Request, Response

HERE = Path(__file__).resolve().parent.parent / "fixtures"
KEY = "prowlarr-canary-key-5Tq8Wz1Lp0"
TORRENT = b"d4:infod6:lengthi1e4:name1:x12:piece lengthi16384e6:pieces20:" + b"0" * 20 + b"ee"


def _json(name: str) -> Any:
    return json.loads((HERE / "prowlarr" / name).read_text())


class FakeProwlarr:
    """`/api/v1/*` behind `X-Api-Key` (401 otherwise), `/{id}/api` per indexer."""

    def __init__(self) -> None:
        self.indexers: list[dict[str, Any]] = _json("indexers.json")
        self.down: set[int] = set()
        self.server = LocalServer(self._handle)

    @property
    def url(self) -> str:
        return self.server.url

    def paths(self) -> list[str]:
        return [r.path for r in self.server.requests]

    def _handle(self, request: Request) -> Response:
        if request.path.startswith("/api/v1/"):
            if request.headers.get("x-api-key") != KEY or "apikey" in request.query:
                return Response(401, "", {"Content-Type": "text/plain"})
            return self._api(request)
        ident = request.path.strip("/").split("/")[0]
        if request.path.endswith("/api") and ident.isdigit():
            return self._torznab(int(ident), request)
        if request.path.endswith("/download") and ident.isdigit():
            return self._download(request)
        return Response(404, "Not Found", {"Content-Type": "text/plain"})

    def _api(self, request: Request) -> Response:
        if request.path == "/api/v1/indexer":
            return _ok(self.indexers)
        if request.path == "/api/v1/indexerstats":
            return _ok(_json("indexerstats.json"))
        if request.path == "/api/v1/search":
            text = (HERE / "prowlarr" / "search.json").read_text()
            return _ok(json.loads(text.replace("PROWLARR", self.url).replace("APIKEY", KEY)))
        return Response(404, "", {"Content-Type": "text/plain"})

    def _torznab(self, ident: int, request: Request) -> Response:
        if request.arg("apikey") != KEY:
            return _xml(b'<error code="100" description="Invalid API Key"/>', 401)
        if ident in self.down or ident not in {i["id"] for i in self.indexers}:
            return Response(503, "Service Unavailable", {"Content-Type": "text/plain"})
        if request.arg("t") == "caps":
            return _xml((HERE / "indexers/newznab/sonarr/newznab_caps.xml").read_bytes())
        feed = (HERE / "indexers/torznab/prowlarr/torznab_morethantv.xml").read_text("utf-8-sig")
        # Prowlarr rewrites every link into its own proxy link, with the key in it
        own = f"{self.url}/{ident}/download?apikey={KEY}&amp;link=bW9yZXRoYW50dg&amp;file=x"
        return _xml(re.sub(r"https://www\.morethantv\.me/torrents\.php\?action=download[^<\"]*",
                           own, feed).encode())  # fmt: skip

    def _download(self, request: Request) -> Response:
        if KEY not in (request.headers.get("x-api-key"), request.arg("apikey")):
            return Response(401, "", {"Content-Type": "text/plain"})
        if request.arg("link") == "magnet":
            return Response(301, "", {"Location": "magnet:?xt=urn:btih:" + "ab" * 20})
        return Response(200, TORRENT, {"Content-Type": "application/x-bittorrent"})


def _ok(document: Any) -> Response:
    return Response(200, json.dumps(document), {"Content-Type": "application/json"})


def _xml(body: bytes, status: int = 200) -> Response:
    return Response(status, body, {"Content-Type": "application/rss+xml"})


@pytest.fixture
def prowlarr() -> Iterator[FakeProwlarr]:
    fake = FakeProwlarr()
    fake.server.start()
    yield fake
    fake.server.stop()


def _add(outpost: Outpost, fake: FakeProwlarr, key: str = KEY) -> Any:
    return outpost("indexer", "add", "prowlarr", "--kind", "prowlarr", "--url", fake.url,
                   "--api-key", key)  # fmt: skip


def _indexers(outpost: Outpost) -> dict[str, Any]:
    return {row["name"]: row for row in outpost("--json", "indexer", "list").json()}


def _no_key_in(outpost: Outpost, *texts: str) -> None:
    for text in texts:
        assert KEY not in text
    for path in Path(outpost.data_dir).rglob("*"):  # type: ignore[attr-defined]
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def test_wrong_key_at_add_is_one_line_and_saves_nothing(
    outpost: Outpost, prowlarr: FakeProwlarr
) -> None:
    done = _add(outpost, prowlarr, key="wrong-key")
    assert done.code != 0
    assert len(done.err.strip().splitlines()) == 1, done.err
    assert outpost("--json", "indexer", "list").json() == []


def test_add_sends_the_key_as_header_only(outpost: Outpost, prowlarr: FakeProwlarr) -> None:
    done = _add(outpost, prowlarr)
    assert done.code == 0, done.err
    api = [r for r in prowlarr.server.requests if r.path.startswith("/api/v1/")]
    assert api and all(r.headers.get("x-api-key") == KEY for r in api)
    assert not any("apikey" in r.query for r in api)
    _no_key_in(outpost, done.out, done.err)


async def _grab_through(outpost: Outpost, indexer: str) -> None:
    async with App(Path(outpost.data_dir)) as app:  # type: ignore[attr-defined]
        assert app.box is not None
        await Grab.create(
            release_key="k1", title="Out of the Past", indexer=indexer, client="qbit",
            client_id="h1", protocol="usenet", state="imported",
        )  # fmt: skip


async def _grabs(outpost: Outpost) -> list[str]:
    async with App(Path(outpost.data_dir)) as app:  # type: ignore[attr-defined]
        assert app.box is not None
        return [g.indexer for g in await Grab.all()]


async def test_sync_adds_changes_disables_and_removes(
    outpost: Outpost, prowlarr: FakeProwlarr
) -> None:
    assert _add(outpost, prowlarr).code == 0
    first = outpost("--json", "indexer", "sync")
    assert first.code == 0, first.err
    assert first.json()[0]["added"] == ["prowlarr-1337x", "prowlarr-nzbgeek"]
    rows = _indexers(outpost)
    x, geek = rows["prowlarr-1337x"], rows["prowlarr-nzbgeek"]
    assert (x["kind"], x["url"]) == ("torznab", f"{prowlarr.url}/1/api")
    assert (geek["kind"], geek["url"]) == ("newznab", f"{prowlarr.url}/4/api")
    assert (x["managed_id"], x["private"], x["protocol"]) == (1, False, "torrent")
    assert (geek["private"], geek["categories"]) == (True, [2000, 7000, 7020])
    assert x["categories"] == [2000, 2040, 5000, 5070]
    table = outpost("indexer", "list").out
    assert "prowlarr (id 1)" in table and "prowlarr (id 4)" in table

    await _grab_through(outpost, "prowlarr-nzbgeek")
    changed = copy.deepcopy(prowlarr.indexers[0])
    changed["capabilities"]["categories"] = [{"id": 2000, "name": "Movies", "subCategories": []}]
    hostile = {**changed, "id": 7, "name": "../<b onload=x>" + "A" * 5000}
    bad_id = {**changed, "id": "../../evil.example/", "name": "evil"}
    prowlarr.indexers = [changed, hostile, bad_id]
    second = outpost("--json", "indexer", "sync").json()[0]
    assert second["changed"] == ["prowlarr-1337x"]
    assert second["removed"] == ["prowlarr-nzbgeek"]
    [added] = second["added"]
    assert added.startswith("prowlarr-b-onload-x-aaa") and len(added) <= 64
    rows = _indexers(outpost)
    assert set(rows) == {"prowlarr", "prowlarr-1337x", added}
    assert rows[added]["url"] == f"{prowlarr.url}/7/api"
    assert rows["prowlarr-1337x"]["categories"] == [2000]
    assert await _grabs(outpost) == ["prowlarr-nzbgeek"]  # history outlives its indexer

    prowlarr.indexers = [{**changed, "enable": False}]
    third = outpost("--json", "indexer", "sync").json()[0]
    assert (third["disabled"], third["removed"]) == (["prowlarr-1337x"], [added])
    assert _indexers(outpost)["prowlarr-1337x"]["enabled"] is False
    assert "off in Prowlarr" in outpost("indexer", "list").out
    _no_key_in(outpost)


def test_search_goes_to_each_mirrored_endpoint(outpost: Outpost, prowlarr: FakeProwlarr) -> None:
    assert _add(outpost, prowlarr).code == 0
    assert outpost("indexer", "sync").code == 0
    prowlarr.server.requests.clear()
    done = outpost("--json", "search", "releases", "out of the past")
    assert done.code == 0, done.err
    found = done.json()
    assert {r["indexer"] for r in found["releases"]} <= {"prowlarr-1337x", "prowlarr-nzbgeek"}
    assert any(r["title"].startswith("Out of the Past 1947") for r in found["releases"])
    assert "/1/api" in prowlarr.paths() and "/4/api" in prowlarr.paths()
    assert "/api/v1/search" not in prowlarr.paths()
    _no_key_in(outpost, done.err)


def test_search_falls_back_to_prowlarr_when_mirrors_are_down(
    outpost: Outpost, prowlarr: FakeProwlarr
) -> None:
    assert _add(outpost, prowlarr).code == 0
    assert outpost("indexer", "sync").code == 0
    prowlarr.down = {1, 4}
    done = outpost("--json", "search", "releases", "out of the past")
    assert done.code == 0, done.err
    found = done.json()
    [release] = found["releases"]  # the two malformed items are dropped, alone
    assert release["indexer"] == "prowlarr"
    assert release["title"] == "Out of the Past 1947 1080p BluRay x264-AMIABLE"
    assert {e["indexer"] for e in found["errors"]} == {"prowlarr-1337x", "prowlarr-nzbgeek"}
    [search] = [r for r in prowlarr.server.requests if r.path == "/api/v1/search"]
    assert search.arg("query") == "out of the past"
    _no_key_in(outpost, done.out, done.err)  # Prowlarr's link carried apikey=: taken out


def test_stats_per_indexer(outpost: Outpost, prowlarr: FakeProwlarr) -> None:
    assert _add(outpost, prowlarr).code == 0
    assert outpost("indexer", "sync").code == 0
    [stats] = outpost("--json", "indexer", "stats").json()
    by_name = {s["name"]: s for s in stats["indexers"]}
    assert by_name["prowlarr-1337x"] == {
        "name": "prowlarr-1337x", "id": 1, "queries": 120, "grabs": 7, "failures": 4,
        "average_ms": 812,
    }  # fmt: skip
    assert by_name["prowlarr-nzbgeek"]["queries"] == 64
    text = outpost("indexer", "stats").out
    assert "prowlarr-1337x" in text and "812" in text


def test_removing_prowlarr_removes_its_mirrors(outpost: Outpost, prowlarr: FakeProwlarr) -> None:
    assert _add(outpost, prowlarr).code == 0
    assert outpost("indexer", "sync").code == 0
    assert outpost("indexer", "remove", "prowlarr").code == 0
    assert outpost("--json", "indexer", "list").json() == []


def test_run_syncs_at_start(outpost: Outpost, prowlarr: FakeProwlarr) -> None:
    assert _add(outpost, prowlarr).code == 0
    env = {**os.environ, "OUTPOST_LANG": "en", "PYTHONPATH": str(ROOT)}
    for name in ("OUTPOST_SECRET_KEY", "OUTPOST_DATABASE_URL", "OUTPOST_DATA_DIR",
                 "OUTPOST_TELEGRAM_TOKEN", "OUTPOST_DISCORD_TOKEN"):  # fmt: skip
        env.pop(name, None)
    data = str(outpost.data_dir)  # type: ignore[attr-defined]
    argv = [sys.executable, "-m", "bot.cli", "--data-dir", data, "run"]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    with subprocess.Popen(argv, text=True, env=env, **pipes) as service:  # type: ignore[call-overload]
        assert service.stdout is not None
        first = service.stdout.readline()
        service.send_signal(signal.SIGTERM)
        rest, log = service.communicate(timeout=60)
    assert first.startswith("prowlarr: 2 indexers added"), first
    assert "indexer sync with prowlarr: 2 added" in log  # the service's log says it too
    _no_key_in(outpost, first, rest, log)
    assert set(_indexers(outpost)) == {"prowlarr", "prowlarr-1337x", "prowlarr-nzbgeek"}


async def test_links_keep_no_key_and_fetch_puts_it_back(
    outpost: Outpost, prowlarr: FakeProwlarr
) -> None:
    assert _add(outpost, prowlarr).code == 0
    assert outpost("indexer", "sync").code == 0
    async with App(Path(outpost.data_dir)) as app:  # type: ignore[attr-defined]
        built = await app.indexers()
        mirrored, manager = built["prowlarr-1337x"], built["prowlarr"]
        [*found] = await mirrored.search(SearchQuery(text="out of the past"))
        link = found[0].download_url or ""
        assert link.startswith(f"{prowlarr.url}/1/download?") and KEY not in link
        assert await mirrored.fetch(link) == TORRENT  # the key went back in for Prowlarr
        [aggregate] = await manager.search(SearchQuery(text="out of the past"))
        assert aggregate.download_url and KEY not in aggregate.download_url
        assert await manager.fetch(aggregate.download_url) == TORRENT  # by the header
        with pytest.raises(errors.UserError) as magnet:
            await manager.fetch(f"{prowlarr.url}/1/download?link=magnet")
        assert magnet.value.key == "error.magnet_not_fetchable"
        with pytest.raises(errors.UserError) as foreign:
            await manager.fetch("http://evil.example/1/download?link=x")
        assert foreign.value.key == "error.link_foreign_host"
    assert not any(r.path.startswith("/1/download") and "evil" in r.path
                   for r in prowlarr.server.requests)  # fmt: skip
    _no_key_in(outpost)


def test_a_sync_while_prowlarr_is_down_changes_nothing(
    outpost: Outpost, prowlarr: FakeProwlarr
) -> None:
    assert _add(outpost, prowlarr).code == 0
    assert outpost("indexer", "sync").code == 0
    before = _indexers(outpost)
    prowlarr.server.stop()
    done = outpost("indexer", "sync")
    assert done.code == 1
    assert done.out.strip().startswith("prowlarr: could not sync its indexers, nothing changed")
    assert _indexers(outpost) == before
    _no_key_in(outpost, done.out, done.err)
