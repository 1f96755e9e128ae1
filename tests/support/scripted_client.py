"""A scripted peer of the `DownloadClient` port (core/ports.py) for the hostile-input suite.

A real qBittorrent sanitises the file names of a torrent before it writes them, so it can never
report `../`, an absolute path or a NUL. This peer reports whatever the test scripts, the way a
buggy or malicious client (or a hostile torrent on another client) could: the monitor and the
importer then meet the hostile names through their real code paths."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.domain import ClientCheck, ClientStatus, Download, DownloadRequest, Protocol


@dataclass
class ScriptedClient:
    """Answers `downloads` from `listed` (id -> Download) and records every call it gets."""

    name: str = "scripted"
    listed: dict[str, Download] = field(default_factory=dict)
    added: list[DownloadRequest] = field(default_factory=list)
    removed: list[tuple[list[str], bool]] = field(default_factory=list)
    kind: str = "scripted"
    protocols: tuple[Protocol, ...] = (Protocol.TORRENT, Protocol.USENET)

    def report(
        self, id: str, name: str, content_path: str, status: ClientStatus = ClientStatus.COMPLETED
    ) -> None:
        """Script what the client says of download `id`, content path included."""
        self.listed[id] = Download(
            id=id,
            name=name,
            client=self.name,
            status=status,
            raw_status=status.value,
            progress=1.0 if status is ClientStatus.COMPLETED else 0.5,
            size=1,
            content_path=content_path,
        )

    async def check(self) -> ClientCheck:
        return ClientCheck(version="scripted 1", free_space=None, roots=("/",))

    async def add(self, request: DownloadRequest) -> str:
        self.added.append(request)
        return request.expected_id or f"scripted-{len(self.added)}"

    async def downloads(self, ids: list[str]) -> list[Download]:
        return [self.listed[i] for i in ids if i in self.listed]

    async def pause(self, ids: list[str]) -> None:
        return None

    async def resume(self, ids: list[str]) -> None:
        return None

    async def remove(self, ids: list[str], *, delete_files: bool) -> None:
        self.removed.append((list(ids), delete_files))
        for i in ids:
            self.listed.pop(i, None)

    async def aclose(self) -> None:
        return None
