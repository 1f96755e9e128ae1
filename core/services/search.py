"""Release search: fan out to every indexer that serves the kind, merge, rank, report failures."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from core import errors
from core.domain import Capabilities, MediaKind, Release, SearchQuery
from core.ports import Indexer
from core.releases import DEFAULT_PROFILE, QualityProfile, Rejection, Verdict, Wanted, rank
from core.services.inflight import InFlight
from core.services.standing import Standings

log = logging.getLogger(__name__)
# A mirrored indexer that answers so is down, not wrong: its manager's aggregate search is asked.
_DOWN = (errors.Unreachable, errors.Unavailable)


@dataclass(frozen=True, slots=True)
class IndexerFailure:
    indexer: str
    error: errors.OutpostError


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    verdicts: list[Verdict]
    failures: list[IndexerFailure]
    skipped: list[str]  # indexers that do not serve the kind
    fallbacks: list[str] = dataclasses.field(default_factory=list)  # managers asked instead
    profile: QualityProfile = DEFAULT_PROFILE  # what ranked them, for saying why #1 is #1


def serves(caps: Capabilities, kind: MediaKind | None) -> bool:
    """Whether an indexer carries `kind`, as its adapter read it from the indexer's caps."""
    return kind is None or kind in caps.kinds


def numbered(query: SearchQuery) -> SearchQuery:
    """An anime episode asked without a season is an absolute number ("Frieren 05")."""
    if query.kind is MediaKind.ANIME and query.season is None and query.episode is not None:
        return dataclasses.replace(query, absolute=query.absolute or query.episode, episode=None)
    return query


def ranked_as(wanted: Wanted | None) -> Wanted | None:
    """What the ranking judges: anime by the rules of series (episodes, absolute numbers
    and the size per episode), which the release parser reads for both."""
    if wanted is not None and wanted.kind is MediaKind.ANIME:
        return dataclasses.replace(wanted, kind=MediaKind.SERIES)
    return wanted


def absolute_misfits(verdicts: list[Verdict], query: SearchQuery) -> list[Verdict]:
    """An anime episode asked by its absolute number: a release numbered absolutely that does
    not hold it is the wrong episode (the ranking matches episodes within a season only).
    Accepted ones stay first, in their order."""
    wanted = query.absolute
    if query.kind is not MediaKind.ANIME or wanted is None:
        return verdicts
    judged = []
    for verdict in verdicts:
        numbers = verdict.parsed.absolute_episodes if verdict.parsed else ()
        if numbers and wanted not in numbers:
            misfit = Rejection("wrong_episode", {"episodes": list(numbers), "wanted": wanted})
            verdict = dataclasses.replace(verdict, rejections=(*verdict.rejections, misfit))
        judged.append(verdict)
    return sorted(judged, key=lambda v: not v.accepted)


def _merge_key(release: Release) -> tuple[str, ...]:
    if release.info_hash:
        return ("hash", release.info_hash.lower())
    title = re.sub(r"[^a-z0-9]+", "", release.title.lower())
    return ("title", title, str(release.size))


def merge(releases: Sequence[Release]) -> list[Release]:
    """Drop the same release seen on several indexers, keeping the best-seeded copy."""
    best: dict[tuple[str, ...], Release] = {}
    for release in releases:
        key = _merge_key(release)
        kept = best.get(key)
        if kept is None or (release.seeders or 0) > (kept.seeders or 0):
            best[key] = release
    return list(best.values())


def search_key(indexer: Indexer, query: SearchQuery) -> tuple[object, ...]:
    """What makes two release searches the same: the indexer (this built adapter) and the query."""
    return ("releases", indexer.name, id(indexer), query)


class ReleaseSearch:
    """Asks every indexer at once, each with its own deadline; a failure costs only its results.
    `unavailable` are the configured indexers that could not be built (a secret the key cannot
    read): reported as failures, never as "no indexer"; `standings` skips the ones that asked
    to wait or refused their key, and learns from each failure."""

    def __init__(
        self,
        indexers: Sequence[Indexer],
        *,
        timeout: float = 20.0,
        fallbacks: Mapping[Indexer, Sequence[str]] | None = None,
        profiles: Callable[[MediaKind], Awaitable[QualityProfile]] | None = None,
        unavailable: Mapping[str, errors.OutpostError] | None = None,
        standings: Standings | None = None,
        inflight: InFlight | None = None,
    ) -> None:
        self._indexers = list(indexers)
        self._timeout = timeout
        # an indexer manager (Prowlarr) -> the names of the indexers mirrored from it: its
        # aggregate search is asked only when none of those could be reached
        self._fallbacks = dict(fallbacks or {})
        self._profiles = profiles  # the household's profile of a kind (from the store)
        self._unavailable = dict(unavailable or {})
        self._standings = standings
        self._inflight = inflight or InFlight()  # the process's, to merge identical searches

    async def search(
        self,
        query: SearchQuery,
        wanted: Wanted | None = None,
        *,
        profile: QualityProfile | None = None,
        blocklist: Collection[str] = (),
    ) -> SearchOutcome:
        """`profile` None: the household's profile of the wanted kind, when there is one."""
        if not self._indexers and not self._fallbacks:
            raise self._none_usable()
        if profile is None:
            profile = await self._profile_of(wanted)
        query = numbered(query)
        answers = await asyncio.gather(*(self._merged(i, query) for i in self._indexers))
        asked, fallbacks = await self._fall_back(query, answers)
        releases: list[Release] = []
        failures = [IndexerFailure(n, e) for n, e in sorted(self._unavailable.items())]
        skipped: list[str] = []
        for indexer, answer in zip([*self._indexers, *asked], [*answers, *fallbacks], strict=True):
            if isinstance(answer, errors.OutpostError):
                failures.append(IndexerFailure(indexer.name, answer))
            elif answer is None:
                skipped.append(indexer.name)
            else:
                releases.extend(answer)
        verdicts = rank(merge(releases), ranked_as(wanted), profile, blocklist)
        if wanted is not None:
            verdicts = absolute_misfits(verdicts, query)
        return SearchOutcome(verdicts, failures, skipped, [i.name for i in asked], profile)

    async def _fall_back(
        self, query: SearchQuery, answers: Sequence[object]
    ) -> tuple[list[Indexer], list[list[Release] | errors.OutpostError | None]]:
        """The managers whose mirrored indexers were all unreachable (or none is mirrored yet),
        and their aggregate answers."""
        by_name = dict(zip((i.name for i in self._indexers), answers, strict=True))
        asked = [
            manager
            for manager, mirrored in self._fallbacks.items()
            if all(isinstance(by_name.get(n), _DOWN) for n in mirrored)
            or not any(n in by_name for n in mirrored)
        ]
        for manager in asked:
            log.info("searching %s itself: its indexers could not be reached", manager.name)
        return asked, list(await asyncio.gather(*(self._ask(m, query) for m in asked)))

    async def _profile_of(self, wanted: Wanted | None) -> QualityProfile:
        if wanted is None or self._profiles is None:
            return DEFAULT_PROFILE
        return await self._profiles(wanted.kind)

    def _none_usable(self) -> errors.OutpostError:
        """Why nothing can be asked: none configured, or which need their secret again."""
        if not self._unavailable:
            return errors.UserError("no indexer configured", key="error.no_indexers")
        lost = [
            n
            for n, e in sorted(self._unavailable.items())
            if isinstance(e, errors.SecretUnavailable)
        ]
        if lost:
            return errors.SecretUnavailable("indexers need their secret again", integrations=lost)
        return next(iter(self._unavailable.values()))

    async def _merged(
        self, indexer: Indexer, query: SearchQuery
    ) -> list[Release] | errors.OutpostError | None:
        """The indexer's answer, shared with every identical search in flight."""
        key = search_key(indexer, query)
        return await self._inflight.run(key, lambda: self._ask(indexer, query))

    async def _ask(
        self, indexer: Indexer, query: SearchQuery
    ) -> list[Release] | errors.OutpostError | None:
        held = await self._standings.held(indexer.name) if self._standings else None
        if held is not None:
            return held
        answer = await self._answer(indexer, query)
        if isinstance(answer, errors.OutpostError) and self._standings is not None:
            await self._standings.record(indexer.name, answer)
        return answer

    async def _answer(
        self, indexer: Indexer, query: SearchQuery
    ) -> list[Release] | errors.OutpostError | None:
        try:
            async with asyncio.timeout(self._timeout):
                caps = await indexer.capabilities()
                if not serves(caps, query.kind):
                    return None
                return await indexer.search(query)
        except TimeoutError:
            return errors.Timeout(
                f"{indexer.name}: no answer within {self._timeout:g} s", service=indexer.name
            )
        except errors.OutpostError as err:
            log.warning("indexer %s failed: %s", indexer.name, err)
            return err
