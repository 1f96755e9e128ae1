"""Item parsing, field by field, on captured feeds from several real indexers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from core.domain import Protocol, Release, SearchQuery
from tests.indexers.conftest import fixture_bytes
from tests.support.torznab_server import DEFAULT_CAPS


async def search_feed(serve, make_indexer, name: str, **kwargs) -> tuple[list[Release], str]:
    fake = serve({"caps": DEFAULT_CAPS.encode(), "search": fixture_bytes(name)})
    async with make_indexer(fake.url, **kwargs) as indexer:
        return await indexer.search(SearchQuery(text="x")), fake.url


async def test_hdaccess_native_torznab(serve, make_indexer) -> None:
    releases, _ = await search_feed(serve, make_indexer, "torznab/sonarr/torznab_hdaccess_net.xml")
    assert len(releases) == 5
    first = releases[0]
    assert first == Release(
        title="Better Call Saul S01E05 Alpine Shepherd 1080p NF WEBRip DD5.1 x264",
        indexer="test-indexer",
        protocol=Protocol.TORRENT,
        guid="https://hdaccess.net/details.php?id=11515",
        download_url="https://hdaccess.net/download.php?torrent=11515&passkey=123456",
        info_hash="63e07ff523710ca268567dad344ce1e0e6b7e8a3",
        info_url="https://hdaccess.net/details.php?id=11515&hit=1#comments",
        size=2538463390,
        seeders=7,
        peers=7,
        categories=(5000, 5040, 100009, 100036),
        published=datetime(2015, 3, 14, 17, 10, 42, tzinfo=timezone(timedelta(hours=-4))),
        imdb_id="tt3032476",
        tvdb_id=273181,
    )
    assert releases[1].categories == (2000, 2060, 100001, 100018)
    assert releases[1].size == 15330508800


async def test_animetosho_mixes_newznab_and_torznab_attrs(serve, make_indexer) -> None:
    releases, _ = await search_feed(serve, make_indexer, "torznab/sonarr/torznab_animetosho.xml")
    first, second = releases
    assert first.download_url == "http://storage.localhost/torrents/123451.torrent"
    assert first.info_url == (
        "https://localhost/view/finfags-_frame_arms_girl_07_-1280x720_tv_aac-_-1262b6f7-mkv.123451"
    )
    assert first.size == 316477946  # the attr, not the enclosure's length="0"
    assert first.categories == (5070, 100001)  # the same ids in both namespaces, counted once
    assert first.info_hash == "2d69a861bef5a9f2cdf791b7328e37b7953205e1"
    assert first.magnet_url == "magnet:?xt=urn:btih:VU2QYN66WU7FTPXSG3TFDRXW6KTEBPBF"
    assert first.published == datetime(2017, 5, 17, 20, 36, 6, tzinfo=UTC)
    # The second item has a .torrent and an .nzb enclosure: a torrent indexer takes the torrent.
    assert second.download_url == "http://storage.localhost/torrents/123452.torrent"
    assert second.protocol is Protocol.TORRENT and second.seeders is None


async def test_a_usenet_indexer_takes_the_nzb_enclosure(serve, make_indexer) -> None:
    releases, _ = await search_feed(
        serve, make_indexer, "torznab/sonarr/torznab_animetosho.xml", protocol=Protocol.USENET
    )
    second = releases[1]
    assert second.download_url == "http://storage.localhost/nzb/123452.nzb"
    assert second.protocol is Protocol.USENET
    assert (second.magnet_url, second.info_hash) == (None, None)


async def test_tpb_magnet_only_items(serve, make_indexer) -> None:
    releases, _ = await search_feed(serve, make_indexer, "torznab/sonarr/torznab_tpb.xml")
    first = releases[0]
    assert first.title == "Series Title S05E02 HDTV x264-Xclusive [eztv]"
    assert first.download_url is None
    assert first.magnet_url is not None
    assert first.magnet_url.startswith(
        "magnet:?xt=urn:btih:9fb267cff5ae5603f07a347676ec3bf3e35f75e1&dn="
    )
    assert first.info_hash == "9fb267cff5ae5603f07a347676ec3bf3e35f75e1"
    assert (first.seeders, first.peers) == (34128, 36724)  # raw numbers, peers includes seeders
    assert first.size == 388895872  # from <size>
    assert first.guid == first.info_url
    assert first.published == datetime(2015, 4, 11, 21, 34, tzinfo=timezone(timedelta(hours=-6)))


async def test_morethantv_prowlarr_feed(serve, make_indexer) -> None:
    # This capture starts with a UTF-8 BOM and takes grabs and categories from plain elements.
    releases, _ = await search_feed(serve, make_indexer, "torznab/prowlarr/torznab_morethantv.xml")
    first = releases[0]
    assert first.title == "Out of the Past 1947 720p BluRay FLAC2.0 x264-CtrlHD.mkv"
    assert first.size == 5412993028  # not the enclosure's length, which is the .torrent's
    assert first.grabs == 2
    assert first.categories == (2000, 2040)
    assert first.info_hash is None  # "(removed)" is no hash
    assert first.imdb_id == "tt0039689"
    assert (first.seeders, first.peers) == (3, 3)
    assert (first.download_volume_factor, first.upload_volume_factor) == (1.0, 1.0)
    assert not first.freeleech
    assert releases[1].size == 30524085127 and releases[1].grabs == 0


async def test_nzb_su_newznab_feed(serve, make_indexer) -> None:
    releases, _ = await search_feed(
        serve, make_indexer, "newznab/sonarr/newznab_nzb_su.xml", protocol=Protocol.USENET
    )
    assert len(releases) == 100
    first = releases[0]
    assert first == Release(
        title="White.Collar.S03E05.720p.HDTV.X264-DIMENSION",
        indexer="test-indexer",
        protocol=Protocol.USENET,
        guid="http://nzb.su/details/24967ef4c2e26296c65d3bbfa97aa8fe",
        download_url="http://nzb.su/getnzb/24967ef4c2e26296c65d3bbfa97aa8fe.nzb&i=37292&r=xxx",
        info_url="http://nzb.su/details/24967ef4c2e26296c65d3bbfa97aa8fe#comments",
        size=1183105773,
        categories=(5000, 5040),
        published=datetime(2012, 2, 27, 11, 9, 39, tzinfo=timezone(timedelta(hours=-5))),
    )
    assert all(r.protocol is Protocol.USENET and r.seeders is None for r in releases)


async def test_nzbhydra2_capture_keeps_a_non_permalink_guid(serve, make_indexer) -> None:
    releases, _ = await search_feed(
        serve, make_indexer, "newznab/nzbhydra2/newznab_3results.xml", protocol=Protocol.USENET
    )
    assert [r.title for r in releases] == ["testtitle1", "English testtitle2", "testtitle3 English"]
    first = releases[0]
    assert first.guid == "eff551fbdb69d6777d5030c209ee5d4b"
    assert first.size == 2893890900
    assert first.categories == (7000, 7010)
    assert first.info_url == (
        "https://indexerName.com/details/eff551fbdb69d6777d5030c209ee5d4b#comments"
    )


async def test_double_encoded_title_is_unescaped_once(serve, make_indexer) -> None:
    releases, _ = await search_feed(serve, make_indexer, "newznab/sonarr/encoded_title.xml")
    assert releases[0].title == "Series.&.Title.S02E19.EAC3.5.1.1080p.WEBRip.x265-iVy"


async def test_relative_urls_resolve_against_the_indexer(serve, make_indexer) -> None:
    fake = serve(
        {"caps": DEFAULT_CAPS.encode(), "search": fixture_bytes("newznab/sonarr/relative_urls.xml")}
    )
    async with make_indexer(fake.url + "/prowlarr/7/api", protocol=Protocol.USENET) as indexer:
        (release,) = await indexer.search(SearchQuery(text="maher"))
    base = fake.url + "/prowlarr/7/"
    assert release.title == "Real.Time.With.Bill.Maher.2015.08.07.720p.HDTV.x264-BATV"
    assert release.download_url == base + "getnzb/123.nzb&i=123&r=123"
    assert release.info_url == base + "details/123#comments"
    assert release.guid == base + "details/123"
    assert release.size == 1230000000
