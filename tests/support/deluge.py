"""A real deluged + deluge-web pair for tests, each in its own temp dir (daemon notes §4).

deluge-web is started *without* a default daemon, so it comes up disconnected and the adapter
under test must connect it itself, as it must with a household's own deluge-web.
"""

from __future__ import annotations

import hashlib
import http.cookiejar
import json
import os
import shutil
import time
import urllib.request
from pathlib import Path
from typing import Any

from tests.support.daemons import _Daemon, free_port, loopback, wait_for_port

START_TIMEOUT = 40.0  # deluged needs ~1 s alone, far more on a loaded 2-core box
HOST_ID = "0123456789abcdef0123456789abcdef"
DAEMON_USER = "outpost"


def _conf(number: int, values: dict[str, Any]) -> str:
    """Deluge's two-object config format: the file header, then the values."""
    return json.dumps({"file": number, "format": 1}) + json.dumps(values, indent=1)


class DelugeDaemon(_Daemon):
    """deluged (RPC and peers on loopback) and deluge-web on 127.0.0.1:<free port>."""

    binary = "deluged"
    rpc_timeout = 30.0  # a loaded 2-core box; the benchmark adds hundreds of torrents a call

    def __init__(
        self,
        root: Path | None = None,
        *,
        interface_address: str | None = None,
        password: str = "outpost-test-secret",
        hosts: bool = True,
    ) -> None:
        super().__init__(root)
        self.interface_address = interface_address or loopback(4)
        self.password = password
        self.hosts = hosts  # False: deluge-web knows no daemon at all
        self.daemon_password = os.urandom(8).hex()
        self.daemon_port = 0
        self.web_port = 0
        self.web: _Web | None = None
        self._opener: urllib.request.OpenerDirector | None = None
        self._ids = 0

    @classmethod
    def available(cls) -> bool:
        return shutil.which("deluged") is not None and shutil.which("deluge-web") is not None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def download_dir(self) -> Path:
        assert self.root is not None, "start the daemon first"
        return self.root / "downloads"

    def start(self) -> DelugeDaemon:
        root = self._make_root()
        self.daemon_port, self.web_port = free_port(), free_port()
        self.download_dir.mkdir(exist_ok=True)
        self._write_daemon_config(root / "daemon")
        self._write_web_config(root / "web")
        # -L error: 2.0.3's logger throws on every call at info level with Python >= 3.8
        argv = ["deluged", "-d", "-c", str(root / "daemon"), "-u", "127.0.0.1"]
        process = self._spawn([*argv, "-p", str(self.daemon_port), "-L", "error"])
        self.web = _Web(root)
        try:
            web = self.web.spawn(["-i", "127.0.0.1", "-p", str(self.web_port)])
            wait_for_port("127.0.0.1", self.daemon_port, process, START_TIMEOUT)
            wait_for_port("127.0.0.1", self.web_port, web, START_TIMEOUT)
        except Exception:
            self.stop()
            raise
        return self

    def __enter__(self) -> DelugeDaemon:
        return self.start()

    def stop(self) -> None:
        if self.web is not None:
            self.web.stop()
            self.web = None
        super().stop()

    def _write_daemon_config(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        (path / "auth").write_text(f"{DAEMON_USER}:{self.daemon_password}:10\n")
        downloads = str(self.download_dir)
        core = {
            "allow_remote": False,
            "daemon_port": self.daemon_port,
            "dht": False,
            "lsd": False,
            "upnp": False,
            "natpmp": False,
            "utpex": False,
            "new_release_check": False,
            "send_info": False,
            "download_location": downloads,
            "move_completed_path": downloads,
            "torrentfiles_location": downloads,
            "listen_interface": self.interface_address,
            "outgoing_interface": self.interface_address,
            "listen_ports": [free_port(self.interface_address)] * 2,
            "random_port": False,
            "enabled_plugins": ["Label"],
            "geoip_db_location": "",
        }
        (path / "core.conf").write_text(_conf(1, core))

    def _write_web_config(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        salt = os.urandom(8).hex()
        web = {
            "interface": "127.0.0.1",
            "port": self.web_port,
            "https": False,
            "pwd_salt": salt,
            "pwd_sha1": hashlib.sha1((salt + self.password).encode()).hexdigest(),
            "default_daemon": "",
            "first_login": False,
            "session_timeout": 3600,
        }
        (path / "web.conf").write_text(_conf(2, web))
        entry = [HOST_ID, "127.0.0.1", self.daemon_port, DAEMON_USER, self.daemon_password]
        (path / "hostlist.conf").write_text(_conf(3, {"hosts": [entry] if self.hosts else []}))

    # --- a synchronous JSON-RPC for fixtures (not the code under test) -------------------------

    def call(self, method: str, *params: Any) -> Any:
        """One JSON-RPC call, logged in and connected to the daemon first."""
        if self._opener is None:
            self._opener = self._login()
        reply = self._post(self._opener, method, list(params))
        if reply.get("error"):
            raise RuntimeError(f"deluge {method}: {reply['error']}")
        return reply["result"]

    def _post(self, opener: urllib.request.OpenerDirector, method: str, params: list[Any]) -> Any:
        self._ids += 1
        body = json.dumps({"method": method, "params": params, "id": self._ids}).encode()
        headers = {"Content-Type": "application/json"}
        request = urllib.request.Request(f"{self.url}/json", body, headers)
        with opener.open(request, timeout=self.rpc_timeout) as answer:
            return json.loads(answer.read())

    def _login(self) -> urllib.request.OpenerDirector:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        if self._post(opener, "auth.login", [self.password]).get("result") is not True:
            raise RuntimeError("deluge-web refused the test password")
        self._connect(opener)
        return opener

    def _connect(self, opener: urllib.request.OpenerDirector) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not self._post(opener, "web.connected", [])["result"]:
            if time.monotonic() > deadline:
                raise TimeoutError("deluge-web did not connect to deluged")
            self._post(opener, "web.connect", [HOST_ID])
            time.sleep(0.1)

    def connect(self) -> None:
        """Connect the web UI to deluged again (after a test disconnected it)."""
        if self._opener is None:
            self._opener = self._login()
        self._connect(self._opener)

    def set_plugin(self, name: str, enabled: bool) -> None:
        """Enable or disable a plugin and wait until the daemon says it is so."""
        self.call("core.enable_plugin" if enabled else "core.disable_plugin", name)
        deadline = time.monotonic() + START_TIMEOUT
        while (name in self.call("core.get_enabled_plugins")) != enabled:
            if time.monotonic() > deadline:
                raise TimeoutError(f"deluged did not {'enable' if enabled else 'disable'} {name}")
            time.sleep(0.1)

    def clear(self) -> None:
        """Delete every torrent and its files, and every label."""
        for torrent_id in self.call("core.get_torrents_status", {}, ["name"]):
            self.call("core.remove_torrent", torrent_id, True)
        if "Label" in self.call("core.get_enabled_plugins"):
            for label in self.call("label.get_labels"):
                self.call("label.remove", label)

    def torrents(self) -> dict[str, Any]:
        return dict(self.call("core.get_torrents_status", {}, ["name", "label"]))


class _Web(_Daemon):
    """deluge-web, config in `<root>/web`; its log beside deluged's."""

    binary = "deluge-web"

    def __init__(self, root: Path) -> None:
        super().__init__(root)

    def spawn(self, args: list[str]) -> Any:
        assert self.root is not None
        return self._spawn(["deluge-web", "-d", "-c", str(self.root / "web"), *args, "-L", "error"])
