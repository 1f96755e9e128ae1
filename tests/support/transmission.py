"""transmission-daemon on loopback for tests: RPC on 127.0.0.1, peers on their own address."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.support.daemons import START_TIMEOUT, _Daemon, free_port, loopback, wait_for_port


class TransmissionDaemon(_Daemon):
    """transmission-daemon -f with all of its state in a temp dir (daemon notes §3)."""

    binary = "transmission-daemon"

    def __init__(
        self,
        root: Path | None = None,
        *,
        bind_address: str | None = None,
        username: str = "admin",
        password: str = "outpost-test-secret",
        settings: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(root)
        self.overrides = dict(settings or {})  # settings.json values over the defaults below
        self.bind_address = bind_address or loopback(6)
        self.username = username
        self.password = password
        self.rpc_port = 0
        self.peer_port = 0
        self._session_id = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rpc_port}"

    @property
    def download_dir(self) -> Path:
        assert self.root is not None, "start the daemon first"
        return self.root / "downloads"

    def start(self) -> TransmissionDaemon:
        root = self._make_root()
        self.rpc_port = free_port()
        self.peer_port = free_port(self.bind_address)
        self.download_dir.mkdir(exist_ok=True)
        config = root / "cfg"
        config.mkdir(exist_ok=True)
        (config / "settings.json").write_text(json.dumps(self._settings(), indent=1))
        argv = [self.binary, "-f", "-g", str(config), "-e", str(root / "transmission.log")]
        process = self._spawn(argv)
        try:
            wait_for_port("127.0.0.1", self.rpc_port, process, START_TIMEOUT)
        except Exception:
            self.stop()
            raise
        return self

    def __enter__(self) -> TransmissionDaemon:
        return self.start()

    def _settings(self) -> dict[str, Any]:
        return self._defaults() | self.overrides

    def _defaults(self) -> dict[str, Any]:
        return {
            "rpc-enabled": True,
            "rpc-bind-address": "127.0.0.1",
            "rpc-port": self.rpc_port,
            "rpc-authentication-required": True,
            "rpc-username": self.username,
            "rpc-password": self.password,  # the daemon salts and hashes it in place at start
            "rpc-whitelist-enabled": True,
            "rpc-whitelist": "127.0.0.1,::1",
            "rpc-host-whitelist-enabled": True,
            "rpc-host-whitelist": "",
            "download-dir": str(self.download_dir),
            "incomplete-dir-enabled": False,
            "dht-enabled": False,
            "lpd-enabled": False,
            "pex-enabled": False,
            "utp-enabled": False,
            "port-forwarding-enabled": False,
            "blocklist-enabled": False,
            "peer-port": self.peer_port,
            "peer-port-random-on-start": False,
            "bind-address-ipv4": self.bind_address,
            "bind-address-ipv6": "::1",
            "ratio-limit-enabled": False,
            "idle-seeding-limit-enabled": False,
            "download-queue-enabled": False,
            "seed-queue-enabled": False,
            "start-added-torrents": True,
            "message-level": 2,
            "umask": 18,
        }

    def rpc(self, method: str, **arguments: Any) -> dict[str, Any]:
        """Call the RPC synchronously (for fixtures, not code under test)."""
        answer = json.loads(self.rpc_bytes(method, **arguments))
        if answer.get("result") != "success":
            raise RuntimeError(f"transmission {method}: {answer.get('result')}")
        return dict(answer.get("arguments", {}))

    def rpc_bytes(self, method: str, **arguments: Any) -> bytes:
        """The raw answer body of one call (what a poll costs on the wire)."""
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        body = json.dumps({"method": method, "arguments": arguments}).encode()
        for _ in range(3):
            headers = {
                "Authorization": f"Basic {token}",
                "X-Transmission-Session-Id": self._session_id,
            }
            request = urllib.request.Request(f"{self.url}/transmission/rpc", body, headers)
            try:
                with urllib.request.urlopen(request, timeout=60) as reply:
                    return bytes(reply.read())
            except urllib.error.HTTPError as err:
                if err.code != 409:
                    raise
                self._session_id = err.headers["X-Transmission-Session-Id"]
        raise RuntimeError("transmission-daemon kept answering 409")

    def torrents(self, *fields: str) -> list[dict[str, Any]]:
        return list(self.rpc("torrent-get", fields=["id", "hashString", *fields])["torrents"])

    def clear(self) -> None:
        """Remove every torrent and its data."""
        ids = [row["id"] for row in self.torrents()]
        if ids:
            self.rpc("torrent-remove", ids=ids, **{"delete-local-data": True})
