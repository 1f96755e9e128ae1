"""MusicBrainz WS/2 JSON shapes to domain types: pure functions, tolerant of missing fields."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from core import errors
from core.domain import Credit, Media, MediaKind, Track

MAX_TEXT = 512  # a hostile peer must not bloat cards or file names
MAX_CREDITS = 10
MAX_TRACKS = 500
MBID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Lucene's special characters: a title like "AC/DC" or "Help!" is searched as text.
_LUCENE = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
_YEAR = re.compile(r"^([0-9]{4})")


def escaped(text: str) -> str:
    return _LUCENE.sub(r"\\\1", text.strip())


def cache_key(path: str, params: Mapping[str, Any]) -> str:
    return "musicbrainz:" + path + "?" + urlencode(sorted((k, str(v)) for k, v in params.items()))


def object_of(value: Any, service: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise errors.BadResponse("musicbrainz: answer is not a JSON object", service=service)
    return value


def dict_of(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def mbid(value: Any) -> str | None:
    return value if isinstance(value, str) and MBID.match(value) else None


def text(value: Any, limit: int = MAX_TEXT) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def year(value: Any) -> int | None:
    found = _YEAR.match(value) if isinstance(value, str) else None
    return int(found.group(1)) if found else None


def artist_credits(value: Any) -> tuple[Credit, ...]:
    """The `artist-credit` list as credits with the role "artist" and each artist's MBID."""
    found: list[Credit] = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            continue
        artist = dict_of(item.get("artist"))
        name = text(item.get("name")) or text(artist.get("name"))
        if not name:
            continue
        artist_id = mbid(artist.get("id"))
        found.append(Credit("artist", name, {"musicbrainz": artist_id} if artist_id else {}))
    return tuple(found[:MAX_CREDITS])


def release_group(item: Mapping[str, Any]) -> Media | None:
    """One release group (an album, EP or single) as a Media; None if it has no MBID or title."""
    group_id, title = mbid(item.get("id")), text(item.get("title"))
    if group_id is None or not title:
        return None
    credits = artist_credits(item.get("artist-credit"))
    ids = {"musicbrainz": group_id}
    artist_ids = [c.ids["musicbrainz"] for c in credits if "musicbrainz" in c.ids]
    if artist_ids:
        ids["musicbrainz_artist"] = artist_ids[0]
    release = _first_release(item.get("releases"))
    if release:
        ids["musicbrainz_release"] = release
    score = item.get("score")
    return Media(
        kind=MediaKind.MUSIC,
        title=title,
        provider="musicbrainz",
        provider_id=group_id,
        year=year(item.get("first-release-date")),
        overview=text(item.get("disambiguation")),
        ids=ids,
        popularity=float(score) if isinstance(score, int | float) else None,
        credits=credits,
        release_type=text(item.get("primary-type"), 32) or None,
    )


def _first_release(value: Any) -> str | None:
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict) and mbid(item.get("id")):
            return str(item["id"])
    return None


def groups(body: Mapping[str, Any], service: str) -> list[Media]:
    items = body.get("release-groups")
    if not isinstance(items, list):
        raise errors.BadResponse("musicbrainz: answer without release-groups", service=service)
    found = (release_group(item) for item in items if isinstance(item, dict))
    return [media for media in found if media is not None]


def best_release(group: Mapping[str, Any]) -> str | None:
    """The release to read tracks from: the earliest official one, else the first listed."""
    releases = [r for r in group.get("releases") or [] if isinstance(r, dict) and mbid(r.get("id"))]
    official = [r for r in releases if r.get("status") == "Official"] or releases
    official.sort(key=lambda r: text(r.get("date")) or "9999")
    return str(official[0]["id"]) if official else None


def tracks(release: Mapping[str, Any]) -> tuple[Track, ...]:
    """Every track of every medium, numbered as printed (a vinyl's "A1" keeps its position)."""
    found: list[Track] = []
    media = release.get("media")
    for disc, medium in enumerate(media if isinstance(media, list) else [], start=1):
        if not isinstance(medium, dict):
            continue
        position = medium.get("position")
        disc_number = position if isinstance(position, int) and position > 0 else disc
        listed = medium.get("tracks")
        for index, item in enumerate(listed if isinstance(listed, list) else [], start=1):
            track = _track(item, disc_number, index)
            if track is not None:
                found.append(track)
    return tuple(found[:MAX_TRACKS])


def _track(item: Any, disc: int, index: int) -> Track | None:
    if not isinstance(item, dict):
        return None
    recording = dict_of(item.get("recording"))
    title = text(item.get("title")) or text(recording.get("title"))
    if not title:
        return None
    number = item.get("position")
    if not isinstance(number, int) or isinstance(number, bool) or number <= 0:
        printed = text(item.get("number"), 8)
        number = int(printed) if printed.isdigit() else index
    length = item.get("length")
    if not isinstance(length, int) or isinstance(length, bool):
        length = recording.get("length")
    seconds = length / 1000 if isinstance(length, int) and not isinstance(length, bool) else None
    return Track(disc=disc, number=number, title=title, length=seconds)


def recording_groups(items: list[Any]) -> list[Media]:
    """The release groups a recording search names, each once, with the recording's artists."""
    found: dict[str, Media] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        credits = item.get("artist-credit")
        for release in item.get("releases") or []:
            group = release.get("release-group") if isinstance(release, dict) else None
            if not isinstance(group, dict):
                continue
            media = release_group({"artist-credit": credits, **group, "releases": [release]})
            if media is not None and media.provider_id not in found:
                found[media.provider_id] = media
    return list(found.values())


def discography(artist: Mapping[str, Any]) -> list[Media]:
    """An artist lookup with `inc=release-groups` as albums credited to that artist."""
    credit = [{"name": artist.get("name"), "artist": dict(artist)}]
    items = artist.get("release-groups")
    found = (
        release_group({**item, "artist-credit": credit})
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, dict)
    )
    return [media for media in found if media is not None]
