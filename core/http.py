"""The one way adapters speak HTTP: timeouts, a deadline, retries, rate limits, a size cap, redaction.

Each external service gets one `HttpService` (one pooled `httpx.AsyncClient`, one rate limiter),
built by the composition root and injected into its adapter. Errors leave as `core.errors` types
whose text holds only redacted URLs; the httpx exception is never chained, because its text
carries the raw URL.
"""

from __future__ import annotations

import asyncio
import email.utils
import json as _json
import logging
import random
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from aiolimiter import AsyncLimiter

from core import errors
from core.redact import redact, register

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({500, 502, 503, 504, 429})


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    """Limits for one service. `deadline` bounds a whole call: every attempt, wait and byte."""

    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    deadline: float = 30.0
    retries: int = 2
    backoff: float = 0.5  # first wait; doubles per attempt, with jitter
    max_backoff: float = 8.0
    max_retry_after: float = 60.0  # a peer's Retry-After is clamped to this
    max_bytes: int = 10 * 1024 * 1024
    rate: tuple[float, float] | None = None  # (requests, per seconds) for aiolimiter


# Budgets the services publish; indexers are configured per indexer.
TMDB_POLICY = HttpPolicy(rate=(40, 10.0))
MUSICBRAINZ_POLICY = HttpPolicy(rate=(1, 1.0))


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    headers: httpx.Headers
    content: bytes
    url: str  # redacted

    @property
    def text(self) -> str:
        return self.content.decode(_charset(self.headers), errors="replace")

    def json(self) -> Any:
        """Strict JSON: NaN/Infinity refused, runaway nesting and huge numbers become BadResponse."""
        try:
            return _json.loads(self.content.decode("utf-8-sig"), parse_constant=_reject_constant)
        except (ValueError, RecursionError, UnicodeDecodeError) as err:
            raise errors.BadResponse(
                f"invalid JSON from {self.url}: {type(err).__name__}", key="error.bad_json"
            ) from None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def _charset(headers: httpx.Headers) -> str:
    for part in headers.get("content-type", "").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"'")
    return "utf-8"


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or HTTP-date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


class HttpService:
    """One service's HTTP client. Cookies persist across calls (logins)."""

    def __init__(
        self,
        service: str,
        policy: HttpPolicy | None = None,
        *,
        base_url: str = "",
        headers: Mapping[str, str] | None = None,
        secrets: Iterable[str | None] = (),
        transport: httpx.AsyncBaseTransport | None = None,
        verify: bool = True,
    ) -> None:
        self.service = service
        self.policy = policy or HttpPolicy()
        self._secrets = [s for s in secrets if s]
        register(*self._secrets)
        p = self.policy
        self._limiter = AsyncLimiter(p.rate[0], p.rate[1]) if p.rate else None
        self._client = httpx.AsyncClient(
            base_url=base_url,
            headers={"User-Agent": "Outpost/0.1", **(headers or {})},
            timeout=httpx.Timeout(p.read_timeout, connect=p.connect_timeout),
            follow_redirects=False,
            transport=transport,
            verify=verify,
        )

    def __repr__(self) -> str:
        return f"HttpService({self.service!r})"

    def add_secret(self, *values: str | None) -> None:
        self._secrets.extend(v for v in values if v)
        register(*values)

    @property
    def cookies(self) -> httpx.Cookies:
        return self._client.cookies

    async def __aenter__(self) -> HttpService:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(self, url: str, **kwargs: Any) -> HttpResponse:
        return await self.request("GET", url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> HttpResponse:
        return await self.request("POST", url, **kwargs)

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        files: Any = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        deadline: float | None = None,
        retries: int | None = None,
    ) -> HttpResponse:
        """Send one call. 4xx (but 429) come back to the caller; 5xx, 429 and network
        errors are retried, then raised as `Unavailable`, `RateLimited` or `Unreachable`."""
        request = self._client.build_request(
            method, url, params=params, data=data, files=files, json=json, headers=headers
        )
        safe_url = self.redact(str(request.url))
        limit = max_bytes or self.policy.max_bytes
        budget = deadline or self.policy.deadline
        try:
            async with asyncio.timeout(budget):
                return await self._attempts(request, safe_url, limit, retries, budget)
        except TimeoutError:
            raise errors.Timeout(
                f"{self.service}: no complete answer from {safe_url} within {budget:g} s",
                service=self.service,
            ) from None

    def redact(self, text: str) -> str:
        return redact(text, self._secrets)

    async def _attempts(
        self,
        request: httpx.Request,
        safe_url: str,
        limit: int,
        retries: int | None,
        budget: float,
    ) -> HttpResponse:
        started = time.monotonic()
        attempts = 1 + (self.policy.retries if retries is None else retries)
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            try:
                response = await self._send(request, safe_url, limit)
            except httpx.TransportError as err:
                if last:
                    raise self._transport_error(err, safe_url) from None
                await self._sleep(self._backoff(attempt), started, budget, None, safe_url)
                continue
            if response.status not in RETRY_STATUSES:
                return response
            wait = parse_retry_after(response.headers.get("retry-after"))
            if wait is not None:
                wait = min(wait, self.policy.max_retry_after)
            if last:
                raise self._status_error(response, wait)
            log.debug("%s: HTTP %s from %s, retrying", self.service, response.status, safe_url)
            await self._sleep(
                wait if wait is not None else self._backoff(attempt),
                started,
                budget,
                response,
                safe_url,
            )
        raise AssertionError("unreachable")  # pragma: no cover

    async def _sleep(
        self,
        seconds: float,
        started: float,
        budget: float,
        response: HttpResponse | None,
        safe_url: str,
    ) -> None:
        """Wait before a retry, unless the wait would outlive the call's deadline."""
        if time.monotonic() - started + seconds >= budget:
            if response is not None:
                raise self._status_error(response, seconds)
            raise errors.Unreachable(
                f"{self.service}: {safe_url} unreachable and no time left to retry",
                service=self.service,
            )
        await asyncio.sleep(seconds)

    def _backoff(self, attempt: int) -> float:
        base = min(self.policy.backoff * 2 ** (attempt - 1), self.policy.max_backoff)
        return base * (0.5 + random.random() / 2)

    async def _send(self, request: httpx.Request, safe_url: str, limit: int) -> HttpResponse:
        if self._limiter is not None:
            await self._limiter.acquire()
        response = await self._client.send(request, stream=True)
        try:
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise self._too_large(safe_url, limit)
            body = bytearray()
            async for chunk in response.aiter_bytes():  # decoded bytes: a gzip bomb counts in full
                body += chunk
                if len(body) > limit:
                    raise self._too_large(safe_url, limit)
        finally:
            await response.aclose()
        return HttpResponse(response.status_code, response.headers, bytes(body), safe_url)

    def _too_large(self, safe_url: str, limit: int) -> errors.ResponseTooLarge:
        return errors.ResponseTooLarge(
            f"{self.service}: answer from {safe_url} is larger than {limit} bytes",
            service=self.service,
            limit=limit,
        )

    def _transport_error(self, err: httpx.TransportError, safe_url: str) -> errors.Unreachable:
        kind = errors.Timeout if isinstance(err, httpx.TimeoutException) else errors.Unreachable
        return kind(
            f"{self.service}: cannot reach {safe_url} ({type(err).__name__})",
            service=self.service,
        )

    def _status_error(self, response: HttpResponse, wait: float | None) -> errors.AdapterError:
        if response.status == 429:
            return errors.RateLimited(
                f"{self.service}: rate limited by {response.url}",
                service=self.service,
                retry_after=wait,
            )
        return errors.Unavailable(
            f"{self.service}: HTTP {response.status} from {response.url}",
            service=self.service,
            status=response.status,
        )


def raise_for_status(response: HttpResponse, service: str) -> None:
    """Map a 4xx the adapter did not handle itself: 401/403 → AuthFailed, others → BadResponse."""
    if response.status in (401, 403):
        raise errors.AuthFailed(
            f"{service}: HTTP {response.status} from {response.url}", service=service
        )
    if response.status >= 400:
        raise errors.BadResponse(
            f"{service}: HTTP {response.status} from {response.url}",
            service=service,
            status=response.status,
        )
