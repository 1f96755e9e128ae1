"""Release names: parsing, matching against wanted media, and ranking by quality profile."""

from core.releases.matching import Rejection, Wanted, normalize_title
from core.releases.parsing import parse
from core.releases.profiles import DEFAULT_PROFILE, QualityProfile
from core.releases.quality import quality_name
from core.releases.ranking import Verdict, evaluate, rank, release_key

__all__ = [
    "DEFAULT_PROFILE",
    "QualityProfile",
    "Rejection",
    "Verdict",
    "Wanted",
    "evaluate",
    "normalize_title",
    "parse",
    "quality_name",
    "rank",
    "release_key",
]
