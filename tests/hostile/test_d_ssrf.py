"""§3 D, rows 32–36: URLs peers supply (enclosures, redirects). The real indexer's `fetch` applies
the policy; the grab hands the client the fetched bytes, never the peer's URL (row 36), shown
with the scripted DownloadClient peer recording what it is handed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from core import errors, metainfo
from core.clients import ConfiguredClient
from core.domain import Protocol, Release
from core.services.grab import GrabService
from core.store.database import Store
from tests.support.localserver import LocalServer, Response
from tests.support.scripted_client import ScriptedClient
from tests.support.torrents import make_torrent


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/_x",
        "ftp://idx.example/a",
        "data:,x",
        "javascript:x",
    ],
)
async def test_row_32_only_http_and_https_are_fetched(make_indexer, url: str) -> None:
    async with make_indexer("http://idx.example/api") as indexer:
        with pytest.raises(errors.UserError) as caught:
            await indexer.fetch(url)
    assert caught.value.key == "error.url_not_allowed"


INTERNAL = [
    "127.0.0.1", "localhost.", "[::1]", "[::ffff:127.0.0.1]", "2130706433", "0x7f.1",
    "169.254.169.254", "10.1.2.3", "192.168.1.1", "172.16.0.1", "[fd00::1]", "0.0.0.0",
]  # fmt: skip


@pytest.mark.parametrize("host", INTERNAL)
async def test_row_33_internal_targets_are_refused(make_indexer, host: str) -> None:
    with LocalServer(lambda _: Response(200, b"secret")) as bait:
        port = bait.url.rsplit(":", 1)[1]
        async with make_indexer("http://idx.example/api") as indexer:
            with pytest.raises((errors.AdapterError, errors.UserError)) as caught:
                await indexer.fetch(f"http://{host}:{port}/latest/meta-data")
        assert bait.requests == []
    assert (
        isinstance(caught.value, errors.Unreachable) or caught.value.key == "error.url_not_allowed"
    )


async def test_row_33_leading_zero_octets_are_refused(make_indexer) -> None:
    async with make_indexer("http://idx.example/api") as indexer:
        with pytest.raises(errors.OutpostError):
            await indexer.fetch("http://0177.0.0.1/x.torrent")


async def test_row_33_the_indexers_own_lan_host_is_allowed(serve, make_indexer) -> None:
    torrent = make_torrent("Own.Host", b"x" * 100)
    fake = serve({}, files={"/dl/1.torrent": Response(200, torrent.data)})
    async with make_indexer(fake.url) as indexer:
        assert await indexer.fetch(fake.url + "/dl/1.torrent") == torrent.data


@pytest.mark.parametrize(
    "url",
    [
        "http://indexer.example@127.0.0.1/x",
        "http://127.0.0.1\\@indexer.example/x",
        "http://127.0.0.1\t/x",
        "http://127.0.0.1%0a/x",
        "http://ⅼocalhost/x",  # U+217C, an IDN homograph of "l"
    ],
)
async def test_row_34_parser_confusion_is_refused(make_indexer, url: str) -> None:
    with LocalServer(lambda _: Response(200, b"secret")) as bait:
        async with make_indexer("http://idx.example/api") as indexer:
            with pytest.raises(errors.OutpostError):
                await indexer.fetch(
                    url.replace("127.0.0.1", "127.0.0.1:" + bait.url.rsplit(":", 1)[1])
                )
        assert bait.requests == []


@pytest.mark.parametrize(
    "magnet",
    [
        "magnet:?xt=urn:btih:xyz",
        "magnet:?xt=urn:btih:" + "g" * 40,
        "magnet:?xt=urn:btih:" + "A" * 31,
        "magnet:?xt=urn:sha1:" + "a" * 40,
        "magnet:?dn=../../etc/passwd",
        "magnet:?xt=urn:btih:" + "0" * 31 + "\x80",  # non-ASCII base32: found by the long fuzz
    ],
)
def test_row_35_a_bad_xt_gives_no_hash(magnet: str) -> None:
    assert metainfo.magnet_hash(magnet) is None


def test_row_35_xs_tr_and_dn_are_not_vetted() -> None:
    pytest.skip(
        "not built: a magnet's xs=/as= sources, tr= count and dn= go to the client as given "
        "(only xt is read, for the duplicate check)"
    )


@pytest_asyncio.fixture(loop_scope="function")
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with Store(tmp_path / "data") as opened:
        yield opened


async def test_row_36_the_client_gets_the_bytes_not_the_peers_url(
    store: Store, serve, make_indexer, tmp_path: Path
) -> None:
    torrent = make_torrent("Sintel.2010.1080p.BluRay.x264-GRP", b"y" * 4096)
    fake = serve({}, files={"/dl/7.torrent": Response(200, torrent.data)})
    client = ScriptedClient()
    configured = ConfiguredClient(client.name, Protocol.TORRENT, client, "films", str(tmp_path))
    async with make_indexer(fake.url, name="idx") as indexer:
        release = Release(
            title=torrent.name, indexer="idx", protocol=Protocol.TORRENT, guid="g7",
            download_url=fake.url + "/dl/7.torrent", size=4096,
        )  # fmt: skip
        grab = await GrabService({client.name: configured}, {"idx": indexer}).grab(release)
    [request] = client.added
    assert request.url is None and request.magnet is None
    assert request.file is not None and request.file.data == torrent.data
    assert grab.client_id == torrent.info_hash


async def test_row_36_an_internal_enclosure_never_reaches_the_client(
    store: Store, make_indexer, tmp_path: Path
) -> None:
    client = ScriptedClient()
    configured = ConfiguredClient(client.name, Protocol.TORRENT, client, "x", str(tmp_path))
    async with make_indexer("http://idx.example/api", name="idx") as indexer:
        release = Release(
            title="X.2010.1080p-GRP", indexer="idx", protocol=Protocol.TORRENT, guid="g8",
            download_url="http://169.254.169.254/latest/x.torrent",
        )  # fmt: skip
        with pytest.raises(errors.UserError):
            await GrabService({client.name: configured}, {"idx": indexer}).grab(release)
    assert client.added == []
