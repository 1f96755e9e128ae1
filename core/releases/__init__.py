"""Release names: parsing, matching against wanted media, and ranking by quality profile."""

from core.releases.parsing import parse
from core.releases.quality import quality_name

__all__ = ["parse", "quality_name"]
