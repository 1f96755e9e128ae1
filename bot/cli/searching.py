"""`outpost search|grab|queue|parse`: the wish-to-download path from the shell."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.output import Output, clean, table
from bot.wording import human_size, split_year
from core import errors
from core.app import Outpost
from core.credits import about_json, credits_json
from core.domain import Media, MediaKind, ParsedRelease
from core.releases import Rejection, Verdict, Wanted, parse
from core.releases.reasons import WhyFirst, why_first
from core.services.cards import eta_text
from core.services.found import remember
from core.services.requests import search_query

ALL_KINDS = list(MediaKind)
SHOWN = 20  # rows a person sees unless --all


async def search_media(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    kinds = [MediaKind(args.kind)] if args.kind else [MediaKind.MOVIE, MediaKind.SERIES]
    title, year = split_year(args.query)
    results = await (await app.metadata_search()).search(title, kinds, year=year)
    out.data(
        {
            "media": [
                {
                    "kind": m.kind.value,
                    "title": m.title,
                    "year": m.year,
                    "provider": m.provider,
                    "id": m.provider_id,
                    "ids": dict(m.ids),
                    "overview": m.overview,
                    "poster": m.poster_url,
                    "credits": credits_json(m.credits),
                    "series": m.series,
                    "series_position": m.series_position,
                    "release_type": m.release_type,
                }
                for m in results.media
            ],
            "errors": [
                {"provider": n, "error": out.t(e.key, **e.params)}
                for n, e in results.failures.items()
            ],
        }
    )
    for name, err in results.failures.items():
        out.say("cli.provider_failed", name=name, reason=out.t(err.key, **err.params))
    if not results.media:
        out.say("cli.no_media", query=args.query)
        return 0
    out.text(media_table(results.media))
    return 0


def media_table(media: list[Media]) -> str:
    """KIND, TITLE, YEAR, a column per credit role the results have (AUTHOR, NARRATOR ...),
    SERIES and IMDB; a column no result fills is left out."""
    roles = list(dict.fromkeys(c.role for m in media for c in m.credits))
    headers = ["KIND", "TITLE", "YEAR", *(r.upper() for r in roles), "SERIES", "IMDB"]
    rows = [
        [
            m.kind.value,
            m.title,
            m.year or "",
            *(", ".join(c.name for c in m.credits if c.role == r) for r in roles),
            series_text(m),
            m.ids.get("imdb", ""),
        ]
        for m in media
    ]
    keep = [i for i in range(len(headers)) if i < 3 or any(row[i] for row in rows)]
    return table([headers[i] for i in keep], [[row[i] for i in keep] for row in rows])


def series_text(media: Media) -> str:
    if not media.series:
        return ""
    return f"{media.series} #{media.series_position}" if media.series_position else media.series


def rejection_text(out: Output, rejection: Rejection) -> str:
    return out.t(rejection.key, **dict(rejection.params))


def release_row(ref: str, v: Verdict, out: Output) -> dict[str, Any]:
    r = v.release
    return {
        "ref": ref,
        "title": r.title,
        "indexer": r.indexer,
        "size": r.size,
        "seeders": r.seeders,
        "quality": v.quality,
        "score": round(v.score, 3),
        "freeleech": r.freeleech,
        "flags": list(r.flags),
        "rejections": [{"code": x.code, "message": rejection_text(out, x)} for x in v.rejections],
    }


async def chosen_media(app: Outpost, kind: MediaKind | None, title: str, ref: str) -> Media:
    """The title `--media PROVIDER:ID` names: as `search media TITLE` found it (with what the
    enrichers added: a narrator, a series), else looked up by its id."""
    provider, colon, ident = (part.strip() for part in ref.partition(":"))
    if kind is None or not colon or not provider or not ident:
        raise errors.UserError(f"--media {ref!r} is not PROVIDER:ID", key="cli.bad_media", ref=ref)
    search = await app.metadata_search()
    found = await search.search(title, [kind]) if title else None
    for media in found.media if found else ():
        if (media.provider, media.provider_id) == (provider, ident):
            return media
    return (await search.details(kind, provider, ident)).media


async def search_releases(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    title, year = split_year(args.query)
    kind = MediaKind(args.kind) if args.kind else None
    chosen = await chosen_media(app, kind, title, args.media) if args.media else None
    if chosen is not None:
        title, year = chosen.title, chosen.year or year
    credits = chosen.credits if chosen else ()
    query = search_query(kind, title, year, credits, season=args.season, episode=args.episode)
    wanted = (
        Wanted(
            kind=kind,
            title=title,
            year=year,
            season=args.season,
            episode=args.episode,
            runtime=args.runtime if args.runtime and args.runtime > 0 else None,
            credits=credits,
        )
        if kind
        else None
    )
    blocklist = await app.services().requests.blocklist()
    outcome = await (await app.release_search()).search(query, wanted, blocklist=blocklist)
    asked = {
        "kind": kind.value if kind else None,
        "title": title,
        "year": year,
        "season": args.season,
        "episode": args.episode,
    }
    if chosen is not None:
        asked |= {**about_json(chosen), "provider": chosen.provider, "id": chosen.provider_id}
    refs = await remember(outcome.verdicts, asked, box=app.box)
    rows = [release_row(ref, v, out) for ref, v in zip(refs, outcome.verdicts, strict=True)]
    errors_ = [
        {"indexer": f.indexer, "error": out.t(f.error.key, **f.error.params)}
        for f in outcome.failures
    ]
    why = why_first(outcome.verdicts, outcome.profile)
    first = _why_json(why, rows, out)
    out.data({"releases": rows, "errors": errors_, "why_first": first})
    for failure in errors_:
        out.say("cli.indexer_failed", name=failure["indexer"], reason=failure["error"])
    if not rows:
        out.say("cli.no_releases", query=args.query)
        return 0
    _print_releases(rows, out, show_all=args.all)
    if first is not None:
        out.say("cli.why_first", ref=first["ref"], why=first["message"])
    return 0


def _why_json(
    why: WhyFirst | None, rows: list[dict[str, Any]], out: Output
) -> dict[str, Any] | None:
    """Why the first accepted release is first: its ref, the reason code and the sentence."""
    if why is None:
        return None
    row = next(r for r in rows if not r["rejections"])
    release = why.verdict.release
    message = out.t(
        "releases.why",
        quality=why.verdict.quality,
        size=human_size(release.size),
        seeders="?" if release.seeders is None else release.seeders,
        reason=out.t(f"releases.why.{why.code}"),
    )
    return {"ref": row["ref"], "reason": why.code, "message": message}


def _print_releases(rows: list[dict[str, Any]], out: Output, *, show_all: bool) -> None:
    accepted = [r for r in rows if not r["rejections"]]
    shown = rows if show_all else accepted[:SHOWN]
    out.text(
        table(
            ["REF", "TITLE", "INDEXER", "SIZE", "SEED", "QUALITY", "FLAGS", "WHY NOT"],
            [
                [
                    r["ref"],
                    r["title"],
                    r["indexer"],
                    human_size(r["size"]),
                    "" if r["seeders"] is None else r["seeders"],
                    r["quality"],
                    " ".join(r["flags"]),
                    "; ".join(x["message"] for x in r["rejections"]),
                ]
                for r in shown
            ],
        )
    )
    hidden = len(rows) - len(shown)
    if not accepted:
        counts: dict[str, int] = {}
        for row in rows:
            for code in {x["code"] for x in row["rejections"]}:
                counts[code] = counts.get(code, 0) + 1
        reasons = [
            out.t(f"notice.count.{c}", count=n)
            for c, n in sorted(counts.items(), key=lambda i: -i[1])
        ]
        out.say("cli.only_rejected", reasons=", ".join(reasons))
    elif hidden:
        out.say("cli.hidden_releases", count=hidden)
    if accepted:
        out.say("cli.grab_hint", ref=accepted[0]["ref"])


async def grab(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    row = await app.services().requests.console_grab(args.ref, args.client)
    out.data({"ref": row.ref, "title": row.title, "client": row.client, "id": row.client_id})
    out.say("cli.grabbed", title=row.title, client=row.client)
    return 0


async def queue(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    view = await (await app.queue()).view()
    out.data(
        {
            "downloads": [
                {
                    "ref": i.ref,
                    "name": i.name,
                    "client": i.client,
                    "state": i.state,
                    "status": i.status,
                    "progress": round(i.progress, 4),
                    "size": i.size,
                    "seed_left": i.seed_left,
                }
                for i in view.items
            ],
            "errors": [
                {"client": n, "error": out.t(e.key, **e.params)} for n, e in view.failures.items()
            ],
        }
    )
    for name, err in view.failures.items():
        out.say("cli.client_failed", name=name, reason=out.t(err.key, **err.params))
    if not view.items:
        out.say("cli.queue_empty")
        return 0
    rows = [
        [
            i.ref,
            i.name,
            i.client,
            i.state,
            i.status,
            f"{i.progress:.0%}",
            human_size(i.size),
            eta_text(i.seed_left),
        ]
        for i in view.items
    ]
    headers = ["REF", "NAME", "CLIENT", "STATE", "CLIENT SAYS", "DONE", "SIZE", "SEED LEFT"]
    out.text(table(headers, rows))
    return 0


def parsed_json(title: str, p: ParsedRelease | None) -> dict[str, Any]:
    if p is None:
        return {"input": title, "parsed": False}
    return {
        "input": title,
        "parsed": True,
        "title": p.title,
        "year": p.year,
        "season": p.season,
        "episodes": list(p.episodes),
        "absolute_episodes": list(p.absolute_episodes),
        "air_date": p.air_date.isoformat() if p.air_date else None,
        "resolution": p.resolution,
        "source": p.source,
        "modifier": p.modifier,
        "codec": p.codec,
        "proper": p.proper,
        "repack": p.repack,
        "version": p.version,
        "release_group": p.release_group,
        "edition": p.edition,
        "languages": list(p.languages),
    }


def parse_titles(args: argparse.Namespace, out: Output) -> int:
    """Offline: needs no store, so it works before anything is configured."""
    docs = [parsed_json(title, parse(title)) for title in args.titles]
    out.data(docs)
    for doc in docs:
        if not doc["parsed"]:
            out.say("cli.not_a_release", title=doc["input"])
            continue
        fields = [
            (k, v)
            for k, v in doc.items()
            if k not in ("input", "parsed") and v not in (None, [], False)
        ]
        out.text(clean(doc["input"]))
        out.text(table(["FIELD", "VALUE"], [[k, v] for k, v in fields]))
        out.text("")
    return 0
