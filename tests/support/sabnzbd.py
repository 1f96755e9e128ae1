"""sabnzbdplus on 127.0.0.1:<free port>, its state in a temp dir (daemon notes §7).

The API key is written into sabnzbd.ini before the first start, so there is no wizard; release
checks are off, so nothing leaves the machine.
"""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from tests.support.daemons import _Daemon, free_port

START_TIMEOUT = 60.0  # the API is up in ~1.7 s on an idle box; Python start-up under load is slow
CATEGORIES = ("tv", "movies")


class SabnzbdDaemon(_Daemon):
    """`news_port` is the NNTP server it downloads from; None configures no news server at all."""

    binary = "sabnzbdplus"

    def __init__(
        self,
        root: Path | None = None,
        *,
        news_port: int | None = None,
        api_key: str | None = None,
    ) -> None:
        super().__init__(root)
        self.news_port = news_port
        self.api_key = api_key or secrets.token_hex(16)
        self.nzb_key = secrets.token_hex(16)
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def download_dir(self) -> Path:
        """complete_dir: the finished jobs of the default category land here."""
        assert self.root is not None, "start the daemon first"
        return self.root / "complete"

    @property
    def incomplete_dir(self) -> Path:
        assert self.root is not None, "start the daemon first"
        return self.root / "incomplete"

    def start(self) -> SabnzbdDaemon:
        root = self._make_root()
        self.port = free_port()
        self.download_dir.mkdir(exist_ok=True)
        self.incomplete_dir.mkdir(exist_ok=True)
        config = root / "sabnzbd.ini"
        config.write_text(self._config())
        argv = [self.binary, "-f", str(config), "-s", f"127.0.0.1:{self.port}", "-b", "0"]
        self._spawn([*argv, "--disable-file-log"], cwd=root)
        try:
            self._wait_ready()
        except Exception:
            self.stop()
            raise
        return self

    def __enter__(self) -> SabnzbdDaemon:
        return self.start()

    def _wait_ready(self) -> None:
        """The port opens before the API answers; wait for a real answer to `mode=queue`."""
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sabnzbdplus exited with code {self.process.returncode}")
            try:
                self.api("queue")
                return
            except (OSError, ValueError):
                time.sleep(0.1)
        raise TimeoutError(f"sabnzbdplus API not up on port {self.port} after {START_TIMEOUT} s")

    def _config(self) -> str:
        assert self.root is not None
        lines = [
            "[misc]",
            "host = 127.0.0.1",
            f"port = {self.port}",
            f"api_key = {self.api_key}",
            f"nzb_key = {self.nzb_key}",
            f"download_dir = {self.incomplete_dir}",
            f"complete_dir = {self.download_dir}",
            "check_new_rel = 0",
            "enable_https = 0",
            "auto_browser = 0",
            "language = en",
            "[servers]",
        ]
        if self.news_port is not None:
            lines += [
                "[[localnntp]]",
                "name = localnntp",
                "displayname = localnntp",
                "host = 127.0.0.1",
                f"port = {self.news_port}",
                "connections = 2",
                "ssl = 0",
                "enable = 1",
                "optional = 0",
                "retention = 0",
            ]
        lines += ["[categories]", "[[*]]", "name = *", "order = 0", "pp = 3", "priority = 0"]
        for order, name in enumerate(CATEGORIES, start=1):
            lines += [f"[[{name}]]", f"name = {name}", f"order = {order}", f"dir = {name}"]
        return "\n".join(lines) + "\n"

    def api(self, mode: str, **params: str) -> Any:
        """Call the API synchronously (for fixtures, not code under test)."""
        query = urllib.parse.urlencode(
            {"mode": mode, "output": "json", "apikey": self.api_key, **params}
        )
        with urllib.request.urlopen(f"{self.url}/api?{query}", timeout=10) as reply:
            return json.loads(reply.read())

    def clear(self) -> None:
        """Delete every job, queued or finished, and its files; downloading paused again."""
        self.api("pause")
        self.api("queue", name="delete", value="all", del_files="1")
        self.api("history", name="delete", value="all", del_files="1")
        for folder in (self.download_dir, self.incomplete_dir):
            for child in folder.iterdir():
                _remove(child)

    def jobs(self) -> list[dict[str, Any]]:
        queue = self.api("queue")["queue"]["slots"]
        history = self.api("history")["history"]["slots"]
        return list(queue) + list(history)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        for child in path.iterdir():
            _remove(child)
        path.rmdir()
    else:
        path.unlink()
