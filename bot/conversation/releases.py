"""Releases of a title: the ranked list with its reasons, and grabs (at once, or after approval)."""

from __future__ import annotations

from typing import Any

from bot.conversation import tokens
from bot.conversation.cards import card_view
from bot.conversation.context import Ctx, line, say
from bot.conversation.household import ask_admins, needs_approval
from bot.views import Button, Reply, Text, View
from bot.wording import human_size
from core import errors
from core.domain import MediaKind
from core.releases import DEFAULT_PROFILE, Verdict
from core.releases.profiles import DEFAULT_RUNTIME
from core.services.failover import explain
from core.services.found import recall, remember
from core.services.requests import grab_requested, record_request, wanted_for
from core.store.models import BlocklistEntry, MediaRequest, RequestStatus

SHOWN = 8
LARGE = 2.0  # times the kind's typical size before a release is called unusually large
_MB = 1024 * 1024


def _asked(media: dict[str, Any]) -> dict[str, Any]:
    about = {k: media.get(k) for k in ("credits", "series", "series_position")}
    return {"kind": media["kind"], "title": media["title"], "year": media.get("year"), **about}


async def _search(ctx: Ctx, media: dict[str, Any]) -> tuple[list[str], list[Verdict], list[str]]:
    """Refs and verdicts of a release search for the title, and the indexers that failed."""
    query, wanted = wanted_for(media)
    blocklist = {b.release_key for b in await BlocklistEntry.all()}
    outcome = await (await ctx.app.release_search()).search(query, wanted, blocklist=blocklist)
    refs = await remember(outcome.verdicts, _asked(media))
    return refs, outcome.verdicts, [f.indexer for f in outcome.failures]


def oversize(verdict: Verdict, kind: MediaKind) -> float | None:
    """How many times the kind's typical size a single film or episode is, when over LARGE."""
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
    refs, verdicts, failed = await _search(ctx, media)
    accepted = [(ref, v) for ref, v in zip(refs, verdicts, strict=True) if v.accepted][:SHOWN]
    lines = [line("releases.header", title=media["title"], count=len(accepted))]
    lines += [line("search.indexer_failed", name=name) for name in failed]
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
    rows = tuple(tuple(buttons[i : i + 4]) for i in range(0, len(buttons), 4))
    return [Reply(View(tuple(lines), rows))]


async def grab_best(ctx: Ctx, tap: tokens.Tap) -> list[Reply]:
    """Grab best: search, and grab the first accepted release (or say why there is none)."""
    media = tap.payload["media"]
    refs, verdicts, _ = await _search(ctx, media)
    best = next((ref for ref, v in zip(refs, verdicts, strict=True) if v.accepted), None)
    if best is None:
        why = rejected_line(ctx, verdicts)
        return say(line("releases.none", title=media["title"]), *([why] if why else []))
    return await _grab_ref(ctx, best, media)


async def grab(ctx: Ctx, tap: tokens.Tap) -> list[Reply]:
    """Grab #n from a release list."""
    return await _grab_ref(ctx, str(tap.payload["ref"]), tap.payload.get("media") or {})


async def _grab_ref(ctx: Ctx, ref: str, media: dict[str, Any]) -> list[Reply]:
    release, asked = await recall(ref)
    request = await record_request(ctx.person, asked)
    request.provider, request.provider_id = media.get("provider"), media.get("id")
    if await needs_approval(ctx.person):
        request.status, request.awaiting_approval, request.release_ref = (
            RequestStatus.WANTED,
            True,
            ref,
        )
        await request.save()
        return [await _card(request.id), *await _ask_admins(ctx, request)]
    await request.save()
    await grab_requested(await ctx.app.grabber(), release, request)
    return [await _card(request.id)]


async def _card(request_id: int, chat: str | None = None) -> Reply:
    view = await card_view(request_id)
    assert view is not None  # the request was just written
    return Reply(view, chat=chat)


async def _ask_admins(ctx: Ctx, request: MediaRequest) -> list[Reply]:
    """Approve / Decline to each admin, in their private chat."""
    prompt = line("approval.prompt", name=ctx.person.name, title=request.title)
    payload = {"request": request.id, "chat": ctx.chat}
    return await ask_admins(ctx.sender.platform, prompt, "grab", payload)


async def decide_grab(ctx: Ctx, tap: tokens.Tap, approve: bool) -> list[Reply]:
    """An admin's answer to a member's grab: run it, or tell the requester no."""
    request = await MediaRequest.get_or_none(id=int(tap.payload["request"]))
    if request is None or not request.awaiting_approval:
        return say(line("approval.already_decided"), edit=True)
    requester_chat = str(tap.payload["chat"])
    request.awaiting_approval = False
    if not approve:
        request.status = RequestStatus.CANCELLED
        await request.save()
        done = line("approval.declined", title=request.title)
        return [*say(done, edit=True), await _card(request.id, requester_chat)]
    try:
        release, _ = await recall(request.release_ref or "")
        await (await ctx.app.grabber()).grab(release, request=request)
    except errors.OutpostError as err:
        request.status = RequestStatus.FAILED
        await request.save()
        failed = Reply(View((Text(err.key, err.params),)), edit=True)
        return [failed, await _card(request.id, requester_chat)]
    request.status, request.release_ref = RequestStatus.GRABBED, None
    await request.save()
    done = line("approval.approved", title=request.title)
    return [*say(done, edit=True), await _card(request.id, requester_chat)]
