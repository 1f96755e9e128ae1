"""Grab: send a chosen release to the download client for its protocol and record it once."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace

from core import errors
from core.clients import ConfiguredClient
from core.domain import DownloadRequest, Protocol, Release, ReleaseFile
from core.events import EventBus, GrabSent
from core.metainfo import magnet_hash, torrent_hash
from core.ports import DownloadClient, Indexer
from core.releases import release_key
from core.services.diskspace import DiskSpace
from core.store.models import Grab, MediaRequest

log = logging.getLogger(__name__)


class GrabService:
    def __init__(
        self,
        clients: Mapping[str, ConfiguredClient],
        indexers: Mapping[str, Indexer],
        *,
        bus: EventBus | None = None,
        space: DiskSpace | None = None,
    ) -> None:
        self._clients = dict(clients)
        self._indexers = dict(indexers)
        self._bus = bus  # GrabSent goes out on it when given
        self._space = space  # the free-space check runs when given

    def client(self, name: str) -> DownloadClient | None:
        """The configured client of that name, for services that act on a grab later."""
        found = self._clients.get(name)
        return found.client if found is not None else None

    async def grab(
        self,
        release: Release,
        *,
        client: str | None = None,
        request: MediaRequest | None = None,
        kind: str | None = None,
    ) -> Grab:
        """`kind` (a MediaKind value) defaults to the request's; it picks the library root."""
        key = release_key(release)
        existing = await Grab.get_or_none(release_key=key)
        if existing is not None:
            raise _already_grabbed(release, existing.client)
        chosen = self._pick_client(release, client)
        kind = kind or (request.kind if request is not None else None)
        if self._space is not None:
            await self._space.check(
                release.size, client=chosen.client, client_name=chosen.name, kind=kind
            )
        download = await self._request(release, chosen)
        if download.expected_id and await Grab.exists(client_id=download.expected_id):
            # the same torrent reached us through another indexer or guid
            raise _already_grabbed(release, chosen.name)
        client_id = await self._send(chosen.client, download)
        grab = await Grab.create(
            release_key=key,
            title=release.title[:1024],
            indexer=release.indexer,
            client=chosen.name,
            client_id=client_id,
            protocol=release.protocol.value,
            size=release.size,
            category=chosen.category,
            save_path=chosen.save_path,
            request=request,
            kind=kind,
            seed_seconds=getattr(self._indexers.get(release.indexer), "seed_seconds", None),
        )
        log.info("grabbed %s with %s as %s", release.title, chosen.name, client_id)
        await self._announce(grab, request)
        return grab

    async def _announce(self, grab: Grab, request: MediaRequest | None) -> None:
        if self._bus is None:
            return
        event = GrabSent(
            grab_id=grab.id,
            title=grab.title,
            request_id=request.id if request is not None else None,
            person_id=request.person_id if request is not None else None,  # type: ignore[attr-defined]
            client=grab.client,
        )
        await self._bus.publish(event)

    async def _send(self, client: DownloadClient, download: DownloadRequest) -> str:
        """Add, treating "already there" as success when it is this very torrent: a retried add
        whose first answer was lost must not turn a good grab into an error."""
        try:
            return await client.add(download)
        except errors.Conflict:
            known = download.expected_id
            if known and await client.downloads([known]):
                return known
            raise

    def _pick_client(self, release: Release, wanted: str | None) -> ConfiguredClient:
        if wanted is not None:
            found = self._clients.get(wanted)
            if found is None:
                raise errors.NotFound(
                    f"no client named {wanted!r}", key="error.unknown_client", name=wanted
                )
            if found.protocol != release.protocol:
                raise errors.UserError(
                    f"client {wanted!r} cannot download {release.protocol.value} releases",
                    key="error.client_protocol",
                    name=wanted,
                    protocol=release.protocol.value,
                )
            return found
        for candidate in self._clients.values():
            if candidate.protocol == release.protocol:
                return candidate
        raise errors.UserError(
            f"no {release.protocol.value} client configured",
            key="error.no_client",
            protocol=release.protocol.value,
        )

    async def _request(self, release: Release, chosen: ConfiguredClient) -> DownloadRequest:
        """Prefer the file: we fetch it under our own URL policy rather than letting the client
        fetch an indexer-supplied URL (which moves SSRF into the client)."""
        base = DownloadRequest(
            name=release.title,
            protocol=release.protocol,
            category=chosen.category,
            save_path=chosen.save_path,
            expected_id=release.info_hash.lower() if release.info_hash else None,
        )
        if release.download_url and not release.download_url.startswith("magnet:"):
            indexer = self._indexers.get(release.indexer)
            if indexer is None:
                raise errors.UserError(
                    f"indexer {release.indexer!r} is no longer configured",
                    key="error.indexer_gone",
                    name=release.indexer,
                )
            try:
                data = await indexer.fetch(release.download_url)
            except errors.UserError as err:
                # Prowlarr and Jackett answer a download link with a redirect to a magnet
                if err.key != "error.magnet_not_fetchable" or "magnet" not in err.params:
                    raise
                return _magnet(base, str(err.params["magnet"]))
            if release.protocol is Protocol.TORRENT:
                file = _file(release, "torrent", data)
                return replace(base, file=file, expected_id=torrent_hash(data) or base.expected_id)
            return replace(base, file=_file(release, "nzb", data), expected_id=None)
        magnet = release.magnet_url or release.download_url
        if magnet:
            return _magnet(base, magnet)
        raise errors.UserError(
            f"{release.title!r} has no download link", key="error.no_link", title=release.title
        )


def _already_grabbed(release: Release, client: str) -> errors.Conflict:
    return errors.Conflict(
        f"{release.title!r} was already grabbed",
        key="error.already_grabbed",
        title=release.title,
        client=client,
    )


def _file(release: Release, extension: str, data: bytes) -> ReleaseFile:
    """The fetched file under the release's title: usenet clients name the job after it."""
    stem = release.title.replace("/", "_").replace("\\", "_")[:200] or "release"
    return ReleaseFile(f"{stem}.{extension}", data)


def _magnet(base: DownloadRequest, magnet: str) -> DownloadRequest:
    return replace(base, magnet=magnet, expected_id=magnet_hash(magnet) or base.expected_id)
