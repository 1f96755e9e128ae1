"""A loopback AniList: `POST /` with a GraphQL document, answered from tests/fixtures/anilist."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.localserver import LocalServer, Request, Response

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "anilist"
JSON = {"Content-Type": "application/json"}
FRIEREN_ID = 154587
_MEDIA_ID = re.compile(r"\bMedia\s*\(\s*id:")


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name))


def too_many(retry_after: int, *, limit: int = 90) -> Response:
    """AniList's documented 429: its GraphQL body and its four headers."""
    headers = {
        **JSON,
        "Retry-After": str(retry_after),
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(int(time.time()) + retry_after),
    }
    return Response(429, fixture_bytes("error_429.json"), headers)


@dataclass
class FakeAniList:
    """Answers Page(search) and Media(id) documents; `queued` answers go first, one per call.
    Like AniList it sends X-RateLimit headers on every answer, still saying 90 (the docs warn
    they do not show the degraded 30)."""

    queued: list[Response] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, request: Request) -> Response:
        self.times.append(time.monotonic())
        if request.method != "POST" or request.path not in ("/", ""):
            return Response(
                404, b"<html><body>Not Found</body></html>", {"Content-Type": "text/html"}
            )
        try:
            body = json.loads(request.body)
        except ValueError:
            return Response(400, fixture_bytes("error_400.json"), JSON)
        self.bodies.append(body)
        if self.queued:
            return self.queued.pop(0)
        return self._answer(str(body.get("query", "")), body.get("variables") or {})

    def _answer(self, query: str, variables: dict[str, Any]) -> Response:
        limits = {**JSON, "X-RateLimit-Limit": "90", "X-RateLimit-Remaining": "89"}
        if _MEDIA_ID.search(query):
            name = f"media_{variables.get('id')}.json"
            if not (FIXTURES / name).exists():
                return Response(404, fixture_bytes("error_404.json"), limits)
            return Response(200, fixture_bytes(name), limits)
        if "Page" in query and "media" in query:
            asked = str(variables.get("search", "")).lower()
            name = (
                "search_frieren.json"
                if "frieren" in asked
                else "search_kimi_no_na_wa.json"
                if "kimi no na wa" in asked
                else "search_empty.json"
            )
            return Response(200, fixture_bytes(name), limits)
        return Response(400, fixture_bytes("error_400.json"), limits)


@contextmanager
def anilist_server() -> Iterator[tuple[LocalServer, FakeAniList]]:
    fake = FakeAniList()
    with LocalServer(fake) as server:
        yield server, fake
