"""Each kind's quality profile: the household default until changed, kept in the settings."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from core import errors
from core.domain import MediaKind
from core.releases.profiles import (
    SIZED_KINDS,
    QualityProfile,
    default_profile,
    known_qualities,
)
from core.store.models import Setting

log = logging.getLogger(__name__)
MAX_MB_PER_MINUTE = 4096.0  # beyond any real encode (a 4K remux is ~650): a typo, not a wish


def setting_key(kind: MediaKind) -> str:
    return f"profile.{kind.value}"


@dataclass(frozen=True, slots=True)
class Change:
    """What `outpost profile set` asks; every field empty leaves the profile as it is."""

    allow: tuple[str, ...] = ()  # the allowed list, best first, replacing the old one
    add: tuple[str, ...] = ()  # appended, least wanted
    deny: tuple[str, ...] = ()  # taken out
    prefer: str | None = None  # goes first and becomes the cutoff
    cutoff: str | None = None
    max_mb: Mapping[str, float] = field(default_factory=dict)
    min_mb: Mapping[str, float] = field(default_factory=dict)


def profile_json(kind: MediaKind, profile: QualityProfile) -> dict[str, Any]:
    """The profile as `profile show --json` prints it and the store keeps it."""
    doc: dict[str, Any] = {"kind": kind.value, "allowed": list(profile.allowed)}
    doc["cutoff"] = profile.cutoff
    if kind in SIZED_KINDS:
        doc["min_mb_per_minute"] = dict(profile.quality_min)
        doc["max_mb_per_minute"] = dict(profile.quality_max)
    return doc


def from_json(kind: MediaKind, doc: Any) -> QualityProfile:
    """A stored profile; anything unreadable in it gives the default (and a log line)."""
    base = default_profile(kind)
    try:
        return _checked(kind, _read(base, doc))
    except (errors.UserError, TypeError, ValueError, AttributeError) as err:
        log.warning("stored %s profile unreadable, using the default: %s", kind.value, err)
        return base


def _read(base: QualityProfile, doc: Any) -> QualityProfile:
    if not isinstance(doc, dict):
        raise TypeError("not an object")
    return replace(
        base,
        allowed=tuple(str(q) for q in doc["allowed"]),
        cutoff=None if doc.get("cutoff") is None else str(doc["cutoff"]),
        quality_min={str(q): float(n) for q, n in (doc.get("min_mb_per_minute") or {}).items()},
        quality_max={str(q): float(n) for q, n in (doc.get("max_mb_per_minute") or {}).items()},
    )


async def load(kind: MediaKind) -> QualityProfile:
    """The kind's profile as the household set it, else its default."""
    row = await Setting.get_or_none(key=setting_key(kind))
    return default_profile(kind) if row is None else from_json(kind, row.value)


async def change(kind: MediaKind, wish: Change) -> QualityProfile:
    """The profile with `wish` applied, checked, then stored; bad input changes nothing."""
    profile = _checked(kind, applied(kind, await load(kind), wish))
    await Setting.update_or_create({"value": profile_json(kind, profile)}, key=setting_key(kind))
    return profile


async def reset(kind: MediaKind) -> QualityProfile:
    await Setting.filter(key=setting_key(kind)).delete()
    return default_profile(kind)


def applied(kind: MediaKind, profile: QualityProfile, wish: Change) -> QualityProfile:
    """`wish` on `profile`, in the order a person reads the options: list, then cutoff, sizes."""
    _known(kind, (*wish.allow, *wish.add, *wish.deny, *wish.max_mb, *wish.min_mb))
    _known(kind, [q for q in (wish.prefer, wish.cutoff) if q])
    allowed = list(dict.fromkeys(wish.allow)) if wish.allow else list(profile.allowed)
    allowed += [q for q in wish.add if q not in allowed]
    allowed = [q for q in allowed if q not in wish.deny]
    cutoff = profile.cutoff
    if wish.prefer:
        allowed = [wish.prefer, *(q for q in allowed if q != wish.prefer)]
        cutoff = wish.prefer
    cutoff = wish.cutoff or cutoff
    if cutoff not in allowed:
        cutoff = allowed[0] if allowed and not wish.cutoff else cutoff
    if (wish.max_mb or wish.min_mb) and kind not in SIZED_KINDS:
        raise errors.UserError("no sizes", key="error.profile_no_sizes", kind=kind.value)
    return replace(
        profile,
        allowed=tuple(allowed),
        cutoff=cutoff,
        quality_min={**profile.quality_min, **_sizes(wish.min_mb)},
        quality_max={**profile.quality_max, **_sizes(wish.max_mb)},
    )


def _known(kind: MediaKind, qualities: Sequence[str]) -> None:
    known = known_qualities(kind)
    unknown = [q for q in qualities if q not in known]
    if unknown:
        raise errors.UserError(
            f"unknown qualities {unknown}",
            key="error.profile_unknown_quality",
            quality=", ".join(unknown),
            kind=kind.value,
            known=", ".join(known),
        )


def _sizes(sizes: Mapping[str, float]) -> dict[str, float]:
    for quality, value in sizes.items():
        if not 0 < value <= MAX_MB_PER_MINUTE:
            raise errors.UserError(
                f"bad size {value}",
                key="error.profile_bad_size",
                quality=quality,
                value=value,
                most=MAX_MB_PER_MINUTE,
            )
    return dict(sizes)


def _checked(kind: MediaKind, profile: QualityProfile) -> QualityProfile:
    """A profile that allows something, whose cutoff it allows and whose sizes make sense."""
    _known(kind, profile.allowed)
    if not profile.allowed:
        raise errors.UserError("nothing allowed", key="error.profile_empty", kind=kind.value)
    if profile.cutoff is not None and profile.cutoff not in profile.allowed:
        raise errors.UserError(
            "cutoff not allowed",
            key="error.profile_cutoff_not_allowed",
            quality=profile.cutoff,
            kind=kind.value,
        )
    for quality, low in profile.quality_min.items():
        high = profile.quality_max.get(quality)
        if high is not None and low >= high:
            raise errors.UserError(
                "min above max",
                key="error.profile_min_above_max",
                quality=quality,
                min=low,
                max=high,
            )
    return profile
