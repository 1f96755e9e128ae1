"""Test helpers for BitTorrent metainfo: bencode, info-hashes, small .torrent files and magnets."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from core.domain import DownloadRequest, Protocol, ReleaseFile

Bencodable = int | bytes | str | list[Any] | dict[Any, Any]


def bencode(value: Bencodable) -> bytes:
    """Encode ints, bytes/str, lists and dicts (keys sorted, as the format requires)."""
    if isinstance(value, bool):
        raise TypeError("bencode has no booleans")
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(bencode(v) for v in value) + b"e"
    items = sorted((k.encode() if isinstance(k, str) else k, v) for k, v in value.items())
    return b"d" + b"".join(bencode(k) + bencode(v) for k, v in items) + b"e"


def bdecode(data: bytes) -> Any:
    """Decode a whole bencoded value (trusted test input only: recursion is not limited)."""
    value, end = _decode(data, 0)
    if end != len(data):
        raise ValueError("trailing bytes after bencoded value")
    return value


def _decode(data: bytes, i: int) -> tuple[Any, int]:
    lead = data[i : i + 1]
    if lead == b"i":
        end = data.index(b"e", i)
        return int(data[i + 1 : end]), end + 1
    if lead in (b"l", b"d"):
        i += 1
        items: list[Any] = []
        while data[i : i + 1] != b"e":
            item, i = _decode(data, i)
            items.append(item)
        if lead == b"l":
            return items, i + 1
        return dict(zip(items[::2], items[1::2], strict=True)), i + 1
    colon = data.index(b":", i)
    length = int(data[i:colon])
    return data[colon + 1 : colon + 1 + length], colon + 1 + length


def infohash(torrent: bytes) -> str:
    """The v1 info-hash (lower-case hex) of .torrent bytes."""
    return hashlib.sha1(bencode(bdecode(torrent)[b"info"])).hexdigest()


@dataclass(frozen=True)
class Torrent:
    """A made-up torrent: its metainfo bytes, hash, name and payload files."""

    data: bytes
    info_hash: str
    name: str
    files: Mapping[str, bytes]  # relative path inside the torrent ("" for a single file)

    def write_payload(self, save_path: Path) -> list[Path]:
        """Lay the payload out under `save_path` as a client would after downloading it."""
        written = []
        for rel, content in self.files.items():
            target = save_path / self.name / rel if rel else save_path / self.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            written.append(target)
        return written

    def request(self, **options: Any) -> DownloadRequest:
        """What a download client gets for these .torrent bytes (`options`: category ...)."""
        file = ReleaseFile(f"{self.name}.torrent", self.data)
        return DownloadRequest(self.name, Protocol.TORRENT, file=file, **options)

    def magnet(self, trackers: tuple[str, ...] = ()) -> str:
        parts = [f"xt=urn:btih:{self.info_hash}", f"dn={quote(self.name)}"]
        parts += [f"tr={quote(t, safe='')}" for t in trackers]
        return "magnet:?" + "&".join(parts)


def make_torrent(
    name: str,
    files: Mapping[str, bytes] | bytes,
    *,
    announce: str | None = None,
    piece_length: int = 16384,
    private: bool = False,
) -> Torrent:
    """Build a v1 torrent in pure Python. `files` is one payload (single-file) or path -> bytes."""
    layout: dict[str, bytes] = {"": files} if isinstance(files, bytes) else dict(files)
    ordered = sorted(layout.items())
    blob = b"".join(content for _, content in ordered)
    pieces = b"".join(
        hashlib.sha1(blob[i : i + piece_length]).digest()
        for i in range(0, max(len(blob), 1), piece_length)
    )
    info: dict[str, Any] = {"name": name, "piece length": piece_length, "pieces": pieces}
    if "" in layout:
        info["length"] = len(layout[""])
    else:
        info["files"] = [{"length": len(c), "path": rel.split("/")} for rel, c in ordered]
    if private:
        info["private"] = 1
    meta: dict[str, Any] = {"info": info, "created by": "outpost-tests"}
    if announce:
        meta["announce"] = announce
    data = bencode(meta)
    return Torrent(data, infohash(data), name, layout)


def mktorrent(path: Path, out: Path, *, announce: str, piece_bits: int = 18) -> bytes:
    """Run the real mktorrent on `path` (a file or a directory); returns the .torrent bytes."""
    if shutil.which("mktorrent") is None:
        raise FileNotFoundError("mktorrent is not installed")
    subprocess.run(
        ["mktorrent", "-a", announce, "-l", str(piece_bits), "-o", str(out), str(path)],
        check=True,
        capture_output=True,
    )
    return out.read_bytes()
