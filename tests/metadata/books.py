"""Loopback Open Library and Audnexus serving bodies in each service's documented shapes."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.localserver import Request, Response

FIXTURES = Path(__file__).parent.parent / "fixtures"
JSON = {"Content-Type": "application/json"}
HTML = {"Content-Type": "text/html"}

OPENLIBRARY_ROUTES = {
    "/works/OL21745884W.json": "works_OL21745884W.json",
    "/works/OL45804W.json": "works_OL45804W.json",
    "/authors/OL7234434A.json": "authors_OL7234434A.json",
}
# /search.json answers by the title asked for, like the real search does
SEARCHES = {
    "project hail mary": "search_project_hail_mary.json",
    "galaxy's edge": "search_galaxys_edge.json",
    "the lord of the rings": "search_lord_of_the_rings.json",
}
AUDNEXUS_ROUTES = {
    "/books/B08G9PRS1K": "book_B08G9PRS1K.json",
    "/books/B079LRSMNN": "book_B079LRSMNN.json",
    "/books/B079LRSMNN/chapters": "chapters_B079LRSMNN.json",
    "/authors/B012DQ3BCM": "author_B012DQ3BCM.json",
}
CONTACT = "books@example.org"


def fixture_bytes(service: str, name: str) -> bytes:
    return (FIXTURES / service / name).read_bytes()


def fixture_json(service: str, name: str) -> Any:
    return json.loads(fixture_bytes(service, name))


def empty_search() -> bytes:
    return json.dumps({"numFound": 0, "start": 0, "numFoundExact": True, "docs": []}).encode()


@dataclass
class FakeOpenLibrary:
    """Routes like openlibrary.org; refuses a User-Agent without a contact as its front does."""

    overrides: dict[str, Response] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)  # when each request arrived (monotonic)

    def __call__(self, request: Request) -> Response:
        self.times.append(time.monotonic())
        agent = request.headers.get("user-agent", "")
        if "(" not in agent or "@" not in agent:
            return Response(403, fixture_bytes("openlibrary", "error_403.html"), HTML)
        if request.path in self.overrides:
            return self.overrides[request.path]
        if request.path == "/search.json":
            title = (request.arg("title") or request.arg("q") or "").casefold()
            name = SEARCHES.get(title)
            body = fixture_bytes("openlibrary", name) if name else empty_search()
            return Response(200, body, JSON)
        name = OPENLIBRARY_ROUTES.get(request.path)
        if name is None:
            body = json.dumps({"error": "notfound", "key": request.path})
            return Response(404, body, JSON)
        return Response(200, fixture_bytes("openlibrary", name), JSON)


@dataclass
class FakeAudnexus:
    """Routes like api.audnex.us: an unknown ASIN is its 404 body, a malformed one its 400."""

    overrides: dict[str, Response] = field(default_factory=dict)

    def __call__(self, request: Request) -> Response:
        if request.path in self.overrides:
            return self.overrides[request.path]
        name = AUDNEXUS_ROUTES.get(request.path)
        if name is not None:
            return Response(200, fixture_bytes("audnexus", name), JSON)
        asin = request.path.split("/")[2] if request.path.count("/") >= 2 else ""
        if len(asin) != 10:
            return Response(400, fixture_bytes("audnexus", "error_400.json"), JSON)
        return Response(404, fixture_bytes("audnexus", "error_404.json"), JSON)


@dataclass
class Switch:
    """One server per module (its shutdown costs half a second); a fresh fake per test."""

    fake: Any

    def __call__(self, request: Request) -> Response:
        return self.fake(request)  # type: ignore[no-any-return]
