"""HTTP wire details: Retry-After, charset, and Content-Encoding decoding bounded by a cap."""

from __future__ import annotations

import email.utils
import time
import zlib
from datetime import UTC
from typing import Any

import httpx


def reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def charset(headers: httpx.Headers) -> str:
    for part in str(headers.get("content-type", "")).split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return str(value.strip("\"'"))
    return "utf-8"


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP-date); None if absent or bad.

    A date in the past means 0; a negative or non-numeric count is bad. Clamping to a
    maximum is the caller's policy.
    """
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        return _seconds_until(value, time.time() if now is None else now)
    if seconds != seconds or seconds < 0:  # NaN, or a negative count
        return None
    return seconds


def _seconds_until(value: str, now: float) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is None:  # "-0000" means UTC with unknown origin
            when = when.replace(tzinfo=UTC)
        return max(0.0, when.timestamp() - now)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


class Decoder:
    """Content-Encoding decoder that never inflates more than the room left under the cap."""

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding.strip().lower()
        self._first = True
        self._zlib: Any = None
        if self._encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self._encoding == "deflate":
            self._zlib = zlib.decompressobj()
        elif self._encoding not in ("", "identity"):
            raise ValueError(f"unsupported content-encoding {self._encoding[:32]!r}")

    def feed(self, data: bytes, room: int) -> bytes:
        """Decode `data`; at most room + 1 bytes come out, so passing the cap shows."""
        if self._zlib is None:
            return data
        first, self._first = self._first, False
        try:
            return bytes(self._zlib.decompress(data, room + 1))
        except zlib.error:
            if not (first and self._encoding == "deflate"):
                raise
            # Some servers send raw deflate without the zlib header.
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            return bytes(self._zlib.decompress(data, room + 1))

    def flush(self) -> bytes:
        return b"" if self._zlib is None else bytes(self._zlib.flush())
