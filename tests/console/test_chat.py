"""`outpost chat` through a pseudo-terminal: the whole path with no bot token, from /search
to a grab into the real qbittorrent-nox, /queue, and "ready" on the loopback swarm; and the
ways a person leaves (/quit, Ctrl+D, Ctrl+C), and `outpost run` pointing to it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.cli.conftest import Outpost, add_qbittorrent
from tests.console.conftest import Open
from tests.console.terminal import CTRL_C, CTRL_D
from tests.metadata.books import CONTACT, FakeAudnexus, FakeOpenLibrary
from tests.metadata.conftest import API_KEY as TMDB_KEY
from tests.metadata.conftest import FakeTmdb
from tests.support.anilist import FakeAniList
from tests.support.daemons import QBittorrentDaemon
from tests.support.localserver import LocalServer
from tests.support.musicbrainz_server import FakeCoverArt, FakeMusicBrainz
from tests.support.swarm import Swarm
from tests.support.torznab_server import FeedItem, TorznabFeed

KEY = "console-indexer-" + "5" * 10
NAME = "The.First.Omen.2024.1080p.WEB-DL.DDP5.1.H.264-OUTPOST"
LIBRARY_FILE = "The First Omen (2024)/The First Omen (2024) [webdl-1080p].mkv"
POLL = "0.3"


def configure(
    outpost: Outpost, tmdb: str, feed: str, leecher: QBittorrentDaemon, tmp: Path
) -> None:
    """As a newcomer would: every service added with the CLI, each tested on the way in."""
    runs = [
        outpost("provider", "set", "tmdb", "--api-key", TMDB_KEY, "--url", tmdb),
        outpost("indexer", "add", "local", "--kind", "torznab", "--url", feed, "--api-key", KEY),
        outpost(
            *add_qbittorrent(
                leecher,
                "--save-path",
                str(tmp / "downloads"),
            )
        ),
        outpost("library", "set", "movie", str(tmp / "library")),
    ]
    assert [r.code for r in runs] == [0, 0, 0, 0], [r.err for r in runs]


def test_search_choose_grab_queue_and_ready_without_a_bot_token(
    outpost: Outpost, terminal: Open, swarm: Swarm, leecher: QBittorrentDaemon, tmp_path: Path
) -> None:
    torrent = swarm.torrent(NAME, {f"{NAME}.mkv": os.urandom(1024 * 1024)})
    swarm.seed(torrent)
    item = FeedItem(NAME, size=5 * 1024**3, seeders=1, link="/t/omen")
    with LocalServer(FakeTmdb()) as tmdb, TorznabFeed([item], api_key=KEY) as feed:
        feed.serve_file("/t/omen", torrent.data)
        configure(outpost, tmdb.url + "/3", feed.url, leecher, tmp_path)
        chat = terminal("chat", "--poll-interval", POLL)
        chat.expect("Outpost chat")
        chat.line("/search omen")
        chat.expect(r"The First Omen \(2024\)")
        chat.expect(r"poster: https?://\S+")
        choose = chat.expect(r"\[(\d+)\] ⬇ Grab best  \[(\d+)\] 🔎 Choose release")
        assert choose.groups() == ("1", "2")
        chat.line(choose.group(2))
        chat.expect(NAME)
        chat.line(chat.expect(r"\[(\d+)\] ⬇ #1").group(1))
        chat.expect(f"Grabbed {NAME}; sent to qbit")
        listed = json.loads(leecher.api("torrents/info"))
        assert [t["hash"] for t in listed] == [torrent.info_hash]
        chat.line("/queue")
        chat.expect(r"\[\d+\] ⏸ Pause  \[\d+\] ▶ Resume  \[\d+\] 🗑 Remove")
        chat.expect("✅ Ready in the library", timeout=90)  # the card, printed again
        chat.expect(f"{NAME} is ready in the library", timeout=30)  # the notice
        chat.line("/quit")
        assert chat.wait() == 0, chat.output[-3000:]

    assert "Outpost stopped" in chat.output
    assert "Traceback" not in chat.output
    assert (tmp_path / "library" / LIBRARY_FILE).read_bytes() == torrent.files[f"{NAME}.mkv"]
    history = outpost("history", "--json").json()["notices"]
    imported = [n for n in history if n["event"] == "ImportCompleted"]
    assert [(n["title"], n["person"]) for n in imported] == [(NAME, "console")]


def test_a_number_that_is_no_choice_is_answered_and_ctrl_d_ends_the_chat(terminal: Open) -> None:
    chat = terminal("chat")
    chat.expect("Outpost chat")
    chat.line("3")
    chat.expect("There is no choice 3 here")
    chat.line("/nonsense")
    chat.expect("nonsense")
    chat.type(CTRL_D)
    assert chat.wait() == 0
    assert "Outpost stopped" in chat.output


def test_ctrl_c_ends_the_chat_cleanly(terminal: Open) -> None:
    chat = terminal("chat")
    chat.expect("Outpost chat")
    chat.type(CTRL_C)
    assert chat.wait() == 0
    assert "Outpost stopped" in chat.output and "Traceback" not in chat.output


def test_run_without_a_chat_token_names_the_variables_and_points_to_chat(
    terminal: Open,
) -> None:
    run = terminal("run")
    hint = run.expect(r"No chat is connected\..*\n")
    assert "OUTPOST_TELEGRAM_TOKEN" in hint.group(0)
    assert "OUTPOST_DISCORD_TOKEN" in hint.group(0)
    assert "outpost chat" in hint.group(0)
    run.type(CTRL_C)
    assert run.wait() == 0


def test_a_secret_is_asked_for_without_echo_and_never_shown(
    terminal: Open, outpost: Outpost
) -> None:
    with TorznabFeed([], api_key=KEY) as feed:
        chat = terminal("chat")
        chat.expect("Outpost chat")
        chat.line(f"/addindexer torznab home {feed.url}")
        chat.expect("type its secrets below. They are not shown")  # the console's wording
        chat.expect(r"api key \(- for none\)")
        chat.line(KEY)  # the terminal's echo is off: the key is never printed
        chat.expect("home is added and works")
        chat.line("/quit")
        assert chat.wait() == 0
    assert KEY not in chat.output
    assert "deleted" not in chat.output and "Send the" not in chat.output  # Telegram's words
    listed = outpost("indexer", "list", "--json").json()
    assert [(i["name"], i["kind"]) for i in listed] == [("home", "torznab")]


def test_anime_is_in_the_help_and_answered_from_anilist(outpost: Outpost, terminal: Open) -> None:
    with LocalServer(FakeAniList()) as anilist:
        added = outpost("provider", "set", "anilist", "--url", anilist.url + "/")
        assert added.code == 0, added.err
        chat = terminal("chat")
        chat.expect("Outpost chat")
        chat.line("/help")
        chat.expect("/anime TITLE – anime")
        chat.line("/anime frieren")
        chat.expect("Sousou no Frieren")
        chat.expect(r"Choose release")
        chat.type(CTRL_D)
        assert chat.wait() == 0


def test_music_books_and_audiobooks_are_in_the_help_with_their_covers(
    outpost: Outpost, terminal: Open
) -> None:
    group = "153f0a09-fead-3370-9b17-379ebd09446b"
    caa = FakeCoverArt(listings={f"/release-group/{group}/": "release_8745795a.json"})
    with (
        LocalServer(FakeMusicBrainz()) as mb,
        LocalServer(caa) as art,
        LocalServer(FakeOpenLibrary()) as ol,
        LocalServer(FakeAudnexus()) as ax,
    ):
        runs = [
            outpost("provider", "set", "musicbrainz", "--url", mb.url + "/ws/2"),
            outpost("provider", "set", "coverartarchive", "--url", art.url),
            outpost("provider", "set", "openlibrary", "--url", ol.url, "--contact", CONTACT),
            outpost("provider", "set", "audnexus", "--url", ax.url),
        ]
        assert [r.code for r in runs] == [0, 0, 0, 0], [r.err for r in runs]
        chat = terminal("chat")
        chat.expect("Outpost chat")
        chat.line("/help")
        chat.expect("/music NAME – music")
        chat.expect("/audiobook TITLE – audiobooks")
        chat.line("/music love bug")
        chat.expect("the Love Bug")
        chat.expect(r"poster: https://coverartarchive\.org/\S+")
        chat.line("/book project hail mary")
        chat.expect("Project Hail Mary")
        chat.expect(r"poster: https?://\S+")
        chat.line("/audiobook galaxy's edge")
        chat.expect("Galaxy's Edge")
        chat.expect(r"poster: https?://\S+")
        chat.type(CTRL_D)
        assert chat.wait() == 0
