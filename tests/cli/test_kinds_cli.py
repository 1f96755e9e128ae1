"""`outpost search releases --kind music|book|audiobook|anime`: each kind asks the indexer's
category for it in the mode its caps offer, and gets back that kind's release only."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Outpost
from tests.support.torznab_server import FeedItem, TorznabFeed

KEY = "kinds-cli-" + "4" * 10
ITEMS = {
    "music": FeedItem(
        "Pink Floyd - Animals (1977) [FLAC]",
        size=300_000_000,
        category=3040,
        seeders=5,
        link="/t/1",
    ),
    "book": FeedItem(
        "Frank Herbert - Animals (1977) [EPUB]",
        size=2_000_000,
        category=7020,
        seeders=5,
        link="/t/2",
    ),
    "audiobook": FeedItem(
        "Frank Herbert - Animals (1977) [M4B] Unabridged",
        size=500_000_000,
        category=3030,
        seeders=5,
        link="/t/3",
    ),
    "anime": FeedItem(
        "[SubsPlease] Animals - 05 (1080p) [0A1B2C3D].mkv",
        size=1_400_000_000,
        category=5070,
        seeders=5,
        link="/t/4",
    ),
}


@pytest.mark.parametrize(
    ("kind", "mode", "cats"),
    [
        ("music", "music", "3000"),  # the parent brings lossless, 3040
        ("book", "book", "7000"),
        ("audiobook", "book", "3030"),
        ("anime", "tvsearch", "5070"),
    ],
)
def test_each_kind_asks_its_category_and_gets_its_release(
    outpost: Outpost, kind: str, mode: str, cats: str
) -> None:
    with TorznabFeed(list(ITEMS.values()), api_key=KEY) as feed:
        added = outpost("indexer", "add", "home", "--kind", "torznab", "--url", feed.url,
                        "--api-key", KEY)  # fmt: skip
        assert added.code == 0, added.err
        found = outpost("search", "releases", "animals", "--kind", kind, "--json")
    assert found.code == 0, found.err
    # 3000 also holds the audiobooks (3030): a music search leaves them out
    assert [r["title"] for r in found.json()["releases"]] == [ITEMS[kind].title]
    (asked,) = feed.searches
    assert (asked.arg("t"), asked.arg("cat"), asked.arg("q")) == (mode, cats, "animals")


def test_a_media_that_is_not_provider_and_id_is_refused_with_what_to_do(outpost: Outpost) -> None:
    refused = outpost("search", "releases", "animals", "--kind", "music", "--media", "animals")
    assert refused.code != 0
    assert "not a title from search media" in refused.err and "--media PROVIDER:ID" in refused.err
    assert "Traceback" not in refused.err
