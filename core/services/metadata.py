"""Metadata search: ask every provider that knows the kind; keep what came and why others failed."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from core import errors
from core.domain import Media, MediaKind
from core.ports import MetadataProvider

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MediaResults:
    media: list[Media]
    failures: dict[str, errors.OutpostError]


class MetadataSearch:
    def __init__(self, providers: Sequence[MetadataProvider]) -> None:
        self._providers = list(providers)

    async def search(
        self, query: str, kinds: Sequence[MediaKind], *, year: int | None = None
    ) -> MediaResults:
        jobs = [(p, k) for k in kinds for p in self._providers if k in p.kinds]
        if not jobs:
            names = ", ".join(k.value for k in kinds)
            raise errors.UserError(
                f"no metadata provider for {names}", key="error.no_provider", kinds=names
            )
        answers = await asyncio.gather(
            *(p.search(query, k, year=year) for p, k in jobs), return_exceptions=True
        )
        media: list[Media] = []
        failures: dict[str, errors.OutpostError] = {}
        for (provider, _), answer in zip(jobs, answers, strict=True):
            if isinstance(answer, errors.OutpostError):
                failures[provider.name] = answer
            elif isinstance(answer, BaseException):
                raise answer
            else:
                media.extend(answer)
        media.sort(key=lambda m: -(m.popularity or 0.0))
        return MediaResults(media, failures)
