"""Launchers for real daemons in tests: qbittorrent-nox and opentracker, each in its own temp dir.

Recipes follow the verified notes on loopback daemons: config written before the first start,
distinct loopback peer addresses, DHT/LSD/PeX off, no IP ban after failed logins.
"""

from __future__ import annotations

import base64
import hashlib
import http.cookiejar
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import TracebackType

START_TIMEOUT = 10.0  # generous for a loaded CI box; the port is normally up in ~0.1 s

# Peers are told apart by address (the daemon notes, rule 1), so every BitTorrent client gets its
# own loopback address; a random /24 per test session keeps two test runs on one machine (a
# developer's and CI's) out of each other's swarms. All of 127/8 is loopback on Linux.
_NET = f"127.{secrets.randbelow(250) + 1}.{secrets.randbelow(250) + 1}"


def loopback(host: int) -> str:
    """This session's loopback address number `host`, e.g. 127.83.17.3 for 3."""
    return f"{_NET}.{host}"


def free_port(host: str = "127.0.0.1") -> int:
    """A port the kernel just handed out on `host` (closed again, so reuse is racy but rare)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_for_port(host: str, port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Poll until `host:port` accepts a connection; fail early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daemon exited with code {process.returncode} before listening")
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise TimeoutError(f"nothing listening on {host}:{port} after {timeout} s")


def qbt_pbkdf2(password: str) -> str:
    """qBittorrent's WebUI\\Password_PBKDF2 value: PBKDF2-HMAC-SHA512, 100 000 rounds."""
    salt = os.urandom(16)
    key = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 100_000, dklen=64)
    return f"@ByteArray({base64.b64encode(salt).decode()}:{base64.b64encode(key).decode()})"


class _Daemon:
    """A child process with a temp dir; stop by SIGTERM, then SIGKILL if it lingers."""

    binary = ""

    def __init__(self, root: Path | None = None) -> None:
        self._own_root = root is None
        self.root = root
        self.process: subprocess.Popen[bytes] | None = None

    @classmethod
    def available(cls) -> bool:
        return shutil.which(cls.binary) is not None

    def _spawn(self, argv: list[str], cwd: Path | None = None) -> subprocess.Popen[bytes]:
        assert self.root is not None
        log = (self.root / f"{self.binary}.log").open("ab")
        with log:
            self.process = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=cwd
            )
        return self.process

    def _make_root(self) -> Path:
        if self.root is None:
            self.root = Path(tempfile.mkdtemp(prefix=f"outpost-{self.binary}-"))
        self.root.mkdir(parents=True, exist_ok=True)
        return self.root

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self._own_root and self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class QBittorrentDaemon(_Daemon):
    """qbittorrent-nox with its WebUI on 127.0.0.1:<free port> and peers on `interface_address`."""

    binary = "qbittorrent-nox"

    def __init__(
        self,
        root: Path | None = None,
        *,
        interface_address: str | None = None,
        username: str = "admin",
        password: str = "outpost-test-secret",
        local_host_auth: bool = True,
    ) -> None:
        super().__init__(root)
        self.interface_address = interface_address or loopback(3)
        self.username = username
        self.password = password
        self.local_host_auth = local_host_auth
        self.web_port = 0
        self.peer_port = 0
        self._opener: urllib.request.OpenerDirector | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def download_dir(self) -> Path:
        assert self.root is not None, "start the daemon first"
        return self.root / "downloads"

    def start(self) -> QBittorrentDaemon:
        root = self._make_root()
        self._opener = None
        self.web_port = free_port()
        self.peer_port = free_port(self.interface_address)
        self.download_dir.mkdir(exist_ok=True)
        config = root / "qBittorrent" / "config" / "qBittorrent.conf"
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(self._config())
        process = self._spawn([self.binary, f"--profile={root}"])
        try:
            wait_for_port("127.0.0.1", self.web_port, process, START_TIMEOUT)
        except Exception:
            self.stop()
            raise
        return self

    def __enter__(self) -> QBittorrentDaemon:
        return self.start()

    def _config(self) -> str:
        auth = "true" if self.local_host_auth else "false"
        return f"""[LegalNotice]
Accepted=true

[BitTorrent]
Session\\DefaultSavePath={self.download_dir}
Session\\TempPathEnabled=false
Session\\Port={self.peer_port}
Session\\Interface=lo
Session\\InterfaceName=lo
Session\\InterfaceAddress={self.interface_address}
Session\\DHTEnabled=false
Session\\LSDEnabled=false
Session\\PeXEnabled=false
Session\\QueueingSystemEnabled=false

[Network]
PortForwardingEnabled=false

[Preferences]
Connection\\ResolvePeerCountries=false
General\\Locale=en
WebUI\\Address=127.0.0.1
WebUI\\Port={self.web_port}
WebUI\\Username={self.username}
WebUI\\Password_PBKDF2="{qbt_pbkdf2(self.password)}"
WebUI\\LocalHostAuth={auth}
WebUI\\MaxAuthenticationFailCount=0
WebUI\\UseUPnP=false
"""

    def api(self, path: str, data: dict[str, str] | None = None) -> bytes:
        """Call the WebAPI synchronously (for fixtures, not code under test); logs in as needed."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        for attempt in (1, 2):
            opener = self._opener if self._opener is not None else self._login()
            try:
                with opener.open(f"{self.url}/api/v2/{path}", body, timeout=10) as reply:
                    return bytes(reply.read())
            except urllib.error.HTTPError as err:
                if err.code != 403 or attempt == 2:
                    raise
                self._opener = None  # the session expired (or a test logged it out)
        raise AssertionError("unreachable")

    def _login(self) -> urllib.request.OpenerDirector:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login = urllib.parse.urlencode({"username": self.username, "password": self.password})
        with opener.open(f"{self.url}/api/v2/auth/login", login.encode(), timeout=10) as reply:
            if reply.read() != b"Ok.":
                raise RuntimeError("qbittorrent-nox refused the test credentials")
        self._opener = opener
        return opener

    def clear(self) -> None:
        """Delete every torrent and its files, and every category."""
        torrents = json.loads(self.api("torrents/info"))
        if torrents:
            hashes = "|".join(t["hash"] for t in torrents)
            self.api("torrents/delete", {"hashes": hashes, "deleteFiles": "true"})
        categories = json.loads(self.api("torrents/categories"))
        if categories:
            self.api("torrents/removeCategories", {"categories": "\n".join(categories)})


class OpenTracker(_Daemon):
    """opentracker (Debian's whitelist-only build) on 127.0.0.1:<free port>, HTTP and UDP."""

    binary = "opentracker"
    whitelist_name = "whitelist.txt"

    def __init__(self, root: Path | None = None, *, host: str = "127.0.0.1") -> None:
        super().__init__(root)
        self.host = host
        self.port = 0
        self._hashes: list[str] = []

    @property
    def announce_url(self) -> str:
        return f"http://{self.host}:{self.port}/announce"

    def start(self) -> OpenTracker:
        root = self._make_root()
        root.chmod(0o755)  # as root it chroots here and drops to nobody, who must read the list
        self._write_whitelist()
        self.port = free_port(self.host)
        argv = [self.binary, "-i", self.host, "-p", str(self.port), "-P", str(self.port)]
        argv += ["-d", str(root), "-w", self.whitelist_name]  # -w is resolved inside -d
        if os.geteuid() == 0:
            argv += ["-u", "nobody"]
        process = self._spawn(argv, cwd=root)
        try:
            wait_for_port(self.host, self.port, process, START_TIMEOUT)
        except Exception:
            self.stop()
            raise
        return self

    def __enter__(self) -> OpenTracker:
        return self.start()

    def whitelist(self, info_hash: str) -> None:
        """Allow announces for `info_hash` (40 hex digits) and make the tracker reload its list."""
        self._hashes.append(info_hash.lower())
        self._write_whitelist()
        if self.process is not None:
            self.process.send_signal(signal.SIGHUP)

    def _write_whitelist(self) -> None:
        assert self.root is not None
        path = self.root / self.whitelist_name
        path.write_text("".join(f"{h}\n" for h in self._hashes))
        path.chmod(0o644)
