"""Keeps secrets out of log lines, error texts and reprs, at every sink.

Two nets: every secret value Outpost handles is registered here (by `Secret` and by the HTTP
layer), and well-known secret shapes (``apikey=`` query values, bearer tokens, Telegram bot
tokens, cookies, JSON password fields) are masked even when nobody registered them.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

MASK = "***"

_PARAM_NAMES = (
    r"api[_-]?key|apikey|access[_-]?token|token|passkey|pass|passwd|password|auth|authkey|"
    r"secret|sid|session[_-]?id|key|cookie|x-api-key|rss[_-]?key"
)
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # query strings and form bodies: ?apikey=abc&x / password=abc
    (re.compile(rf"(?i)(\b(?:{_PARAM_NAMES})=)[^&\s\"'<>;,]+"), rf"\1{MASK}"),
    # JSON or dict reprs: "password": "abc" / 'api_key': 'abc'
    (
        re.compile(rf"(?i)([\"'](?:{_PARAM_NAMES})[\"']\s*:\s*[\"'])[^\"']*"),
        rf"\1{MASK}",
    ),
    # Authorization headers
    (re.compile(r"(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{6,}"), rf"\1 {MASK}"),
    # Telegram bot tokens anywhere, including URL paths: bot123456:AA...
    (re.compile(r"\b(bot)?\d{5,}:[A-Za-z0-9_-]{20,}"), rf"\1{MASK}"),
    # Cookies and Set-Cookie values
    (re.compile(r"(?i)\b(SID|session|sessionid|_session)=([^;\s]+)"), rf"\1={MASK}"),
    # user:password@ in URLs
    (re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@/\s]+@"), rf"\1{MASK}@"),
)

_known: set[str] = set()
_lock = threading.Lock()
_MIN_LEN = 4  # shorter values would mask ordinary words


def register(*values: str | None) -> None:
    """Remember secret values so that they are masked wherever they appear."""
    with _lock:
        for value in values:
            if value and len(value) >= _MIN_LEN:
                _known.add(value)


def redact(text: str, extra: Iterable[str] = ()) -> str:
    """Return `text` with every known secret and every secret-shaped value masked."""
    if not text:
        return text
    with _lock:
        values = sorted(_known.union(v for v in extra if v and len(v) >= _MIN_LEN), key=len)
    for value in reversed(values):  # longest first, so a secret containing another is masked whole
        if value in text:
            text = text.replace(value, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class Secret:
    """A secret string whose repr and str never show the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        register(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


class RedactingFilter(logging.Filter):
    """Masks secrets in the formatted message and the traceback of every record it sees.

    Attach it to handlers, not loggers: a logger's filters do not run for records that
    propagate up from child loggers.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def configure_logging(level: int = logging.INFO, handler: logging.Handler | None = None) -> None:
    """Route logs through the redacting filter and quiet the libraries that log request URLs."""
    root = logging.getLogger()
    if handler is None:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if not any(isinstance(f, RedactingFilter) for f in handler.filters):
        handler.addFilter(RedactingFilter())
    if handler not in root.handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "aiosqlite", "tortoise"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
