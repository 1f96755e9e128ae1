"""A real HTTP server on loopback for tests: routes a request to a Python handler, records it.

It runs in its own thread so that async code under test talks to it over real sockets, and a
handler may be slow (sleeps) or hostile (drips bytes, lies about Content-Length) on purpose.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Response:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the status line
    chunks: Iterable[bytes] | None = None  # streamed after headers, each after chunk_delay
    chunk_delay: float = 0.0
    content_length: int | None = None  # override the declared length (to lie)


Handler = Callable[[Request], Response]


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up mid-answer (a cancelled long poll) is normal here; anything
        else is printed as socketserver does by default."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class LocalServer:
    """`with LocalServer(handler) as server:` then call `server.url + "/path"`."""

    def __init__(self, handler: Handler, host: str = "127.0.0.1", port: int = 0) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body leave in two writes: with Nagle on, the body waits for the
            # client's delayed ACK (~40 ms on Linux) on every kept-alive connection
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                split = urlsplit(self.path)
                request = Request(
                    self.command,
                    split.path,
                    parse_qs(split.query, keep_blank_values=True),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                outer.requests.append(request)
                response = outer.handler(request)
                if response.delay:
                    time.sleep(response.delay)
                payload = (
                    response.body.encode() if isinstance(response.body, str) else response.body
                )
                try:
                    self.send_response(response.status)
                    for key, value in response.headers.items():
                        self.send_header(key, value)
                    if response.chunks is None:
                        declared = response.content_length
                        self.send_header(
                            "Content-Length", str(len(payload) if declared is None else declared)
                        )
                        self.end_headers()
                        self.wfile.write(payload)
                    else:
                        self.send_header("Connection", "close")
                        self.end_headers()
                        for chunk in response.chunks:
                            if response.chunk_delay:
                                time.sleep(response.chunk_delay)
                            self.wfile.write(chunk)
                            self.wfile.flush()
                        self.close_connection = True
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        self._server = _Server((host, port), _Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> LocalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
