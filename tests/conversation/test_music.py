"""/music in the chat: MusicBrainz finds the album, the Cover Art Archive gives its cover."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conversation.conftest import ADMIN, World, keys
from tests.support.localserver import LocalServer
from tests.support.musicbrainz_server import FakeCoverArt, FakeMusicBrainz

GROUP = "153f0a09-fead-3370-9b17-379ebd09446b"
COVER = (
    "https://coverartarchive.org/release/8745795a-190f-4be5-84fd-a8cfe5365cc6/31935858269-500.jpg"
)


@pytest.fixture
def music_servers() -> Iterator[tuple[LocalServer, LocalServer]]:
    caa = FakeCoverArt(listings={f"/release-group/{GROUP}/": "release_8745795a.json"})
    with LocalServer(FakeMusicBrainz()) as mb, LocalServer(caa) as art:
        yield mb, art


async def test_music_finds_albums_with_covers(
    world: World, music_servers: tuple[LocalServer, LocalServer]
) -> None:
    mb, art = music_servers
    integrations = world.app.integrations
    await integrations.set_provider("musicbrainz", {"url": mb.url + "/ws/2"}, test=False)
    await integrations.set_provider("coverartarchive", {"url": art.url}, test=False)
    [first] = await world.conv.command(ADMIN, "music", "the love bug")
    assert keys([first])[0] == "search.title_year"
    assert first.view.lines[0].params == {"title": "the Love Bug", "year": 2004}
    assert first.view.photo == COVER
    assert [r.arg("query") for r in mb.requests] == ["the love bug"]
