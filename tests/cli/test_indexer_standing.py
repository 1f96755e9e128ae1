"""An indexer's standing outlives the process: a lost secret, a refused key, a Retry-After."""

from __future__ import annotations

from pathlib import Path

from cryptography.fernet import Fernet

from tests.cli.conftest import Outpost
from tests.support.torznab_server import FeedItem, TorznabFeed

KEY = "secret-canary-" + "9" * 16
DUNE = FeedItem("Dune.2021.1080p.WEB-DL.x264-GRP", link="/dl/dune.torrent", size=4_000_000_000)


def _add(outpost: Outpost, feed: TorznabFeed, name: str = "idx") -> None:
    added = outpost(
        "indexer", "add", name, "--kind", "torznab", "--url", feed.url, "--api-key", KEY
    )
    assert added.code == 0, added.err


def test_wrong_key_search_names_the_indexers_needing_their_secret(outpost: Outpost) -> None:
    data_dir: Path = outpost.data_dir  # type: ignore[attr-defined]
    with TorznabFeed([DUNE], api_key=KEY) as feed:
        _add(outpost, feed)
        (data_dir / "secret.key").write_text(Fernet.generate_key().decode() + "\n")
        found = outpost("search", "releases", "dune 2021", "--kind", "movie")
        listed = outpost("indexer", "list")
        as_json = outpost("indexer", "list", "--json")
    assert found.code == 1
    assert "No indexer is configured" not in found.out + found.err
    assert "idx" in found.err and "secret" in found.err
    assert "needs its secret again" in listed.out
    assert as_json.json()[0]["state"] == "needs_secret"


def test_refused_key_marks_the_indexer_tells_admins_once_and_skips_it(outpost: Outpost) -> None:
    with TorznabFeed([DUNE], api_key=KEY) as feed:
        _add(outpost, feed)
        feed.api_key = "rotated-on-the-indexer"
        first = outpost("search", "releases", "dune 2021", "--kind", "movie")
        asked = len(feed.requests)
        second = outpost("search", "releases", "dune 2021", "--kind", "movie")
        skipped = len(feed.requests) == asked
        listed = outpost("indexer", "list")
        history = outpost("history", "--json")
        feed.api_key = KEY  # fixed on the indexer: a test clears the mark
        tested = outpost("indexer", "test", "idx")
        third = outpost("search", "releases", "dune 2021", "--kind", "movie", "--json")
    assert "refused" in first.out + first.err
    assert skipped, "a marked indexer is not asked again"
    assert "needs its key again" in second.out + second.err
    assert "needs its key again" in listed.out
    told = [n for n in history.json()["notices"] if n["event"] == "IndexerNeedsKey"]
    assert len(told) == 1 and told[0]["title"] == "idx"
    assert tested.code == 0, tested.err
    assert third.code == 0 and third.json()["releases"], third.out
    assert "needs its key again" not in outpost("indexer", "list").out


def test_retry_after_is_kept_between_processes(outpost: Outpost) -> None:
    with TorznabFeed([DUNE], api_key=KEY) as feed:
        _add(outpost, feed)
        feed.retry_after = 600
        first = outpost("search", "releases", "dune 2021", "--kind", "movie")
        searched = len(feed.searches)
        second = outpost("search", "releases", "dune 2021", "--kind", "movie", "--json")
        again = len(feed.searches)
        listed = outpost("indexer", "list")
    assert searched >= 1 and "slow down" in first.out + first.err
    assert again == searched, "the second process waited as the indexer asked"
    [error] = second.json()["errors"]
    assert error["indexer"] == "idx" and "asks again after" in error["error"]
    assert "waiting until" in listed.out
