"""fetch(): only http(s), no trip into the LAN unless it is the indexer's own host, 10 MiB cap."""

from __future__ import annotations

import pytest

from bot.i18n import t
from core import errors
from tests.indexers.conftest import CANARY, fixture_bytes
from tests.support.localserver import Response

TORRENT = b"d8:announce30:http://tracker.example/announce4:infod6:lengthi1e4:name1:xee"


async def test_fetches_a_torrent_from_the_indexers_own_lan_host(serve, make_indexer) -> None:
    fake = serve({}, {"/dl/1.torrent": Response(body=TORRENT)})
    async with make_indexer(fake.url + "/api") as indexer:
        assert await indexer.fetch(fake.url + "/dl/1.torrent") == TORRENT


def assert_worded(err: errors.OutpostError) -> None:
    """The refusal people read names the indexer and leaves no placeholder raw."""
    for lang in ("en", "de"):
        worded = t(err.key, lang, **err.params)
        assert "test-indexer" in worded and "{" not in worded, worded


async def test_a_malformed_link_is_named_without_its_secret(make_indexer) -> None:
    async with make_indexer("http://127.0.0.1:1/api") as indexer:
        with pytest.raises(errors.UserError) as caught:
            await indexer.fetch(f"http://[::1/dl?apikey={CANARY}")
    worded = t(caught.value.key, "en", **caught.value.params)
    assert caught.value.key == "error.bad_url" and "{" not in worded and CANARY not in worded


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "gopher://127.0.0.1:70/_stats", "ftp://example.org/x.torrent"],
)
async def test_refuses_other_schemes(make_indexer, url) -> None:
    async with make_indexer("http://127.0.0.1:1/api") as indexer:
        with pytest.raises(errors.UserError) as caught:
            await indexer.fetch(url)
    assert caught.value.key == "error.url_not_allowed"
    assert_worded(caught.value)


async def test_refuses_magnets(make_indexer) -> None:
    magnet = "magnet:?xt=urn:btih:9fb267cff5ae5603f07a347676ec3bf3e35f75e1"
    async with make_indexer("http://127.0.0.1:1/api") as indexer:
        with pytest.raises(errors.UserError) as caught:
            await indexer.fetch(magnet)
    assert caught.value.key == "error.magnet_not_fetchable"


@pytest.mark.parametrize(
    "host",
    ["localhost", "10.0.0.7", "169.254.169.254", "[::1]", "2130706433", "[::ffff:127.0.0.1]"],
)
async def test_refuses_internal_hosts_that_are_not_the_indexer(serve, make_indexer, host) -> None:
    fake = serve({}, {"/dl/1.torrent": Response(body=TORRENT)})
    port = fake.url.rsplit(":", 1)[1]
    async with make_indexer(fake.url + "/api") as indexer:
        with pytest.raises(errors.UserError) as caught:
            await indexer.fetch(f"http://{host}:{port}/dl/1.torrent")
    assert caught.value.key == "error.url_not_allowed"
    assert_worded(caught.value)
    assert fake.requests == []


async def test_redirect_into_the_lan_is_refused(serve, make_indexer) -> None:
    redirect = Response(302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"})
    fake = serve({}, {"/dl/1": redirect})
    async with make_indexer(fake.url) as indexer:
        with pytest.raises(errors.UserError) as caught:
            await indexer.fetch(fake.url + "/dl/1")
    assert caught.value.key == "error.url_not_allowed"
    assert len(fake.requests) == 1


async def test_redirect_to_a_magnet_hands_the_magnet_back(serve, make_indexer) -> None:
    magnet = "magnet:?xt=urn:btih:c1f9f6bade11a4c46028b118053452460ab94be1"
    fake = serve({}, {"/dl/1": Response(302, b"", {"Location": magnet})})
    async with make_indexer(fake.url) as indexer:
        with pytest.raises(errors.UserError) as caught:
            await indexer.fetch(fake.url + "/dl/1")
    assert caught.value.key == "error.magnet_not_fetchable"
    assert caught.value.params["magnet"] == magnet


async def test_newznab_error_instead_of_an_nzb(serve, make_indexer) -> None:
    error = Response(body=fixture_bytes("newznab/sonarr/NewznabError.nzb"))
    fake = serve({}, {"/getnzb/1.nzb": error})
    async with make_indexer(fake.url) as indexer:
        with pytest.raises(errors.BadResponse) as caught:
            await indexer.fetch(f"{fake.url}/getnzb/1.nzb?apikey={CANARY}")
    assert caught.value.params["code"] == 201
    assert CANARY not in str(caught.value)


async def test_login_page_instead_of_a_torrent(serve, make_indexer) -> None:
    page = Response(body=b"<html><form>login</form></html>", headers={"Content-Type": "text/html"})
    fake = serve({}, {"/dl/1.torrent": page})
    async with make_indexer(fake.url) as indexer:
        with pytest.raises(errors.Unavailable):
            await indexer.fetch(fake.url + "/dl/1.torrent")


async def test_file_larger_than_ten_mib_is_refused(serve, make_indexer) -> None:
    big = Response(chunks=[b"d" + b"x" * (1024 * 1024 - 1)] * 11)  # streamed, no length
    fake = serve({}, {"/dl/big.torrent": big})
    async with make_indexer(fake.url) as indexer:
        with pytest.raises(errors.ResponseTooLarge) as caught:
            await indexer.fetch(f"{fake.url}/dl/big.torrent?passkey={CANARY}")
    assert CANARY not in str(caught.value)
