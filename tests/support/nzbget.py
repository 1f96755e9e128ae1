"""nzbget in server mode on 127.0.0.1:<free port>, its state in a temp dir (daemon notes §6)."""

from __future__ import annotations

import base64
import json
import urllib.request
from pathlib import Path
from typing import Any

from tests.support.daemons import START_TIMEOUT, _Daemon, free_port, wait_for_port


class NzbgetDaemon(_Daemon):
    """`news_port` is the NNTP server it downloads from; None configures no news server at all."""

    binary = "nzbget"

    def __init__(
        self,
        root: Path | None = None,
        *,
        news_port: int | None = None,
        username: str = "nzbget",
        password: str = "outpost-test-secret",
    ) -> None:
        super().__init__(root)
        self.news_port = news_port
        self.username = username
        self.password = password
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def download_dir(self) -> Path:
        assert self.root is not None, "start the daemon first"
        return self.root / "complete"

    def start(self) -> NzbgetDaemon:
        root = self._make_root()
        self.port = free_port()
        self.download_dir.mkdir(exist_ok=True)  # else NZBGet cannot measure its free space
        config = root / "nzbget.conf"
        config.write_text(self._config())
        process = self._spawn([self.binary, "-c", str(config), "-s"])
        try:
            wait_for_port("127.0.0.1", self.port, process, START_TIMEOUT)
        except Exception:
            self.stop()
            raise
        return self

    def __enter__(self) -> NzbgetDaemon:
        return self.start()

    def _config(self) -> str:
        assert self.root is not None
        # AuthorizedIP must stay empty: with 127.0.0.1 in it, loopback needs no password.
        lines = [
            f"MainDir={self.root}",
            "DestDir=${MainDir}/complete",
            "InterDir=${MainDir}/intermediate",
            "NzbDir=${MainDir}/nzb",
            "QueueDir=${MainDir}/queue",
            "TempDir=${MainDir}/tmp",
            "ScriptDir=${MainDir}/scripts",
            "LockFile=${MainDir}/nzbget.lock",
            "LogFile=${MainDir}/nzbget.log",
            "WebDir=/usr/share/nzbget/webui",
            "ConfigTemplate=/usr/share/nzbget/webui/nzbget.conf",
            "ControlIP=127.0.0.1",
            f"ControlPort={self.port}",
            f"ControlUsername={self.username}",
            f"ControlPassword={self.password}",
            "RestrictedUsername=",
            "AddUsername=",
            "FormAuth=no",
            "SecureControl=no",
            "AuthorizedIP=",
            "UpdateCheck=none",
            "OutputMode=log",
            "WriteLog=append",
            "NzbDirInterval=0",
            "DiskSpace=0",
            "ArticleRetries=0",
            "UrlRetries=0",
            "Category1.Name=tv",
            "Category2.Name=movies",
        ]
        if self.news_port is not None:
            lines += [
                "Server1.Active=yes",
                "Server1.Name=local",
                "Server1.Level=0",
                "Server1.Host=127.0.0.1",
                f"Server1.Port={self.news_port}",
                "Server1.Encryption=no",
                "Server1.Connections=2",
            ]
        return "\n".join(lines) + "\n"

    def rpc(self, method: str, *params: Any) -> Any:
        """Call the JSON-RPC API synchronously (for fixtures, not code under test)."""
        body = json.dumps({"method": method, "params": list(params)}).encode()
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        request = urllib.request.Request(
            f"{self.url}/jsonrpc", body, {"Authorization": f"Basic {token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as reply:
            return json.loads(reply.read())["result"]

    def clear(self) -> None:
        """Delete every job, queued or finished, and its files; downloading paused again."""
        self.rpc("pausedownload")
        queued = [job["NZBID"] for job in self.rpc("listgroups", 0)]
        if queued:
            self.rpc("editqueue", "GroupFinalDelete", "", queued)
        finished = [job["NZBID"] for job in self.rpc("history", True)]
        if finished:
            self.rpc("editqueue", "HistoryFinalDelete", "", finished)
        for child in self.download_dir.iterdir():
            _remove(child)

    def jobs(self) -> list[dict[str, Any]]:
        return list(self.rpc("listgroups", 0)) + list(self.rpc("history", True))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        for child in path.iterdir():
            _remove(child)
        path.rmdir()
    else:
        path.unlink()
