"""How an adapter declares itself: a frozen `Settings` dataclass whose fields carry their metadata.

An adapter class carries `kind`, `category`, `protocols`, `Settings`, `policy` and a classmethod
`build(name, settings, http, cache)`; a download client may also declare where its program
usually listens, `usual_port = UsualPort(8080, "qBittorrent")` (core.portcheck), which lets
`doctor` and `client add` say when a URL's port looks wrong. Each Settings field is made with
`setting(...)`, so that the CLI options, the chat's add-steps, validation and storage all read
one declaration:

    @dataclass(frozen=True, slots=True)
    class Settings:
        url: str = setting(help="the daemon's WebUI address", default="http://localhost:8080",
                           parse=http_url)
        password: str | None = setting(help="its password", default=None, secret=True)

A field without a default is required. `url` and `username` are stored in their own columns,
secret fields sealed, the rest as JSON options (see `core.services.integrations`). A field named
`rate` ((requests, seconds)) or `timeout` (seconds), when set, overrides the declared policy's
rate and deadline: that is how an indexer's own budget reaches its HttpService.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from core import errors
from core.http import HttpPolicy, HttpService
from core.ports import Cache

Parse = Callable[[Any], Any]
Check = Callable[[Any], None]
_MISSING: Any = dataclasses.MISSING
_META = "outpost"


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """What a person needs to fill one setting: read by the CLI, the chat and validation."""

    name: str
    help: str
    secret: bool = False
    required: bool = False
    default: Any = None
    many: bool = False  # a repeatable value, kept as a tuple of parsed items
    # str (or the stored JSON form) -> value; ValueError, or a UserError with its own key
    parse: Parse | None = None
    check: Check | None = None  # run only when a person enters the value, e.g. "does it exist"

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


class Declared(Protocol):
    """The class attributes every adapter carries (the port methods live in core.ports)."""

    kind: str
    category: str  # "indexer", "client" or "provider"
    protocols: tuple[Any, ...]
    Settings: type[Any]
    policy: HttpPolicy

    @classmethod
    def build(cls, name: str, settings: Any, http: HttpService, cache: Cache) -> Any: ...


def setting(
    *,
    help: str,
    default: Any = _MISSING,
    secret: bool = False,
    many: bool = False,
    parse: Parse | None = None,
    check: Check | None = None,
) -> Any:
    """A Settings field; no `default` means a person must give it (`many` defaults to ())."""
    if many and default is _MISSING:
        default = ()
    meta = {_META: (help, secret, many, parse, check)}
    return dataclasses.field(default=default, metadata=meta)


def fields_of(settings_type: type[Any]) -> tuple[FieldInfo, ...]:
    """The declared fields of a Settings type, in declaration order."""
    try:
        hints = typing.get_type_hints(settings_type)
    except Exception:  # a plugin's annotation that does not resolve: its fields parse as given
        hints = {}
    found = []
    for f in dataclasses.fields(settings_type):
        help_, secret, many, parse, check = f.metadata.get(_META, ("", False, False, None, None))
        required = f.default is _MISSING and f.default_factory is _MISSING
        found.append(
            FieldInfo(
                name=f.name,
                help=help_,
                secret=secret,
                required=required,
                default=None if required else f.default,
                many=many,
                parse=parse or _coercer(hints.get(f.name)),
                check=check,
            )
        )
    return tuple(found)


def keyless(settings_type: type[Any]) -> bool:
    """Whether a kind needs nothing from a person: every setting has a default (its URL the
    public service's). Such a provider is on by default (see `core.services.integrations`)."""
    return not any(f.required for f in fields_of(settings_type))


def validate(
    settings_type: type[Any], values: Mapping[str, Any], *, kind: str, entered: bool = False
) -> Any:
    """A Settings instance from raw values; one UserError naming the first bad field.

    `entered` means a person typed them now: unknown names are refused and each field's
    `check` runs. Values read back from the store skip both (a folder may be gone for a while).
    """
    known = fields_of(settings_type)
    names = {f.name for f in known}
    for name in values if entered else ():
        if name not in names and values[name] not in (None, "", (), []):
            raise errors.UserError(
                f"{kind} has no setting {name}", key="error.setting_unknown", kind=kind, field=name
            )
    parsed = {f.name: _value(f, values.get(f.name), kind, entered) for f in known}
    return settings_type(**parsed)


def split(settings: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """(plain, secret) JSON-ready values of a Settings instance; unset secrets are left out."""
    plain: dict[str, Any] = {}
    secret: dict[str, str] = {}
    for f in fields_of(type(settings)):
        value = getattr(settings, f.name)
        if f.secret:
            if value not in (None, ""):
                secret[f.name] = str(value)
        else:
            plain[f.name] = _dump(value)
    return plain, secret


def policy_of(cls: Declared, settings: Any) -> HttpPolicy:
    """The declared policy, with a `rate` or `timeout` setting, when given, taking precedence."""
    policy = cls.policy
    if getattr(settings, "rate", None) is not None:
        policy = dataclasses.replace(policy, rate=settings.rate)
    if getattr(settings, "timeout", None) is not None:
        policy = dataclasses.replace(policy, deadline=float(settings.timeout))
    return policy


# --- parsers adapters share ----------------------------------------------------------------


def http_url(value: Any) -> str:
    """An http(s) URL with a host."""
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise errors.UserError(f"not an http(s) URL: {text!r}", key="error.bad_url", url=text)
    return text


def rate(value: Any) -> tuple[float, float]:
    """'10/60' (10 per minute), '5' (per second) or the stored [10, 60]."""
    try:
        if isinstance(value, Sequence) and not isinstance(value, str):
            count, seconds = (float(v) for v in value)
        else:
            text_count, _, text_seconds = str(value).partition("/")
            count, seconds = float(text_count), float(text_seconds or 1)
    except (TypeError, ValueError):
        count = seconds = 0.0
    if count <= 0 or seconds <= 0:
        raise errors.UserError(f"bad rate {value!r}", key="error.bad_rate", rate=str(value))
    return count, seconds


def positive(value: Any) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError(f"not a positive number: {value!r}")
    return number


# --- internals -----------------------------------------------------------------------------


def _value(f: FieldInfo, raw: Any, kind: str, entered: bool) -> Any:
    if raw is None or raw == "" or (f.many and not raw):
        if f.required:
            raise errors.UserError(
                f"{kind} needs {f.name}", key="error.setting_missing", kind=kind, field=f.name
            )
        return f.default
    items = raw if f.many and not isinstance(raw, str) else [raw]
    try:
        parsed = [f.parse(item) if f.parse else item for item in items]
        if entered and f.check is not None:
            for item in parsed:
                f.check(item)
    except (ValueError, TypeError):
        raise errors.UserError(
            f"bad {f.name}", key="error.setting_bad", kind=kind, field=f.name, value=_shown(f, raw)
        ) from None
    return tuple(parsed) if f.many else parsed[0]


def _shown(f: FieldInfo, raw: Any) -> str:
    """What a person typed, for the error line: never a secret, which the line would repeat."""
    return "…" if f.secret else str(raw)


def _coercer(hint: Any) -> Parse | None:
    """str/int/float/bool, alone or `| None`: the plain types need no parser of their own."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if isinstance(hint, types.UnionType) and len(args) == 1:
        hint = args[0]
    if hint is bool:
        return _boolean
    if hint in (int, float):
        return typing.cast(Parse, hint)
    if hint is str:
        return lambda value: str(value).strip()
    return None


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"not yes or no: {value!r}")


def _dump(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, tuple | list):
        return [_dump(item) for item in value]
    return str(value)
