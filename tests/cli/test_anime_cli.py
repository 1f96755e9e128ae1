"""`outpost search media|releases --kind anime` for real: a loopback AniList and Torznab."""

from __future__ import annotations

from tests.cli.conftest import Outpost
from tests.support.anilist import FakeAniList
from tests.support.localserver import LocalServer
from tests.support.torznab_server import FeedItem, TorznabFeed

KEY = "anime-cli-key"
EPISODE = "[SubsPlease] Sousou no Frieren - 05 (1080p) [8A3B5C7D].mkv"


def test_search_media_kind_anime_asks_anilist(outpost: Outpost) -> None:
    # AniList is keyless, so on by default at its public URL: switched off, nothing asks it
    assert outpost("provider", "disable", "anilist").code == 0
    unset = outpost("search", "media", "frieren", "--kind", "anime")
    assert unset.code == 1 and "anilist" in unset.err, unset.err
    fake = FakeAniList()
    with LocalServer(fake) as server:
        added = outpost("provider", "set", "anilist", "--url", server.url + "/")
        run = outpost("search", "media", "frieren", "--kind", "anime", "--json")
        table = outpost("search", "media", "frieren", "--kind", "anime")
    assert added.code == 0, added.err
    assert run.code == 0, run.err
    document = run.json()
    assert document["errors"] == []
    assert [(m["kind"], m["title"], m["year"]) for m in document["media"]] == [
        ("anime", "Sousou no Frieren", 2023),
        ("anime", "Sousou no Frieren 2nd Season", 2026),
        ("anime", "Sousou no Frieren: ●● no Mahou", 2023),
    ]
    assert document["media"][0]["ids"] == {"anilist": "154587", "mal": "52991"}
    assert table.code == 0 and "Sousou no Frieren" in table.out
    assert len(fake.bodies) == 2  # the connection test and one search: the third was cached


def test_search_media_names_a_failing_anilist(outpost: Outpost) -> None:
    fake = FakeAniList()
    with LocalServer(fake) as server:
        assert outpost("provider", "set", "anilist", "--url", server.url + "/").code == 0
    run = outpost("search", "media", "frieren", "--kind", "anime", "--json")  # server gone
    assert run.code == 0, run.err
    (error,) = run.json()["errors"]
    assert error["provider"] == "anilist" and "anilist" in error["error"]


def test_search_releases_kind_anime_sends_5070_and_the_absolute_episode(
    outpost: Outpost,
) -> None:
    items = [FeedItem(EPISODE, size=1_400_000_000, seeders=90, category=5070, link="/dl/1")]
    with TorznabFeed(items, api_key=KEY) as feed:
        added = outpost(
            "indexer", "add", "nyaa", "--kind", "torznab", "--url", feed.url, "--api-key", KEY
        )
        run = outpost(
            "search", "releases", "Sousou no Frieren", "--kind", "anime", "--episode", "5", "--json"
        )
        asked = [(r.arg("t"), r.arg("q"), r.arg("cat")) for r in feed.searches]
    assert added.code == 0, added.err
    assert run.code == 0, run.err
    assert asked == [("tvsearch", "Sousou no Frieren 05", "5070")]
    (release,) = run.json()["releases"]
    assert release["title"] == EPISODE and release["rejections"] == []
