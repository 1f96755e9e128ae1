"""Keeps secrets out of log lines, error texts and reprs, at every sink.

Two nets: every secret value Outpost handles is registered here (by `Secret` and by the HTTP
layer), and well-known secret shapes (``apikey=`` query values, bearer tokens, Telegram bot
tokens, cookies, JSON password fields) are masked even when nobody registered them.
"""

from __future__ import annotations

import hmac
import logging
import re
import threading
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "***"

# Names whose value is secret even with a glued prefix ("ControlPassword", "jackett_apikey").
_STRONG = re.compile(
    r"(?:api_?key|access_?token|token|pass_?key|password|passwd|pwd|secret|auth_?key|"
    r"rss_?key|torrent_?pass|authorization|credentials?)$"
)
# Names that are secret only as a whole word or after a separator ("X-Api-Key", "sid").
_WEAK = frozenset({"key", "pass", "auth", "sid", "session", "sessionid", "cookie", "username"})
# Header names whose whole value, to the end of the line, is secret.
_HEADERS = r"(?:proxy-)?authorization|set-cookie|cookie"

_NAME = r"[A-Za-z0-9_.-]{1,64}"
_EDGE = r"(?<![A-Za-z0-9_.-])"  # a name starts a run, so each run is tried once (linear time)
_HEADER_LINE = re.compile(rf"(?i)\b((?:{_HEADERS})\s*:\s*)\S[^\r\n]*")
_QUERY = re.compile(rf"{_EDGE}({_NAME})=([^&\s\"'<>;,]+)")
_COLON = re.compile(rf"{_EDGE}({_NAME})(\s*:\s*)([^\s\"',;{{}}\[\]]+)")
_QUOTED = re.compile(rf"([\"'])({_NAME})\1(\s*:\s*)([\"'])((?:\\.|(?!\4)[^\\\n])*)\4")
_NAME_VALUE = re.compile(  # NZBGet config: {"Name": "ControlPassword", "Value": "..."}
    rf"(\"Name\"\s*:\s*\"({_NAME})\"\s*,\s*\"Value\"\s*:\s*\")((?:\\.|[^\"\\])*)\""
)
_SHAPES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"), rf"\1{MASK}"),
    # Telegram bot tokens anywhere, including URL paths: bot123456:AA...
    (re.compile(r"\b(bot)?\d{5,}:[A-Za-z0-9_-]{20,}"), rf"\1{MASK}"),
    # Discord webhook URLs: /api/webhooks/<id>/<token>
    (re.compile(r"(?i)(/webhooks/\d+/)[A-Za-z0-9._-]+"), rf"\1{MASK}"),
    # user:password@ in URLs
    (re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@/\s]+@"), rf"\1{MASK}@"),
)

_known: tuple[str, ...] = ()  # longest first, so a secret containing another is masked whole
_lock = threading.Lock()
_MIN_LEN = 4  # shorter values would mask ordinary words


def is_secret_name(name: str) -> bool:
    """True for a parameter, field or header name whose value must be masked."""
    lowered = name.lower().replace("-", "_")
    if _STRONG.search(lowered):
        return True
    last = re.split(r"[_.]", lowered)[-1]
    return last in _WEAK


def _variants(value: str) -> set[str]:
    # A secret travels percent-encoded in URLs and form bodies: mask those spellings too.
    return {value, quote(value, safe=""), quote_plus(value, safe="")}


def register(*values: str | None) -> None:
    """Remember secret values so that they are masked wherever they appear."""
    global _known
    fresh = {v for value in values if value and len(value) >= _MIN_LEN for v in _variants(value)}
    if not fresh:
        return
    with _lock:
        if fresh.issubset(_known):
            return
        _known = tuple(sorted(fresh.union(_known), key=len, reverse=True))


def redact(text: str, extra: Iterable[str] = ()) -> str:
    """Return `text` with every known secret and every secret-shaped value masked."""
    if not text:
        return text
    values: Iterable[str] = _known
    more = {v for value in extra if value and len(value) >= _MIN_LEN for v in _variants(value)}
    if more:
        values = sorted(more.union(_known), key=len, reverse=True)
    for value in values:
        if value in text:
            text = text.replace(value, MASK)
    return _mask_shapes(text)


def _mask_shapes(text: str) -> str:
    text = _HEADER_LINE.sub(rf"\1{MASK}", text)
    text = _QUERY.sub(_mask_pair, text)
    text = _QUOTED.sub(_mask_quoted, text)
    text = _NAME_VALUE.sub(_mask_name_value, text)
    text = _COLON.sub(_mask_colon, text)
    for pattern, replacement in _SHAPES:
        text = pattern.sub(replacement, text)
    return text


def _mask_pair(match: re.Match[str]) -> str:
    name = match[1]
    return f"{name}={MASK}" if is_secret_name(name) else match[0]


def _mask_quoted(match: re.Match[str]) -> str:
    quote_, name, colon, value_quote = match[1], match[2], match[3], match[4]
    if not is_secret_name(name) or not match[5]:
        return match[0]
    return f"{quote_}{name}{quote_}{colon}{value_quote}{MASK}{value_quote}"


def _mask_name_value(match: re.Match[str]) -> str:
    return f'{match[1]}{MASK}"' if is_secret_name(match[2]) else match[0]


def _mask_colon(match: re.Match[str]) -> str:
    # "password: x" is a label; "auth: failed" is prose, so only strong names count here.
    name, colon, value = match[1], match[2], match[3]
    if value == MASK or not _STRONG.search(name.lower().replace("-", "_")):
        return match[0]
    return f"{name}{colon}{MASK}"


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
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(other._value.encode(), self._value.encode())

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
            message = f"{record.msg} {record.args!r}"
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
