"""Fixtures for the indexer adapter tests: captured feeds served by a loopback server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from adapters.indexers.torznab import TorznabIndexer
from core.domain import Protocol
from core.http import HttpPolicy, HttpService
from tests.support.localserver import LocalServer, Request, Response

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "indexers"
CANARY = "canary-apikey-7Q2xV9kLm3"  # must never show in an error text or a log line
FAST = HttpPolicy(connect_timeout=2.0, read_timeout=2.0, deadline=5.0, retries=0)

Route = Response | bytes | Callable[[Request], Response]


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def xml_response(body: bytes | str, content_type: str = "application/rss+xml") -> Response:
    return Response(body=body, headers={"Content-Type": content_type})


class FakeIndexer:
    """Answers `/…/api` by the `t` parameter from a table of routes; other paths from `files`."""

    def __init__(self, routes: dict[str, Route], files: dict[str, Route] | None = None) -> None:
        self.routes = routes
        self.files = files or {}
        self.server = LocalServer(self._handle)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    def searches(self) -> list[dict[str, str]]:
        """The query of every non-caps call, one value per name."""
        return [
            {k: v[0] for k, v in r.query.items()}
            for r in self.requests
            if r.path.endswith("/api") and r.arg("t") != "caps"
        ]

    def _handle(self, request: Request) -> Response:
        if request.path.endswith("/api"):
            route = self.routes.get(request.arg("t") or "", self.routes.get("*"))
        else:
            route = self.files.get(request.path)
        if route is None:
            return Response(404, "no route", {"Content-Type": "text/plain"})
        if isinstance(route, bytes):
            return xml_response(route)
        return route(request) if callable(route) else route


@pytest.fixture
def serve() -> Iterator[Callable[..., FakeIndexer]]:
    """`serve(routes, files)` starts a FakeIndexer that stops when the test ends."""
    started: list[FakeIndexer] = []

    def start(routes: dict[str, Route], files: dict[str, Route] | None = None) -> FakeIndexer:
        fake = FakeIndexer(routes, files)
        fake.server.start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.server.stop()


@pytest.fixture
def make_indexer() -> Callable[..., AbstractAsyncContextManager[TorznabIndexer]]:
    """`async with make_indexer(url, ...) as indexer:` with its own HttpService, closed after."""

    @asynccontextmanager
    async def make(
        url: str,
        *,
        name: str = "test-indexer",
        protocol: Protocol = Protocol.TORRENT,
        policy: HttpPolicy = FAST,
        api_key: str | None = CANARY,
        **kwargs: Any,
    ) -> AsyncIterator[TorznabIndexer]:
        async with HttpService(name, policy, secrets=[api_key]) as http:
            yield TorznabIndexer(name, url, http, api_key=api_key, protocol=protocol, **kwargs)

    return make
