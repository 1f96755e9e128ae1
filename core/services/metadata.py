"""Metadata search: ask every title search that knows the kind, then the enrichers whose id
scheme a result carries; keep what came and why others failed."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core import errors, registry
from core.domain import Media, MediaDetails, MediaKind
from core.ports import Enricher, TitleSearch
from core.services.inflight import InFlight

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class MediaResults:
    media: list[Media]
    failures: dict[str, errors.OutpostError]


class MetadataSearch:
    def __init__(
        self,
        providers: Sequence[TitleSearch],
        enrichers: Sequence[Enricher] = (),
        *,
        serving: Callable[[MediaKind], list[str]] = registry.providers_serving,
        inflight: InFlight | None = None,
    ) -> None:
        self._inflight = inflight or InFlight()  # the process's, to merge identical searches
        self._providers = list(providers)
        self._enrichers = list(enrichers)
        self._serving = serving  # the provider kinds that could serve a kind, once set up

    async def search(
        self, query: str, kinds: Sequence[MediaKind], *, year: int | None = None
    ) -> MediaResults:
        jobs = [(p, k) for k in kinds for p in self._providers if k in p.kinds]
        if not jobs:
            raise no_catalogue(kinds, self._serving)
        answers = await asyncio.gather(
            *(self._merged(p, query, k, year) for p, k in jobs), return_exceptions=True
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
        media = list(await asyncio.gather(*(self.enrich(m, failures) for m in media)))
        media.sort(key=lambda m: -(m.popularity or 0.0))
        return MediaResults(media, failures)

    async def runtime(self, media: Media) -> int | None:
        """Minutes of the title (of one episode, for series) as its own provider says, for the
        size sanity of its releases; None when no configured provider knows the title."""
        for provider in self._providers:
            if provider.name == media.provider and media.kind in provider.kinds:
                return (await provider.details(media)).runtime
        return None

    async def _merged(
        self, provider: TitleSearch, query: str, kind: MediaKind, year: int | None
    ) -> list[Media]:
        """The provider's answer, shared with every identical search in flight."""
        key = ("media", provider.name, id(provider), query, kind, year)
        return await self._inflight.run(key, lambda: provider.search(query, kind, year=year))

    async def enrich(
        self, media: Media, failures: dict[str, errors.OutpostError] | None = None
    ) -> Media:
        """`media` with what each enricher that knows one of its ids adds; an enricher that
        fails costs only its additions (and is named in `failures`)."""
        for enricher in self._enrichers:
            if not enricher.schemes & media.ids.keys():
                continue
            try:
                extra = await enricher.enrich(media)
            except errors.OutpostError as err:
                log.warning("enricher %s failed for %s: %s", enricher.name, media.title, err)
                if failures is not None:
                    failures[enricher.name] = err
                continue
            if extra is not None:
                media = merged(media, extra)
        return media

    async def details(self, kind: MediaKind, provider: str, provider_id: str) -> MediaDetails:
        """One title by its provider's id, with what the enrichers add: credits, series and
        an album's tracks. Raises NotFound when no title search of that name serves `kind`."""
        for search in self._providers:
            if search.name == provider and kind in search.kinds:
                stub = Media(kind=kind, title="", provider=provider, provider_id=provider_id)
                found = await search.details(stub)
                return dataclasses.replace(found, media=await self.enrich(found.media))
        raise errors.NotFound(f"no title search {provider!r} for {kind.value}")


def no_catalogue(
    kinds: Sequence[MediaKind], serving: Callable[[MediaKind], list[str]]
) -> errors.UserError:
    """No configured provider serves `kinds`: name a provider that would, or say none does."""
    names = ", ".join(k.value for k in kinds)
    offered = sorted({p for k in kinds for p in serving(k)})
    if offered:
        return errors.UserError(
            f"no metadata provider set up for {names}; {offered[0]} serves it",
            key="error.no_provider",
            kinds=names,
            provider=offered[0],
        )
    return errors.UserError(
        f"no metadata provider serves {names}", key="error.no_catalogue", kinds=names
    )


def merged(base: Media, extra: Media) -> Media:
    """`base` with the gaps `extra` fills: empty fields, new ids and new credits. What the
    title search said is never overwritten, so an enricher cannot rename a title."""
    changes: dict[str, object] = {}
    for name in ("year", "original_title", "overview", "poster_url", "series", "series_position"):
        if not getattr(base, name) and getattr(extra, name):
            changes[name] = getattr(extra, name)
    ids = {**extra.ids, **base.ids}
    if ids != dict(base.ids):
        changes["ids"] = ids
    known = {(c.role, c.name.casefold()) for c in base.credits}
    new = tuple(c for c in extra.credits if (c.role, c.name.casefold()) not in known)
    if new:
        changes["credits"] = base.credits + new
    return dataclasses.replace(base, **changes) if changes else base  # type: ignore[arg-type]
