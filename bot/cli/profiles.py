"""`outpost profile show|set`: each kind's quality profile, as a Radarr or Sonarr user knows it."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.output import Output, table
from core import errors
from core.app import Outpost
from core.domain import MediaKind
from core.releases.profiles import SIZED_KINDS, QualityProfile
from core.services import profiles
from core.services.profiles import Change, profile_json


def register(actions: Any, leaf: Any) -> None:
    """`profile show` and `profile set` under the `profile` group's actions."""
    kinds = [k.value for k in MediaKind]
    show = leaf(actions, "show", show_profiles, help="show the quality profiles")
    show.add_argument("kind", nargs="?", choices=kinds)
    pset = leaf(actions, "set", set_profile, help="change a kind's quality profile")
    pset.add_argument("kind", choices=kinds)
    pset.add_argument("--allow", type=_names, default=(), metavar="Q,Q", help="allowed, best first")
    pset.add_argument("--add", type=_names, default=(), metavar="Q,Q", help="also allow, last")
    pset.add_argument("--deny", type=_names, default=(), metavar="Q,Q", help="no longer allow")
    pset.add_argument("--prefer", metavar="Q", help="put first and make it the cutoff")
    pset.add_argument("--cutoff", metavar="Q", help="the quality good enough to be preferred")
    for bound in ("max", "min"):
        pset.add_argument(
            f"--{bound}-mb-per-minute",
            action="append",
            type=_size,
            default=[],
            metavar="Q=N",
            help=f"the {bound}imum size of a quality in MB per minute of runtime (video kinds)",
        )
    pset.add_argument("--reset", action="store_true", help="back to the household default")


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip().lower() for n in text.split(",") if n.strip())


def _size(text: str) -> tuple[str, float]:
    quality, sep, number = text.partition("=")
    try:
        value = float(number)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected QUALITY=MB, got {text!r}") from None
    if not sep or not quality.strip():
        raise argparse.ArgumentTypeError(f"expected QUALITY=MB, got {text!r}")
    return quality.strip().lower(), value


async def show_profiles(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    kinds = [MediaKind(args.kind)] if args.kind else list(MediaKind)
    shown = [(kind, await profiles.load(kind)) for kind in kinds]
    out.data({"profiles": [profile_json(kind, profile) for kind, profile in shown]})
    for kind, profile in shown:
        _print(kind, profile, out)
    return 0


async def set_profile(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    kind = MediaKind(args.kind)
    wish = Change(
        allow=args.allow,
        add=args.add,
        deny=args.deny,
        prefer=args.prefer and args.prefer.lower(),
        cutoff=args.cutoff and args.cutoff.lower(),
        max_mb=dict(args.max_mb_per_minute),
        min_mb=dict(args.min_mb_per_minute),
    )
    if args.reset and wish != Change():
        raise errors.UserError("reset with changes", key="error.profile_reset_alone")
    profile = await (profiles.reset(kind) if args.reset else profiles.change(kind, wish))
    out.data(profile_json(kind, profile))
    key = "cli.profile_reset" if args.reset else "cli.profile_set"
    out.say(key, kind=out.t(f"kind.{kind.value}"), first=profile.allowed[0])
    _print(kind, profile, out)
    return 0


def _print(kind: MediaKind, profile: QualityProfile, out: Output) -> None:
    out.text(out.t("cli.profile_header", kind=out.t(f"kind.{kind.value}"), cutoff=profile.cutoff))
    headers = ["#", "QUALITY", "PREFERRED"]
    sized = kind in SIZED_KINDS
    if sized:
        headers += ["MIN MB/MIN", "MAX MB/MIN"]
    rows = []
    for n, quality in enumerate(profile.allowed, 1):
        row: list[Any] = [n, quality, "*" if profile.preferred(quality) else ""]
        if sized:
            row += [_mb(_low(kind, profile, quality)), _mb(profile.quality_max.get(quality))]
        rows.append(row)
    out.text(table(headers, rows))
    out.text("")


def _low(kind: MediaKind, profile: QualityProfile, quality: str) -> float | None:
    """The quality's own minimum, else the kind's (anime is sized as a series)."""
    sized = MediaKind.MOVIE if kind is MediaKind.MOVIE else MediaKind.SERIES
    return profile.quality_min.get(quality, profile.min_mb_per_minute.get(sized))


def _mb(value: float | None) -> str:
    return "" if value is None else f"{value:g}"
