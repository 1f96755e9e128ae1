"""Why the first release of a ranked list is first: what it wins on against the second."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.releases.profiles import QualityProfile
from core.releases.ranking import Verdict


@dataclass(frozen=True, slots=True)
class WhyFirst:
    """The first accepted release and the reason code (frontends say `releases.why.{code}`)."""

    verdict: Verdict
    code: str


def why_first(verdicts: Sequence[Verdict], profile: QualityProfile) -> WhyFirst | None:
    """None when nothing fits; else the first rule of the ranking on which #1 beats #2."""
    accepted = [v for v in verdicts if v.accepted]
    if not accepted:
        return None
    first = accepted[0]
    preferred = profile.preferred(first.quality)
    if len(accepted) == 1:
        return WhyFirst(first, "preferred_only" if preferred else "only_fit")
    second = accepted[1]
    if first.score > second.score:
        return WhyFirst(first, "preferred_quality" if preferred else "better_quality")
    a, b = first.release, second.release
    if a.download_volume_factor == 0.0 and b.download_volume_factor != 0.0:
        return WhyFirst(first, "freeleech")
    if (a.seeders or 0) > (b.seeders or 0):
        return WhyFirst(first, "more_seeders")
    return WhyFirst(first, "usual_size")
