"""The one way adapters speak HTTP: timeouts, deadline, retries, rate limits, size cap, redaction.

Each external service gets one `HttpService` (one pooled `httpx.AsyncClient`, one rate limiter),
built by the composition root and injected into its adapter. Errors leave as `core.errors` types
whose text holds only redacted URLs; the httpx exception is never chained, because its text
carries the raw URL.
"""

from __future__ import annotations

import asyncio
import json as _json
import logging
import random
import ssl
import time
import weakref
import zlib
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiolimiter import AsyncLimiter

from core import errors
from core.httpwire import Decoder, charset, parse_retry_after, reject_constant
from core.redact import is_secret_name, redact, register

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({500, 502, 503, 504, 429})
RETRY_AFTER_STATUSES = frozenset({429, 503})
_COOKIE_SECRET_LEN = 8  # shorter cookie values are flags ("lang=en"), not sessions


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
    # Seconds between two calls to one host (host:port) from anywhere in the process: every
    # HttpService with this policy shares one pacer per host (MusicBrainz's 1 per second).
    host_interval: float | None = None


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """A complete, size-checked answer. `content` is decoded; the repr shows no body or headers."""

    status: int
    headers: httpx.Headers = field(repr=False)
    content: bytes = field(repr=False)
    url: str  # redacted

    @property
    def text(self) -> str:
        try:
            return self.content.decode(charset(self.headers), errors="replace")
        except LookupError:  # a charset Python does not know
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """Strict JSON: NaN/Infinity refused; runaway nesting and huge numbers are BadResponse."""
        try:
            return _json.loads(self.content.decode("utf-8-sig"), parse_constant=reject_constant)
        except (ValueError, RecursionError, UnicodeDecodeError) as err:
            raise errors.ProtocolMismatch(
                f"invalid JSON from {self.url}: {type(err).__name__}", key="error.bad_json"
            ) from None

    @property
    def content_type(self) -> str:
        return str(self.headers.get("content-type", "")).split(";")[0].strip().lower()


class HostPacer:
    """One call at a time to a host, the next starting `interval` seconds after the previous
    answer ended: counted at the peer, two calls can then never arrive closer than that.
    A peer's Retry-After pushes the next start back for every caller."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._lock = asyncio.Lock()
        self._free_at = 0.0

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        async with self._lock:
            wait = self._free_at - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                yield
            finally:
                self._free_at = max(self._free_at, time.monotonic() + self.interval)

    def hold(self, seconds: float) -> None:
        """Start nobody's call before `seconds` from now (the peer asked us to slow down)."""
        self._free_at = max(self._free_at, time.monotonic() + seconds)


# Pacers by event loop, then host: one running process has one loop; a lock cannot cross loops.
_PACERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, HostPacer]] = (
    weakref.WeakKeyDictionary()
)


def host_pacer(host: str, interval: float) -> HostPacer:
    """The process's pacer for `host` ("musicbrainz.org:443"); the longest interval asked wins."""
    pacers = _PACERS.setdefault(asyncio.get_running_loop(), {})
    pacer = pacers.get(host)
    if pacer is None:
        pacer = pacers[host] = HostPacer(interval)
    pacer.interval = max(pacer.interval, interval)
    return pacer


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
        verify: bool | str | ssl.SSLContext = True,
    ) -> None:
        self.service = service
        self.policy = policy or HttpPolicy()
        self._secrets: list[str] = []
        self._headers = dict(headers or {})
        self.add_secret(*secrets, *_header_secrets(self._headers))  # masked from the first line
        self._base_url = base_url
        self._transport = transport
        self._verify = verify
        self._client_: httpx.AsyncClient | None = None
        self._limiter_: AsyncLimiter | None = None

    def __repr__(self) -> str:
        return f"HttpService({self.service!r})"

    @property
    def _client(self) -> httpx.AsyncClient:
        """The pooled client, built on first use (building loads certificates: not in __init__)."""
        if self._client_ is None:
            p = self.policy
            self._client_ = httpx.AsyncClient(
                base_url=self._base_url,
                # Only encodings Decoder can bound; never br/zstd, which httpx may advertise.
                headers={"User-Agent": "Outpost/0.1", "Accept-Encoding": "gzip, deflate"}
                | self._headers,
                timeout=httpx.Timeout(p.read_timeout, connect=p.connect_timeout),
                follow_redirects=False,
                transport=self._transport,
                verify=self._verify,
            )
        return self._client_

    def add_secret(self, *values: str | None) -> None:
        self._secrets.extend(v for v in values if v and v not in self._secrets)
        register(*values)

    @property
    def cookies(self) -> httpx.Cookies:
        return self._client.cookies

    async def __aenter__(self) -> HttpService:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        client, self._client_ = self._client_, None
        if client is not None:
            await client.aclose()

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
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        deadline: float | None = None,
        retries: int | None = None,
    ) -> HttpResponse:
        """Send one call. 4xx (but 429) come back to the caller; 5xx, 429 and network
        errors are retried, then raised as `Unavailable`, `RateLimited` or `Unreachable`."""
        if headers:
            self.add_secret(*_header_secrets(headers))
        request = self._build(method, url, params, data, files, json, headers, content)
        safe_url = self.redact(str(request.url))
        limit = self.policy.max_bytes if max_bytes is None else max_bytes
        budget = self.policy.deadline if deadline is None else deadline
        attempts = 1 + (self.policy.retries if retries is None else max(0, retries))
        timer = asyncio.timeout(budget)
        try:
            async with timer:
                return await self._attempts(request, safe_url, limit, attempts, budget)
        except TimeoutError:
            if not timer.expired():
                raise
            raise errors.Timeout(
                f"{self.service}: no complete answer from {safe_url} within {budget:g} s",
                service=self.service,
            ) from None

    def redact(self, text: str) -> str:
        return redact(text, self._secrets)

    def _build(self, method: str, url: str, *args: Any) -> httpx.Request:
        params, data, files, json, headers, content = args
        try:
            request = self._client.build_request(
                method,
                url,
                params=params,
                data=data,
                files=files,
                json=json,
                content=content,  # a raw body: XML-RPC
                headers=headers,
            )
        except httpx.InvalidURL as err:
            raise self._bad_url(url, type(err).__name__) from None
        if request.url.scheme not in ("http", "https"):
            raise self._bad_url(url, "not http(s)")
        return request

    def _bad_url(self, url: str, why: str) -> errors.UserError:
        return errors.UserError(
            f"{self.service}: cannot call {self.redact(url)} ({why})",
            key="error.bad_url",
            url=self.redact(url)[:200],
        )

    async def _attempts(
        self, request: httpx.Request, safe_url: str, limit: int, attempts: int, budget: float
    ) -> HttpResponse:
        started = time.monotonic()
        for attempt in range(1, attempts + 1):
            last = attempt == attempts
            try:
                response = await self._send(request, safe_url, limit)
            except httpx.TransportError as err:
                if last:
                    raise self._transport_error(err, safe_url) from None
                log.debug("%s: %s from %s, retrying", self.service, type(err).__name__, safe_url)
                await self._sleep(self._backoff(attempt), started, budget, None, safe_url)
                continue
            if response.status not in RETRY_STATUSES:
                return response
            wait = self._retry_after(response)
            if last:
                raise self._status_error(response, wait)
            log.debug("%s: HTTP %s from %s, retrying", self.service, response.status, safe_url)
            pause = wait if wait is not None else self._backoff(attempt)
            await self._sleep(pause, started, budget, response, safe_url)
        raise AssertionError("unreachable")  # pragma: no cover

    def _retry_after(self, response: HttpResponse) -> float | None:
        """The peer's Retry-After on 429/503, clamped: a peer must not park us for a day."""
        if response.status not in RETRY_AFTER_STATUSES:
            return None
        wait = parse_retry_after(response.headers.get("retry-after"))
        return None if wait is None else min(wait, self.policy.max_retry_after)

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
        base = min(self.policy.backoff * 2.0 ** (attempt - 1), self.policy.max_backoff)
        return base * (0.5 + random.random() / 2)

    async def _send(self, request: httpx.Request, safe_url: str, limit: int) -> HttpResponse:
        if self.policy.host_interval is None:
            return await self._exchange(request, safe_url, limit)
        host = f"{request.url.host}:{request.url.port or request.url.scheme}"
        pacer = host_pacer(host, self.policy.host_interval)
        async with pacer.turn():
            response = await self._exchange(request, safe_url, limit)
            wait = self._retry_after(response)
            if wait is not None:
                pacer.hold(wait)
            return response

    async def _exchange(self, request: httpx.Request, safe_url: str, limit: int) -> HttpResponse:
        if self._limiter is not None:
            await self._limiter.acquire()
        response = await self._client.send(request, stream=True)
        try:
            self._remember_cookies(response)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise self._too_large(safe_url, limit)
            body = await self._read(response, safe_url, limit)
        finally:
            await response.aclose()
        return HttpResponse(response.status_code, response.headers, body, safe_url)

    async def _read(self, response: httpx.Response, safe_url: str, limit: int) -> bytes:
        """Read and decode the body, counting decoded bytes: a gzip bomb stops at the cap."""
        try:
            decoder = Decoder(response.headers.get("content-encoding", ""))
            body = bytearray()
            async for raw in response.aiter_raw():
                body += decoder.feed(raw, limit - len(body))
                if len(body) > limit:
                    raise self._too_large(safe_url, limit)
            body += decoder.flush()
        except (ValueError, zlib.error) as err:
            raise errors.BadResponse(
                f"{self.service}: undecodable body from {safe_url} ({err})",
                service=self.service,
                key="error.bad_encoding",
            ) from None
        if len(body) > limit:
            raise self._too_large(safe_url, limit)
        return bytes(body)

    @property
    def _limiter(self) -> AsyncLimiter | None:
        if self._limiter_ is None and self.policy.rate is not None:
            self._limiter_ = AsyncLimiter(*self.policy.rate)
        return self._limiter_

    def _remember_cookies(self, response: httpx.Response) -> None:
        # Session cookies (qBittorrent SID, tracker logins) are secrets nobody registered.
        for header in response.headers.get_list("set-cookie"):
            value = header.split(";", 1)[0].partition("=")[2].strip().strip('"')
            if len(value) >= _COOKIE_SECRET_LEN:
                self.add_secret(value)

    def _too_large(self, safe_url: str, limit: int) -> errors.ResponseTooLarge:
        return errors.ResponseTooLarge(
            f"{self.service}: answer from {safe_url} is larger than {limit} bytes",
            service=self.service,
            limit=limit,
        )

    def _transport_error(self, err: httpx.TransportError, safe_url: str) -> errors.Unreachable:
        kind: type[errors.Unreachable] = errors.Unreachable
        if isinstance(err, httpx.TimeoutException):
            kind = errors.Timeout
        elif _caused_by(err, ConnectionRefusedError):
            kind = errors.Refused
        elif isinstance(err, httpx.RemoteProtocolError | httpx.ReadError):
            kind = errors.Dropped  # another protocol on that port, or a peer that hung up
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


def _header_secrets(headers: Mapping[str, str]) -> list[str]:
    """Values of secret headers ("X-Api-Key", "Authorization: Bearer t" gives the line and t)."""
    found: list[str] = []
    for name, value in headers.items():
        if is_secret_name(name) and value.strip():
            found += {value, value.split()[-1]}
    return found


def _caused_by(err: BaseException, kind: type[BaseException]) -> bool:
    """Whether `kind` is in the chain of causes (httpx wraps httpcore, which wraps OSError)."""
    seen: BaseException | None = err
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def basic_realm(response: HttpResponse) -> str | None:
    """The realm of a 401's Basic challenge (`Basic realm="Transmission"`), if it names one:
    a program that answers with another realm than its own is not that program."""
    challenge = str(response.headers.get("www-authenticate", ""))
    scheme, _, rest = challenge.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    for part in rest.split(","):
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "realm":
            return value.strip().strip('"')[:80]
    return None


def raise_for_status(response: HttpResponse, service: str) -> None:
    """Map a 4xx the adapter did not handle itself: 401/403 → AuthFailed (with the realm of a
    Basic challenge), others → ProtocolMismatch (no API of ours answers them to a good call)."""
    if response.status in (401, 403):
        raise errors.AuthFailed(
            f"{service}: HTTP {response.status} from {response.url}",
            service=service,
            realm=basic_realm(response),
        )
    if response.status >= 400:
        raise errors.ProtocolMismatch(
            f"{service}: HTTP {response.status} from {response.url}",
            service=service,
            status=response.status,
        )
