"""Keeps what a search found under short refs, so a later command (or button) can grab it."""

from __future__ import annotations

import dataclasses
import json
import secrets
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from core import errors
from core.domain import Protocol, Release
from core.releases import Verdict, release_key
from core.secrets import SecretBox
from core.store.models import FoundRelease, Setting

LINK_FIELDS = ("guid", "download_url", "magnet_url", "info_url")  # where a link key may sit
SEALED = "links"  # the release JSON's field holding LINK_FIELDS as one Fernet token
LINKS_SEALED = "found.links_sealed"  # set once every stored release has its links sealed
_REF_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o/1/l/i: refs are read and typed by people


def new_ref() -> str:
    return "".join(secrets.choice(_REF_ALPHABET) for _ in range(6))


def release_to_json(release: Release) -> dict[str, Any]:
    data = dataclasses.asdict(release)
    data["protocol"] = release.protocol.value
    data["categories"] = list(release.categories)
    data["published"] = release.published.isoformat() if release.published else None
    return data


def sealed_json(release: Release, box: SecretBox) -> dict[str, Any]:
    """The release as JSON with its links sealed under `box`: Jackett and Prowlarr put their
    API key in them (`jackett_apikey=`, `apikey=`), trackers a passkey."""
    data = release_to_json(release)
    links = {name: data[name] for name in LINK_FIELDS if data.get(name)}
    for name in LINK_FIELDS:
        data[name] = "" if name == "guid" else None
    data[SEALED] = box.seal(json.dumps(links, separators=(",", ":")))
    return data


def unsealed_json(data: dict[str, Any], box: SecretBox) -> dict[str, Any]:
    """`data` with its sealed links opened; a row stored before sealing is read as it is."""
    token = data.get(SEALED)
    if not isinstance(token, str):
        return data
    links = json.loads(box.unseal(token, integration=str(data.get("indexer", ""))))
    return {**{k: v for k, v in data.items() if k != SEALED}, **links}


def release_from_json(data: dict[str, Any]) -> Release:
    fields = {f.name for f in dataclasses.fields(Release)}
    values = {k: v for k, v in data.items() if k in fields}
    values["protocol"] = Protocol(values["protocol"])
    values["categories"] = tuple(values.get("categories") or ())
    if values.get("published"):
        values["published"] = datetime.fromisoformat(values["published"])
    return Release(**values)


async def remember(
    verdicts: list[Verdict], query: dict[str, Any] | None = None, *, box: SecretBox
) -> list[str]:
    """Store every verdict's release under a fresh ref, with what the search asked for (so a
    grab becomes a request that a failover can search again), its links sealed by `box`;
    returns the refs in order."""
    rows = [
        FoundRelease(
            ref=new_ref(),
            release_key=release_key(v.release),
            title=v.release.title[:1024],
            indexer=v.release.indexer,
            payload={"release": sealed_json(v.release, box), "query": query or {}},
        )
        for v in verdicts
    ]
    if rows:
        await FoundRelease.bulk_create(rows)
    return [row.ref for row in rows]


async def recall(ref: str, *, box: SecretBox) -> tuple[Release, dict[str, Any]]:
    """The release stored under `ref` (its links opened by `box`) and the query that found it."""
    row = await FoundRelease.get_or_none(ref=ref.strip().lower())
    if row is None:
        raise errors.NotFound(f"no release with ref {ref!r}", key="error.unknown_ref", ref=ref)
    release = release_from_json(unsealed_json(row.payload["release"], box))
    return release, dict(row.payload.get("query") or {})


async def seal_stored_links(box: SecretBox) -> int:
    """Seal the links of releases remembered before links were sealed; once per data dir."""
    if await Setting.exists(key=LINKS_SEALED):
        return 0
    sealed = 0
    async with in_transaction():
        for row in await FoundRelease.all():
            data = row.payload.get("release") or {}
            if SEALED in data:
                continue
            release = release_from_json(data)
            row.payload = {**row.payload, "release": sealed_json(release, box)}
            await row.save(update_fields=["payload"])
            sealed += 1
        await Setting.create(key=LINKS_SEALED, value={"done": True})
    return sealed
