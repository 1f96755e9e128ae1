"""SABnzbd's API answers and slot fields, checked; wire shapes stay in this package."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from core import errors
from core.http import HttpResponse, basic_realm, raise_for_status
from core.httpwire import reject_constant

# nzo_ids look like SABnzbd_nzo_qv6ilb or SABnzbd_nzo_zt7_3tov. SABnzbd splits `value` on commas
# and reads "all" as every job, so only ids of this shape ever reach a pause or a delete.
NZO_ID = re.compile(r"SABnzbd_nzo_[A-Za-z0-9_-]{1,40}")
MIB = 1024 * 1024
GIB = 1024 * MIB  # diskspace figures are GiB (SABnzbd's GIGI = 2**30)


def answer(response: HttpResponse, service: str) -> Any:
    """The JSON of an API answer; a refused key, NaN, duplicate keys and errors are typed."""
    if response.status == 401:
        # SABnzbd never asks for Basic auth (a wrong key is a 403), so a 401 comes from another
        # program or a proxy; its realm lets doctor say which (core.portcheck).
        raise errors.AuthFailed(
            f"{service}: HTTP 401 from {response.url}",
            service=service,
            realm=basic_realm(response) or "",
        )
    if response.status == 403:
        raise _refused(response, service)
    raise_for_status(response, service)
    try:
        text = response.content.decode("utf-8-sig")
        data = json.loads(text, parse_constant=reject_constant, object_pairs_hook=_unique)
    except (ValueError, RecursionError, UnicodeDecodeError) as err:
        raise errors.BadResponse(
            f"{service}: invalid JSON from {response.url}: {type(err).__name__}",
            service=service,
            key="error.bad_json",
        ) from None
    if isinstance(data, dict) and data.get("status") is False and "error" in data:
        error = str(data["error"])
        # Before 3.0 a wrong key was HTTP 200 with {"status": false, "error": "API Key Incorrect"}.
        if error.startswith("API Key"):
            raise _wrong_key(service)
        raise errors.BadResponse(f"{service}: SABnzbd says {error[:80]!r}", service=service)
    return data


def _refused(response: HttpResponse, service: str) -> errors.AuthFailed:
    """Since 3.0 a missing or wrong key is HTTP 403 with the plain text "API Key Incorrect" (or
    "API Key Required"); a host name not in its host_whitelist is a 403 of its own."""
    text = response.content[:200].decode("utf-8", errors="replace")
    if text.startswith("API Key"):
        return _wrong_key(service)
    if "Hostname verification failed" in text:
        return errors.AuthFailed(
            f"{service}: SABnzbd refused the host name in the URL",
            service=service,
            key="error.sabnzbd_host_whitelist",
        )
    return errors.AuthFailed(
        f"{service}: HTTP {response.status} from {response.url}", service=service
    )


def _wrong_key(service: str) -> errors.AuthFailed:
    return errors.AuthFailed(
        f"{service}: SABnzbd refused the API key", service=service, key="error.sabnzbd_api_key"
    )


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"duplicate key {key[:40]!r}")
        found[key] = value
    return found


def section(data: Any, key: str, service: str) -> dict[str, Any]:
    """`{"queue": {...}}` -> the inner object."""
    inner = data.get(key) if isinstance(data, dict) else None
    if not isinstance(inner, dict):
        raise errors.BadResponse(f"{service}: answer without {key!r}", service=service)
    return inner


def slots(inner: Mapping[str, Any], service: str) -> list[dict[str, Any]]:
    value = inner.get("slots")
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise errors.BadResponse(f"{service}: expected a list of jobs", service=service)
    return value


def text(row: Mapping[str, Any], key: str, service: str) -> str:
    value = row.get(key)
    if not isinstance(value, str):
        raise errors.BadResponse(f"{service}: job field {key!r} missing", service=service)
    return value


def number(row: Mapping[str, Any], key: str, service: str) -> float:
    """A non-negative decimal SABnzbd sends as text ("686.67"), finite."""
    value = row.get(key)
    try:
        if not isinstance(value, str):
            raise ValueError
        found = float(value)
    except ValueError:
        raise errors.BadResponse(
            f"{service}: job field {key!r} is no number", service=service
        ) from None
    if not math.isfinite(found) or found < 0:  # float() reads "nan" and "inf" too
        raise errors.BadResponse(f"{service}: job field {key!r} out of range", service=service)
    return found


def count(row: Mapping[str, Any], key: str, service: str) -> int:
    value = row.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise errors.BadResponse(f"{service}: job field {key!r} missing", service=service)
    return value


def mib(row: Mapping[str, Any], key: str, service: str) -> int:
    """Bytes from a MiB figure with two decimals ("mb", "mbleft"): exact to about 10 KiB."""
    return round(number(row, key, service) * MIB)


def seconds_left(value: Any) -> int | None:
    """ "[DD:]HH:MM:SS" as seconds; None for "0:00:00" (nothing to do, or no speed) or junk."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{1,6}(:\d{1,2}){1,3}", value):
        return None
    total = 0
    for part, unit in zip(reversed(value.split(":")), (1, 60, 3600, 86400), strict=False):
        total += int(part) * unit
    return total or None


def free_space(queue: Mapping[str, Any], service: str) -> int | None:
    """Free bytes at the complete folder ("diskspace2", GiB); None while SABnzbd reads 0."""
    free = round(number(queue, "diskspace2", service) * GIB)
    return free or None


def nzo_ids(data: Any, service: str) -> list[str]:
    """The ids an add answered with; [] when SABnzbd refused the NZB ({"status": false})."""
    ids = data.get("nzo_ids") if isinstance(data, dict) else None
    if not isinstance(ids, list):
        raise errors.BadResponse(f"{service}: add answered without nzo_ids", service=service)
    return [id for id in ids if isinstance(id, str) and NZO_ID.fullmatch(id)]


def known_ids(ids: list[str]) -> list[str]:
    """The ids that can name a SABnzbd job, once each: others cannot be listed."""
    return list(dict.fromkeys(id for id in ids if NZO_ID.fullmatch(id)))


def job_ids(ids: list[str]) -> list[str]:
    """For an edit: every id must be an nzo_id, so nothing ("all", "a,b") can widen the call."""
    for id in ids:
        if not NZO_ID.fullmatch(id):
            raise errors.NotFound(f"not a SABnzbd id: {id[:80]!r}", key="error.download_not_found")
    return list(dict.fromkeys(ids))


def str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
