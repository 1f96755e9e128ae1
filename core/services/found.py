"""Keeps what a search found under short refs, so a later command (or button) can grab it."""

from __future__ import annotations

import dataclasses
import secrets
from datetime import datetime
from typing import Any

from core import errors
from core.domain import Protocol, Release
from core.releases import Verdict, release_key
from core.store.models import FoundRelease

_REF_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o/1/l/i: refs are read and typed by people


def new_ref() -> str:
    return "".join(secrets.choice(_REF_ALPHABET) for _ in range(6))


def release_to_json(release: Release) -> dict[str, Any]:
    data = dataclasses.asdict(release)
    data["protocol"] = release.protocol.value
    data["categories"] = list(release.categories)
    data["published"] = release.published.isoformat() if release.published else None
    return data


def release_from_json(data: dict[str, Any]) -> Release:
    fields = {f.name for f in dataclasses.fields(Release)}
    values = {k: v for k, v in data.items() if k in fields}
    values["protocol"] = Protocol(values["protocol"])
    values["categories"] = tuple(values.get("categories") or ())
    if values.get("published"):
        values["published"] = datetime.fromisoformat(values["published"])
    return Release(**values)


async def remember(verdicts: list[Verdict], query: dict[str, Any] | None = None) -> list[str]:
    """Store every verdict's release under a fresh ref, with what the search asked for (so a
    grab becomes a request that a failover can search again); returns the refs in order."""
    rows = [
        FoundRelease(
            ref=new_ref(),
            release_key=release_key(v.release),
            title=v.release.title[:1024],
            indexer=v.release.indexer,
            payload={"release": release_to_json(v.release), "query": query or {}},
        )
        for v in verdicts
    ]
    if rows:
        await FoundRelease.bulk_create(rows)
    return [row.ref for row in rows]


async def recall(ref: str) -> tuple[Release, dict[str, Any]]:
    """The release stored under `ref` and the query that found it."""
    row = await FoundRelease.get_or_none(ref=ref.strip().lower())
    if row is None:
        raise errors.NotFound(f"no release with ref {ref!r}", key="error.unknown_ref", ref=ref)
    return release_from_json(row.payload["release"]), dict(row.payload.get("query") or {})
