"""Total converters from feed text to clean values: each returns None rather than raising."""

from __future__ import annotations

import base64
import binascii
import html
import math
import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qs, urljoin, urlsplit

MAX_TITLE = 512
MAX_SIZE = 2**50  # 1 PiB: anything larger is a lie, not a release
MAX_COUNT = 10**9
MAX_URL = 8192

_HEX40 = re.compile(r"[0-9a-fA-F]{40}")
_BASE32 = re.compile(r"[A-Za-z2-7]{32}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_ABSOLUTE = re.compile(r"(?i)https?://[^\s/?#\\]+[/?#][^\s]*\Z|https?://[^\s/?#\\]+\Z")
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3}, )?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)"
)
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_ZONES: dict[str, timezone] = {}
_DIGITS = re.compile(r"(?:tt)?0*([0-9]{1,10})", re.IGNORECASE)


def title(raw: str | None) -> str | None:
    """Trimmed, control characters removed, HTML-unescaped once (double-encoded feeds), capped."""
    text = (raw or "")[: MAX_TITLE * 4]
    if "&" in text:
        text = html.unescape(text)
    if not text.isprintable():  # printable text has no control characters: skip the regex
        text = _CONTROL.sub(" ", text)
    text = text.strip()
    return text[:MAX_TITLE].rstrip() or None


def number(raw: str | None, ceiling: int) -> int | None:
    """A non-negative integer up to `ceiling`; floats are accepted, NaN/inf/negatives are not."""
    if raw is not None and raw.isdigit() and raw.isascii() and len(raw) <= 32:  # the usual
        whole = int(raw)
        return whole if whole <= ceiling else None
    text = (raw or "").strip()
    if not text or len(text) > 32:
        return None
    try:
        value = float(text) if not (text.isascii() and text.isdigit()) else int(text)
    except ValueError:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return int(value) if 0 <= value <= ceiling else None


def size(raw: str | None) -> int | None:
    value = number(raw, MAX_SIZE)
    return value or None  # a zero size is "unknown" in every feed we have seen


def count(raw: str | None) -> int | None:
    return number(raw, MAX_COUNT)


def factor(raw: str | None) -> float | None:
    try:
        value = float((raw or "").strip()[:32])
    except ValueError:
        return None
    return value if math.isfinite(value) and 0.0 <= value <= 100.0 else None


def info_hash(raw: str | None) -> str | None:
    """Lower-case hex from a 40-char hex or a 32-char base32 hash."""
    text = (raw or "").strip()
    if _HEX40.fullmatch(text):
        return text.lower()
    if _BASE32.fullmatch(text):
        try:
            return base64.b32decode(text.upper()).hex()
        except binascii.Error:
            return None
    return None


def magnet(raw: str | None) -> str | None:
    text = (raw or "").strip()
    return text if text[:7].lower() == "magnet:" and len(text) <= MAX_URL else None


def magnet_hash(url: str) -> str | None:
    for value in parse_qs(urlsplit(url).query).get("xt", ()):
        if value[:9].lower() == "urn:btih:":
            return info_hash(value[9:])
    return None


def web_url(raw: str | None, base: str) -> str | None:
    """An absolute http(s) URL, relative ones resolved against the indexer's base URL."""
    text = (raw or "").strip()
    if not text or len(text) > MAX_URL or text[:7].lower() == "magnet:":
        return None
    if _ABSOLUTE.match(text):  # the common case, without urljoin's cost
        return text
    try:
        absolute = urljoin(base, text)
        scheme = urlsplit(absolute).scheme.lower()
    except ValueError:
        return None
    return absolute if scheme in ("http", "https") else None


def published(raw: str | None) -> datetime | None:
    """RFC 822 date; a feed without a zone is taken as UTC, a bad one as unknown."""
    text = (raw or "").strip()[:64]
    if not text:
        return None
    fast = _rfc822_fast(text)
    if fast is not None:
        return fast
    try:
        when: datetime | None = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        when = _iso_date(text)  # some Newznab forks (wtfnzb) send "2024-07-05 06:43:15"
    if when is None:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _rfc822_fast(text: str) -> datetime | None:
    """The shape nearly every feed uses, "Sat, 14 Mar 2015 17:10:42 -0400", at regex speed."""
    match = _RFC822.fullmatch(text)
    month = _MONTHS.get(match.group(2).lower()) if match else None
    if match is None or month is None:
        return None
    day, _, year, hour, minute, second, sign, zh, zm = match.groups()
    try:
        return datetime(
            int(year), month, int(day), int(hour), int(minute), int(second),
            tzinfo=_zone(sign, zh, zm),
        )  # fmt: skip
    except ValueError:
        return None


def _zone(sign: str, hours: str, minutes: str) -> timezone:
    """Feeds use a handful of offsets: build each once (timezone() is a good part of the cost)."""
    key = sign + hours + minutes
    zone = _ZONES.get(key)
    if zone is None:
        offset = timedelta(hours=int(hours), minutes=int(minutes)) * (-1 if sign == "-" else 1)
        zone = timezone(offset)
        if len(_ZONES) < 64:
            _ZONES[key] = zone
    return zone


def _iso_date(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def imdb_id(raw: str | None) -> str | None:
    match = _DIGITS.fullmatch((raw or "").strip())
    if not match or not int(match.group(1)):
        return None
    return f"tt{int(match.group(1)):07d}"


def small_id(raw: str | None) -> int | None:
    value = number(raw, 2**31 - 1)
    return value or None
