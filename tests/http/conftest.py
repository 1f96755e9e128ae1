"""Fixtures for the HTTP plumbing tests: quick policies, log capture, hostile raw sockets."""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from core.http import HttpPolicy
from core.redact import RedactingFilter
from tests.support.localserver import Handler, LocalServer, Request, Response

# Small numbers keep the whole directory to a few seconds of wall time.
QUICK = HttpPolicy(
    connect_timeout=1.0, read_timeout=2.0, deadline=8.0, retries=2, backoff=0.02, max_backoff=0.05
)


@dataclass
class Recorder:
    """A handler that answers from a script and notes when each request arrived."""

    script: Callable[[int, Request], Response]
    times: list[float] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)

    def __call__(self, request: Request) -> Response:
        self.times.append(time.monotonic())
        self.requests.append(request)
        return self.script(len(self.times), request)

    @property
    def gaps(self) -> list[float]:
        return [b - a for a, b in zip(self.times, self.times[1:], strict=False)]


@pytest.fixture(scope="session")
def _shared_server() -> Iterator[LocalServer]:
    # One server for the directory: stopping a LocalServer costs its 0.5 s poll interval.
    with LocalServer(lambda request: Response(500, "no handler")) as server:
        yield server


@pytest.fixture
def serve(_shared_server: LocalServer) -> Callable[[Handler], LocalServer]:
    """Point the shared loopback server at this test's handler."""

    def start(handler: Handler) -> LocalServer:
        _shared_server.handler = handler
        return _shared_server

    return start


@dataclass
class Captured:
    raw: list[str]  # what a handler without the filter would have written
    lines: list[str]  # what the redacting handler wrote


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[str], *, redacting: bool) -> None:
        super().__init__(logging.DEBUG)
        self.sink = sink
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        if redacting:
            self.addFilter(RedactingFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(self.format(record))


@pytest.fixture
def logs() -> Iterator[Captured]:
    """Capture every record at DEBUG (httpx and httpcore included), raw and redacted."""
    captured = Captured([], [])
    root = logging.getLogger()
    raw = _ListHandler(captured.raw, redacting=False)
    redacting = _ListHandler(captured.lines, redacting=True)
    names = ("", "httpx", "httpcore", "core.http")
    levels = {name: logging.getLogger(name).level for name in names}
    for name in names:
        logging.getLogger(name).setLevel(logging.DEBUG)
    root.addHandler(raw)  # first, so it sees each record before the filter rewrites it
    root.addHandler(redacting)
    yield captured
    root.removeHandler(raw)
    root.removeHandler(redacting)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
def canary() -> str:
    """A fresh secret per test, so one test's registration never helps another."""
    return f"cnry{uuid.uuid4().hex}"


class ResetServer:
    """Accepts, reads the request, then resets the connection (RST, not FIN)."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.1)
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._sock.getsockname()[:2]
        return f"http://{host}:{port}"

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            with conn:
                conn.settimeout(1.0)
                try:
                    conn.recv(65536)
                except OSError:
                    pass
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def __enter__(self) -> ResetServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sock.close()


@pytest.fixture
def reset_server() -> Iterator[ResetServer]:
    with ResetServer() as server:
        yield server


@pytest.fixture
def refused_url() -> str:
    """A loopback port nobody listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
