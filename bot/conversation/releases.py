"""Releases of a title: the ranked list with its reasons, and grabs (at once, or after approval)."""

from __future__ import annotations

from typing import Any

from bot.conversation import tokens
from bot.conversation.cards import card_view
from bot.conversation.context import Ctx, line, say
from bot.conversation.household import ask_admins
from bot.views import Button, Reply, Text, View
from bot.wording import human_size
from core import errors
from core.domain import Media, MediaKind
from core.releases import DEFAULT_PROFILE, Verdict
from core.releases.profiles import DEFAULT_RUNTIME, SIZED_KINDS
from core.releases.reasons import WhyFirst, why_first
from core.services.failover import explain
from core.services.requests import Asked, wanted_for

SHOWN = 8
LARGE = 2.0  # times the kind's typical size before a release is called unusually large
_MB = 1024 * 1024


def _asked(media: dict[str, Any]) -> dict[str, Any]:
    about = {k: media.get(k) for k in ("credits", "series", "series_position")}
    return {"kind": media["kind"], "title": media["title"], "year": media.get("year"), **about}


async def _search(
    ctx: Ctx, media: dict[str, Any]
) -> tuple[list[str], list[Verdict], list[str], WhyFirst | None]:
    """Refs and verdicts of a release search for the title, the indexers that failed, and
    why the first is first."""
    query, wanted = wanted_for({**media, "runtime": await _runtime(ctx, media)})
    blocklist = await ctx.services.requests.blocklist()
    outcome = await (await ctx.services.releases()).search(query, wanted, blocklist=blocklist)
    refs = await ctx.services.requests.remember(outcome.verdicts, _asked(media))
    why = why_first(outcome.verdicts, outcome.profile)
    return refs, outcome.verdicts, [f.indexer for f in outcome.failures], why


async def _runtime(ctx: Ctx, media: dict[str, Any]) -> int | None:
    """The title's runtime (an episode's for series) from its provider, for the size sanity;
    None when the title has no provider or the provider cannot say."""
    if media.get("runtime") or MediaKind(media["kind"]) not in SIZED_KINDS:
        return media.get("runtime")
    if not (media.get("provider") and media.get("id")):
        return None
    found = Media(MediaKind(media["kind"]), media["title"], media["provider"], str(media["id"]))
    try:
        return await (await ctx.services.metadata()).runtime(found)
    except errors.OutpostError:
        return None


def why_line(why: WhyFirst) -> Text:
    """ "Why #1: 1080p WEB-DL, 4.2 GB, 45 seeders — preferred quality"."""
    release = why.verdict.release
    return line(
        "releases.why",
        quality=why.verdict.quality,
        size=human_size(release.size),
        seeders="?" if release.seeders is None else release.seeders,
        reason=Text(f"releases.why.{why.code}"),  # worded in the reader's language
    )


def oversize(verdict: Verdict, kind: MediaKind) -> float | None:
    """How many times the kind's typical size a single film or episode is, when over LARGE."""
    kind = MediaKind.SERIES if kind.episodic else kind  # anime is sized as a series
    typical_rate = DEFAULT_PROFILE.typical_mb_per_minute.get(kind)
    size, parsed = verdict.release.size, verdict.parsed
    if typical_rate is None or not size or parsed is None or parsed.full_season:
        return None
    episodes = max(1, len(parsed.episodes)) if kind is MediaKind.SERIES else 1
    typical = typical_rate * DEFAULT_RUNTIME[kind] * episodes * _MB
    times = size / typical
    return round(times, 1) if times > LARGE else None


def _release_lines(n: int, verdict: Verdict, kind: MediaKind) -> list[Text]:
    r = verdict.release
    seeders = "?" if r.seeders is None else r.seeders
    lines = [
        line(
            "releases.line",
            n=n,
            quality=verdict.quality,
            size=human_size(r.size),
            seeders=seeders,
            indexer=r.indexer,
        ),
        line("releases.name", title=r.title),
    ]
    if r.freeleech:
        lines.append(line("releases.freeleech"))
    if "vip" in r.flags:
        lines.append(line("releases.vip"))
    if "personal-freeleech" in r.flags:
        lines.append(line("releases.personal_freeleech"))
    if (times := oversize(verdict, kind)) is not None:
        lines.append(line("releases.large", times=times))
    return lines


def rejected_line(ctx: Ctx, verdicts: list[Verdict]) -> Text | None:
    """ "5 rejected: 3 too small, 2 wrong year", or None when none were."""
    rejected = [v for v in verdicts if not v.accepted]
    if not rejected:
        return None
    reasons = ", ".join(ctx.say(f"notice.count.{c}", count=n) for c, n in explain(rejected).items())
    return line("releases.rejected", count=len(rejected), reasons=reasons)


async def choose(ctx: Ctx, tap: tokens.Tap) -> list[Reply]:
    """Choose release: the top accepted releases, why they rank so, and why others did not fit."""
    media = tap.payload["media"]
    kind = MediaKind(media["kind"])
    refs, verdicts, failed, why = await _search(ctx, media)
    accepted = [(ref, v) for ref, v in zip(refs, verdicts, strict=True) if v.accepted][:SHOWN]
    lines = [line("releases.header", title=media["title"], count=len(accepted))]
    lines += [line("search.indexer_failed", name=name) for name in failed]
    if why is not None:
        lines.append(why_line(why))
    buttons: list[Button] = []
    for n, (ref, verdict) in enumerate(accepted, 1):
        lines += _release_lines(n, verdict, kind)
        buttons.append(await ctx.button("button.grab_n", "grab", {"ref": ref, "media": media}, n=n))
    if accepted:
        lines.append(line("releases.order"))
    else:
        lines.append(line("releases.none", title=media["title"]))
    if (why := rejected_line(ctx, verdicts)) is not None:
        lines.append(why)
    return [Reply(View(tuple(lines), choices=tuple(buttons)))]  # a list to pick one from


async def grab_best(ctx: Ctx, tap: tokens.Tap) -> list[Reply]:
    """Grab best: search, and grab the first accepted release (or say why there is none)."""
    media = tap.payload["media"]
    refs, verdicts, _, _ = await _search(ctx, media)
    best = next((ref for ref, v in zip(refs, verdicts, strict=True) if v.accepted), None)
    if best is None:
        why = rejected_line(ctx, verdicts)
        return say(line("releases.none", title=media["title"]), *([why] if why else []))
    return await _grab_ref(ctx, best, media)


async def grab(ctx: Ctx, tap: tokens.Tap) -> list[Reply]:
    """Grab #n from a release list."""
    return await _grab_ref(ctx, str(tap.payload["ref"]), tap.payload.get("media") or {})


async def _grab_ref(ctx: Ctx, ref: str, media: dict[str, Any]) -> list[Reply]:
    asked = await ctx.services.requests.ask(ctx.person, ref, media)
    if asked.awaiting:
        return [await _card(asked.request_id), *await _ask_admins(ctx, asked)]
    return [await _card(asked.request_id)]


async def _card(request_id: int, chat: str | None = None) -> Reply:
    view = await card_view(request_id)
    assert view is not None  # the request was just written
    return Reply(view, chat=chat)


async def _ask_admins(ctx: Ctx, asked: Asked) -> list[Reply]:
    """Approve / Decline to each admin, at their own account."""
    prompt = line("approval.prompt", name=ctx.person.name, title=asked.title)
    payload = {"request": asked.request_id, "chat": ctx.chat}
    household = ctx.services.household
    return await ask_admins(household, ctx.sender.platform, prompt, "grab", payload)


async def decide_grab(ctx: Ctx, tap: tokens.Tap, approve: bool) -> list[Reply]:
    """An admin's answer to a member's grab: run it, or tell the requester no."""
    request_id = int(tap.payload["request"])
    decided = await ctx.services.requests.decide(request_id, approve)
    if decided.outcome == "already":
        return say(line("approval.already_decided"), edit=True)
    requester = await _card(request_id, str(tap.payload["chat"]))
    if decided.error is not None:
        failed = Reply(View((Text(decided.error.key, decided.error.params),)), edit=True)
        return [failed, requester]
    done = line(f"approval.{decided.outcome}", title=decided.title)
    return [*say(done, edit=True), requester]
