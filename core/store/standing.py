"""What Outpost remembers of a service's last answers, between processes: a Retry-After to
honour, a key the service refused. One setting row per integration, dropped with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.store.models import Setting

PREFIX = "standing."


@dataclass(frozen=True, slots=True)
class Standing:
    """An integration's standing: wait until `wait_until` (epoch seconds), a refused key."""

    wait_until: float | None = None
    needs_key: bool = False


def _key(name: str) -> str:
    return PREFIX + name


def _of(value: Any) -> Standing:
    if not isinstance(value, dict):
        return Standing()
    until = value.get("wait_until")
    return Standing(float(until) if until is not None else None, bool(value.get("needs_key")))


async def standing_of(name: str) -> Standing:
    row = await Setting.get_or_none(key=_key(name))
    return Standing() if row is None else _of(row.value)


async def standings() -> dict[str, Standing]:
    rows = await Setting.filter(key__startswith=PREFIX)
    return {row.key.removeprefix(PREFIX): _of(row.value) for row in rows}


async def _save(name: str, standing: Standing) -> None:
    value = {"wait_until": standing.wait_until, "needs_key": standing.needs_key}
    await Setting.update_or_create(key=_key(name), defaults={"value": value})


async def wait_until(name: str, until: float) -> None:
    """Ask `name` nothing before `until` (the later of this and any wait already kept)."""
    now = await standing_of(name)
    later = max(until, now.wait_until or 0.0)
    await _save(name, Standing(later, now.needs_key))


async def mark_needs_key(name: str) -> bool:
    """Mark `name`'s key refused; True only when it was not marked already (say it once)."""
    now = await standing_of(name)
    if now.needs_key:
        return False
    await _save(name, Standing(now.wait_until, True))
    return True


async def key_accepted(name: str) -> None:
    """The service took the key again (a passing test): drop the mark, keep any wait."""
    now = await standing_of(name)
    if now.needs_key:
        await _save(name, Standing(now.wait_until, False))


async def forget_standing(name: str) -> None:
    """Removed or added afresh: nothing of the old answers applies."""
    await Setting.filter(key=_key(name)).delete()
