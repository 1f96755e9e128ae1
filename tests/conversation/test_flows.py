"""Whole flows against loopback TMDB and Torznab and the real qbittorrent-nox."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from bot.conversation import tokens
from core.store.integrations import add_integration
from core.store.models import Grab, IntegrationCategory, MediaRequest, RequestStatus, Subscription
from tests.conversation.conftest import (
    ADMIN,
    BEST,
    LARGE,
    MEMBER,
    World,
    button,
    buttons,
    keys,
    text,
)
from tests.support.daemons import QBittorrentDaemon


def hashes(daemon: QBittorrentDaemon) -> dict[str, str]:
    """info-hash -> qBittorrent's state word."""
    return {t["hash"]: t["state"] for t in json.loads(daemon.api("torrents/info"))}


async def settled_state(daemon: QBittorrentDaemon, info_hash: str) -> str:
    """The torrent's state once qBittorrent has finished checking it (it pauses asynchronously)."""
    state = ""
    for _ in range(200):  # a bound, not a timing claim
        state = hashes(daemon).get(info_hash, "")
        if not state.startswith(("checking", "meta", "allocating", "moving")):
            break
        await asyncio.sleep(0.05)
    return state


async def free_space_known(daemon: QBittorrentDaemon) -> None:
    """qBittorrent reports 0 B free until it has measured the disk; grabs check free space."""
    for _ in range(200):  # a bound, not a timing claim
        state = json.loads(daemon.api("sync/maindata")).get("server_state", {})
        if state.get("free_space_on_disk"):
            return
        await asyncio.sleep(0.05)


@pytest_asyncio.fixture(loop_scope="function")
async def grabbing(
    searchable: World, qbt_daemon: QBittorrentDaemon, tmp_path: Path
) -> AsyncIterator[World]:
    qbt_daemon.clear()
    await free_space_known(qbt_daemon)
    await add_integration(
        searchable.app.box,
        name="qbit",
        category=IntegrationCategory.CLIENT,
        kind="qbittorrent",
        url=qbt_daemon.url,
        username=qbt_daemon.username,
        secrets={"password": qbt_daemon.password},
        options={"category": "outpost", "save_path": str(tmp_path / "incoming")},
    )
    yield searchable
    qbt_daemon.clear()


async def test_search_pages_through_titles_with_posters(searchable: World) -> None:
    conv = searchable.conv
    [first] = await conv.command(ADMIN, "search", "omen")
    assert keys([first])[:2] == ["search.title_year", "search.overview"]
    assert first.view.lines[0].params["title"] == "The First Omen"
    assert first.view.photo is not None and first.view.photo.startswith("https://")
    labels = [b.text.key for b in buttons(first.view)]
    assert labels == ["button.grab_best", "button.choose", "button.next", "button.follow"]
    assert all(len(b.token) <= 16 for b in buttons(first.view))

    page = await conv.tap(ADMIN, button(first.view, "button.next").token)
    [second] = page.replies
    assert second.edit and second.view.lines[0].params["title"] == "Breaking Bad"
    assert "button.prev" in [b.text.key for b in buttons(second.view)]
    assert "2 of 3" in text(second)


async def test_choose_release_lists_reasons_and_warns_of_large_ones(searchable: World) -> None:
    conv = searchable.conv
    [first] = await conv.command(ADMIN, "movie", "omen 2024")
    [listing] = (await conv.tap(ADMIN, button(first.view, "button.choose").token)).replies
    shown = text(listing)
    assert keys([listing])[0] == "releases.header"
    assert listing.view.lines[0].params["count"] == 2
    assert LARGE in shown and BEST in shown and "TINY" not in shown
    assert shown.index(LARGE) < shown.index(BEST)  # the remux ranks first
    assert "unusually large" in shown and shown.count("unusually large") == 1
    assert "1 rejected: 1 too small" in shown  # the 2006 film is not even returned
    assert [b.text.params["n"] for b in buttons(listing.view)] == [1, 2]
    assert "indexer-canary" not in shown


async def test_search_grab_puts_the_torrent_in_qbittorrent_and_returns_a_card(
    grabbing: World, qbt_daemon: QBittorrentDaemon
) -> None:
    conv = grabbing.conv
    assert grabbing.torrents is not None
    [first] = await conv.command(ADMIN, "search", "the first omen")
    [listing] = (await conv.tap(ADMIN, button(first.view, "button.choose").token)).replies
    grab_two = buttons(listing.view)[1]
    answer = await conv.tap(ADMIN, grab_two.token)
    assert answer.alert is None
    [card] = answer.replies
    assert keys([card]) == ["card.title_year", "card.grabbed"]
    assert card.view.card is not None and card.view == await conv.card(card.view.card)
    assert list(hashes(qbt_daemon)) == [grabbing.torrents[BEST].info_hash]
    request = await MediaRequest.get(id=card.view.card)
    assert (request.person_id, request.provider, request.status) == (  # type: ignore[attr-defined]
        grabbing.admin.id,
        "tmdb",
        RequestStatus.GRABBED,
    )
    again = await conv.tap(ADMIN, grab_two.token)
    assert again.alert is not None and again.alert.key == "tap.used"

    queue = await conv.command(ADMIN, "queue", "")
    assert keys(queue[:1]) == ["queue.header"]
    item = queue[1].view
    assert "░" in text(queue[1]) and BEST in text(queue[1])
    labels = [b.text.key for b in buttons(item)]
    assert labels == ["button.pause", "button.resume", "button.remove"]
    paused = await conv.tap(ADMIN, button(item, "button.pause").token)
    assert keys(paused.replies) == ["queue.paused"]
    state = await settled_state(qbt_daemon, grabbing.torrents[BEST].info_hash)
    assert state.startswith(("paused", "stopped")), state
    history = await conv.command(ADMIN, "history", "")
    assert "Sent The.First.Omen" in text(history[0])


async def test_a_members_grab_waits_for_the_admin_and_remove_is_theirs_only(
    grabbing: World, qbt_daemon: QBittorrentDaemon
) -> None:
    conv, torrents = grabbing.conv, grabbing.torrents
    assert torrents is not None
    [mine] = await conv.command(ADMIN, "search", "omen")
    [listing] = (await conv.tap(ADMIN, button(mine.view, "button.choose").token)).replies
    await conv.tap(ADMIN, buttons(listing.view)[1].token)  # the admin's grab of BEST

    [theirs] = await conv.command(MEMBER, "search", "omen")
    asked = await conv.tap(MEMBER, button(theirs.view, "button.grab_best").token)
    card, prompt = asked.replies
    assert keys([card])[-1] == "card.awaiting_approval" and card.chat is None
    assert prompt.chat == ADMIN.chat and keys([prompt]) == ["approval.prompt"]
    assert list(hashes(qbt_daemon)) == [torrents[BEST].info_hash]  # nothing sent yet
    request = await MediaRequest.get(id=card.view.card)
    assert request.awaiting_approval and request.release_ref

    foreign = await conv.tap(MEMBER, button(prompt.view, "button.approve").token)
    assert foreign.alert is not None and list(hashes(qbt_daemon)) == [torrents[BEST].info_hash]
    approved = await conv.tap(ADMIN, button(prompt.view, "button.approve").token)
    done, updated = approved.replies
    assert keys([done]) == ["approval.approved"] and done.edit
    assert updated.chat == MEMBER.chat and updated.view.card == request.id
    assert keys([updated])[-1] == "card.grabbed"
    assert set(hashes(qbt_daemon)) == {torrents[BEST].info_hash, torrents[LARGE].info_hash}

    queue = await conv.command(MEMBER, "queue", "")
    views = {r.view.lines[0].params["name"]: r.view for r in queue[1:]}
    assert "button.remove" not in [b.text.key for b in buttons(views[BEST])]
    assert "button.remove" in [b.text.key for b in buttons(views[LARGE])]
    admins = await Grab.get(title=BEST)
    sneaky = await tokens.issue(grabbing.member, MEMBER.chat, "remove", {"grab": admins.id})
    refused = await conv.tap(MEMBER, sneaky)
    assert keys(refused.replies) == ["queue.remove_refused"]
    assert torrents[BEST].info_hash in hashes(qbt_daemon)
    assert (await Grab.get(id=admins.id)).state == "grabbed"

    own = await conv.tap(MEMBER, button(views[LARGE], "button.remove").token)
    assert keys(own.replies) == ["queue.removed"]
    assert list(hashes(qbt_daemon)) == [torrents[BEST].info_hash]
    assert (await MediaRequest.get(id=request.id)).status == RequestStatus.CANCELLED


async def test_a_declined_grab_tells_the_member_and_sends_nothing(searchable: World) -> None:
    conv = searchable.conv
    [theirs] = await conv.command(MEMBER, "search", "omen")
    _, prompt = (await conv.tap(MEMBER, button(theirs.view, "button.grab_best").token)).replies
    declined = await conv.tap(ADMIN, button(prompt.view, "button.decline").token)
    done, told = declined.replies
    assert keys([done]) == ["approval.declined"]
    assert told.chat == MEMBER.chat and keys([told])[-1] == "card.declined"
    assert "abgelehnt" in text(told, "de")
    assert await Grab.all().count() == 0
    late = await conv.tap(ADMIN, button(prompt.view, "button.approve").token)
    assert keys(late.replies) == ["approval.already_decided"]
    assert await Grab.all().count() == 0


async def test_status_follow_and_kinds_without_a_catalogue(searchable: World) -> None:
    conv = searchable.conv
    status = text((await conv.command(ADMIN, "status", ""))[0])
    assert "tmdb (metadata provider) works" in status and "local (indexer) works" in status
    followed = await conv.command(MEMBER, "follow", "omen")
    assert keys(followed) == ["follow.done"]
    assert await Subscription.filter(chat=MEMBER.chat, media_key="tmdb:437342").exists()
    assert keys(await conv.command(MEMBER, "follow", "omen")) == ["follow.already"]

    # MusicBrainz is on by default (keyless); switched off, music has no catalogue here
    await searchable.app.integrations.switch("musicbrainz", enabled=False)
    [music] = await conv.command(ADMIN, "music", "omen")
    assert keys([music]) == ["search.no_provider"]
    found = await conv.tap(ADMIN, button(music.view, "button.search_releases").token)
    assert keys(found.replies)[-1] == "releases.none"  # the feed has no music
    assert keys(await conv.command(ADMIN, "search", "")) == ["search.usage"]
    assert keys(await conv.command(ADMIN, "nosuch", "")) == ["help.unknown"]
