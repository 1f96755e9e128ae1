"""rtorrent on loopback for tests (daemons.md §5), a blocking SCGI XML-RPC helper to look at it
behind the adapter's back, and a tiny HTTP /RPC2 bridge with basic auth in front of it."""

from __future__ import annotations

import base64
import http.server
import socket
import threading
import xmlrpc.client
from pathlib import Path
from typing import Any

from adapters.clients.rtorrent.scgi import frame
from tests.support.daemons import START_TIMEOUT, _Daemon, free_port, wait_for_port


def scgi_call(port: int, method: str, *params: Any) -> Any:
    """One XML-RPC call over SCGI, blocking (the stdlib parser: this is our own daemon)."""
    raw = scgi_raw(port, xmlrpc.client.dumps(params, method).encode())
    parser, unmarshaller = xmlrpc.client.getparser()
    parser.feed(raw.partition(b"\r\n\r\n")[2])
    parser.close()
    return unmarshaller.close()[0]


def scgi_raw(port: int, body: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=START_TIMEOUT) as sock:
        sock.sendall(frame(body))
        return b"".join(iter(lambda: sock.recv(65536), b""))


class RTorrentDaemon(_Daemon):
    """rtorrent 0.9.8 in daemon mode (no TTY needed) with SCGI on 127.0.0.1:<free port>."""

    binary = "rtorrent"

    def __init__(self, root: Path | None = None, *, interface_address: str = "127.0.0.1") -> None:
        super().__init__(root)
        self.interface_address = interface_address
        self.port = 0
        self.peer_port = 0

    @property
    def url(self) -> str:
        return f"scgi://127.0.0.1:{self.port}"

    @property
    def download_dir(self) -> Path:
        assert self.root is not None
        return self.root / "downloads"

    def start(self) -> RTorrentDaemon:
        root = self._make_root()
        (root / "downloads").mkdir(exist_ok=True)
        (root / "session").mkdir(exist_ok=True)
        self.port = free_port()
        self.peer_port = free_port(self.interface_address)
        (root / "rtorrent.rc").write_text(self._config())
        # -n: ignore ~/.rtorrent.rc; system.daemon.set (in the rc) keeps ncurses off without a TTY
        process = self._spawn([self.binary, "-n", "-o", f"import={root / 'rtorrent.rc'}"], cwd=root)
        wait_for_port("127.0.0.1", self.port, process, START_TIMEOUT)
        return self

    def __enter__(self) -> RTorrentDaemon:
        return self.start()

    def _config(self) -> str:
        root = self.root
        assert root is not None
        lines = [
            f"directory.default.set = {root / 'downloads'}",
            f"session.path.set = {root / 'session'}",
            f"network.scgi.open_port = 127.0.0.1:{self.port}",
            "network.xmlrpc.size_limit.set = 8M",
            f"network.port_range.set = {self.peer_port}-{self.peer_port}",
            "network.port_random.set = no",
            f"network.bind_address.set = {self.interface_address}",
            f"network.local_address.set = {self.interface_address}",
            "dht.mode.set = disable",
            "protocol.pex.set = no",
            "trackers.use_udp.set = no",
            "system.daemon.set = true",
            "encoding.add = utf8",
        ]
        return "\n".join(lines) + "\n"

    def call(self, method: str, *params: Any) -> Any:
        return scgi_call(self.port, method, *params)

    def hashes(self) -> list[str]:
        return [str(h).lower() for h in self.call("download_list", "", "main")]

    def clear(self) -> None:
        for info_hash in self.hashes():
            self.call("d.erase", info_hash)


class RpcBridge:
    """An HTTP /RPC2 endpoint with basic auth that forwards each POST to rtorrent's SCGI port,
    as nginx's scgi_pass does in front of a real rtorrent."""

    def __init__(self, scgi_port: int, username: str, password: str) -> None:
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        expected = f"Basic {token}"

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if self.path != "/RPC2":
                    self._reply(404, b"")
                elif self.headers.get("Authorization") != expected:
                    self._reply(401, b"", {"WWW-Authenticate": 'Basic realm="rtorrent"'})
                else:
                    body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                    answer = scgi_raw(scgi_port, body).partition(b"\r\n\r\n")[2]
                    self._reply(200, answer, {"Content-Type": "text/xml"})

            def _reply(
                self, status: int, body: bytes, headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/RPC2"

    def __enter__(self) -> RpcBridge:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
