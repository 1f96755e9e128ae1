"""Loopback MusicBrainz WS/2 and Cover Art Archive servers answering with captured shapes.

The MusicBrainz fake keeps the monotonic time each request arrived and its User-Agent, so
tests count the pacing where MusicBrainz would: at the server.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.localserver import Request, Response

FIXTURES = Path(__file__).parent.parent / "fixtures"
JSON = {"Content-Type": "application/json; charset=utf-8"}
_LOOKUP = re.compile(r"^/ws/2/(release-group|release|artist)/([0-9a-f-]{36})$")
SEARCHES = {
    "/ws/2/release-group": "search_release_group.json",
    "/ws/2/artist": "search_artist.json",
    "/ws/2/recording": "search_recording.json",
}


def fixture(folder: str, name: str) -> bytes:
    return (FIXTURES / folder / name).read_bytes()


def mb_json(name: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(fixture("musicbrainz", name))
    return loaded


@dataclass
class FakeMusicBrainz:
    """Routes like musicbrainz.org/ws/2 with fmt=json. `script` answers first, one per request
    (a function of the request, or a Response), before the routes."""

    script: list[Response | Callable[[Request], Response]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)

    def __call__(self, request: Request) -> Response:
        self.times.append(time.monotonic())
        self.agents.append(request.headers.get("user-agent", ""))
        if self.script:
            step = self.script.pop(0)
            return step if isinstance(step, Response) else step(request)
        if request.arg("fmt") != "json":
            return Response(
                400, "<error><text>xml only</text></error>", {"Content-Type": "application/xml"}
            )
        if request.path in SEARCHES:
            return Response(200, fixture("musicbrainz", SEARCHES[request.path]), JSON)
        found = _LOOKUP.match(request.path)
        if found:
            entity, mbid = found.groups()
            name = f"{entity.replace('-', '_')}_{mbid[:8]}.json"
            if (FIXTURES / "musicbrainz" / name).exists():
                return Response(200, fixture("musicbrainz", name), JSON)
        return Response(404, fixture("musicbrainz", "error_404.json"), JSON)

    def gaps(self) -> list[float]:
        return [b - a for a, b in zip(self.times, self.times[1:], strict=False)]


@dataclass
class FakeCoverArt:
    """Routes like coverartarchive.org: /release/{mbid}/ and /release-group/{mbid}/ listings;
    `redirects` maps a path to the Location a 307 names; unknown ids are 404 (text/plain, as
    the archive answers)."""

    listings: dict[str, str] = field(default_factory=dict)  # path -> fixture file
    redirects: dict[str, str] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)

    def __call__(self, request: Request) -> Response:
        self.paths.append(request.path)
        if request.path in self.redirects:
            return Response(307, b"", {"Location": self.redirects[request.path]})
        name = self.listings.get(request.path)
        if name is not None:
            return Response(200, fixture("coverartarchive", name), JSON)
        return Response(404, "Not Found", {"Content-Type": "text/plain"})
