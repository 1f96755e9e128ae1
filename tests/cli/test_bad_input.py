"""Bad input at the command line: one clear line, a non-zero exit, nothing saved, no traceback."""

from __future__ import annotations

import socket

from tests.cli.conftest import Outpost
from tests.support.torznab_server import TorznabFeed

KEY = "right-key-" + "7" * 12


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def assert_one_line_error(run: object, *words: str) -> None:
    code, err = run.code, run.err  # type: ignore[attr-defined]
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for word in words:
        assert word in lines[0], lines[0]


def test_unreachable_indexer_is_refused_and_not_saved(outpost: Outpost) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    run = outpost("indexer", "add", "gone", "--kind", "torznab", "--url", url, "--api-key", KEY)
    assert_one_line_error(run, "gone", "cannot be reached")
    assert outpost("indexer", "list", "--json").json() == []


def test_wrong_key_names_the_credentials(outpost: Outpost) -> None:
    with TorznabFeed(api_key=KEY) as feed:
        run = outpost(
            "indexer",
            "add",
            "idx",
            "--kind",
            "torznab",
            "--url",
            feed.url,
            "--api-key",
            "wrong-key-123",
        )
    assert_one_line_error(run, "idx", "credentials")
    assert "wrong-key-123" not in run.out + run.err
    assert outpost("indexer", "list", "--json").json() == []


def test_unknown_kind_lists_the_known_ones(outpost: Outpost) -> None:
    run = outpost("indexer", "add", "x", "--kind", "rss", "--url", "http://127.0.0.1:1")
    assert_one_line_error(run, "rss", "torznab")
    run = outpost("search", "releases", "dune", "--kind", "podcast")
    assert_one_line_error(run, "podcast")


def test_not_an_http_url(outpost: Outpost) -> None:
    run = outpost("client", "add", "q", "--kind", "qbittorrent", "--url", "file:///etc/passwd")
    assert_one_line_error(run, "file:///etc/passwd", "http")


def test_unknown_ref(outpost: Outpost) -> None:
    assert_one_line_error(outpost("grab", "nope42"), "nope42", "search releases")


def test_search_without_indexers_says_what_to_do(outpost: Outpost) -> None:
    assert_one_line_error(outpost("search", "releases", "dune"), "outpost indexer add")


def test_unknown_command_is_one_line(outpost: Outpost) -> None:
    run = outpost("frobnicate")
    assert run.code == 2 and len(run.err.strip().splitlines()) == 1


def test_json_mode_keeps_stdout_parseable_on_partial_failure(outpost: Outpost) -> None:
    """One indexer down, one up: results from the live one, the dead one listed as an error."""
    with TorznabFeed(api_key=KEY) as live, TorznabFeed(api_key=KEY) as doomed:
        for name, feed in (("live", live), ("doomed", doomed)):
            added = outpost(
                "indexer", "add", name, "--kind", "torznab", "--url", feed.url, "--api-key", KEY
            )
            assert added.code == 0, added.err
        doomed.stop()
        run = outpost("search", "releases", "anything", "--json")
    assert run.code == 0
    document = run.json()
    assert document["releases"] == []
    assert [e["indexer"] for e in document["errors"]] == ["doomed"]
    assert "cannot be reached" in document["errors"][0]["error"]
