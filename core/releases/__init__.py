"""Release names: parsing, matching against wanted media, and ranking by quality profile."""

from core.releases.anime import parse_anime
from core.releases.books import parse_audiobook, parse_book
from core.releases.matching import Rejection, Wanted, normalize_title
from core.releases.music import parse_music
from core.releases.parsing import parse
from core.releases.profiles import DEFAULT_PROFILE, QualityProfile, default_profile
from core.releases.quality import quality_name
from core.releases.ranking import Verdict, evaluate, rank, release_key

__all__ = [
    "DEFAULT_PROFILE",
    "QualityProfile",
    "Rejection",
    "Verdict",
    "Wanted",
    "default_profile",
    "evaluate",
    "normalize_title",
    "parse",
    "parse_anime",
    "parse_audiobook",
    "parse_book",
    "parse_music",
    "quality_name",
    "rank",
    "release_key",
]
