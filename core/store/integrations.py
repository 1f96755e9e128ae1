"""The one repository of configured indexers, download clients and metadata providers.

Secrets are sealed by `core.secrets.SecretBox` before they reach the database. A key that
cannot read them never breaks listing: only `reveal` fails, naming the integration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from core import errors
from core.secrets import SecretBox
from core.store.models import Integration, IntegrationCategory, Setting

FINGERPRINT_SETTING = "secrets.key_fingerprint"
_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class SecretCheck:
    """What `check_secrets` found: the unreadable rows, and whether the key is not ours."""

    unreadable: tuple[str, ...]
    wrong_key: bool  # the stored fingerprint names another key: not one corrupt row


async def add_integration(
    box: SecretBox,
    *,
    name: str,
    category: IntegrationCategory,
    kind: str,
    url: str = "",
    username: str | None = None,
    secrets: Mapping[str, str] = _EMPTY,
    options: Mapping[str, Any] = _EMPTY,
    priority: int = 25,
) -> Integration:
    """Store a new integration; Conflict if the name is taken. No secrets stores NULL."""
    if await Integration.exists(name=name):
        raise _taken(name)
    sealed = box.encrypt(secrets) if secrets else None
    try:
        integration = await Integration.create(
            name=name,
            category=category,
            kind=kind,
            url=url,
            username=username,
            secret=sealed,
            options=dict(options),
            priority=priority,
        )
    except IntegrityError:  # lost a race with another process adding the same name
        raise _taken(name) from None
    if sealed is not None:
        await _remember_fingerprint(box)
    return integration


async def list_integrations(category: IntegrationCategory | None = None) -> list[Integration]:
    query = Integration.all() if category is None else Integration.filter(category=category)
    return await query.order_by("category", "priority", "name")


async def get_integration(name: str, category: IntegrationCategory | None = None) -> Integration:
    """The integration called `name` (of `category`, if given); NotFound otherwise."""
    integration = await _named(name, category).first()
    if integration is None:
        raise _missing(name)
    return integration


async def remove_integration(name: str, category: IntegrationCategory | None = None) -> None:
    if not await _named(name, category).delete():
        raise _missing(name)


async def set_enabled(name: str, category: IntegrationCategory, enabled: bool) -> None:
    """Switch an integration on or off, keeping its settings; NotFound if there is none."""
    if not await _named(name, category).update(enabled=enabled):
        raise _missing(name)


async def update_secrets(box: SecretBox, name: str, secrets: Mapping[str, str]) -> None:
    """Replace the secrets of `name` (e.g. after a lost key); an empty mapping clears them."""
    integration = await get_integration(name)
    sealed = box.encrypt(secrets) if secrets else None
    await Integration.filter(id=integration.id).update(secret=sealed)
    if sealed is not None:
        await _remember_fingerprint(box)


def reveal(box: SecretBox, integration: Integration) -> dict[str, str]:
    """The decrypted secrets of `integration` (registered for redaction); {} if none."""
    if integration.secret is None:
        return {}
    return box.decrypt(integration.secret, integration=integration.name)


async def sealed_integrations() -> list[str]:
    """Names of the integrations holding an encrypted secret, whatever key sealed it."""
    rows = await Integration.filter(secret__isnull=False).order_by("name").values_list("name")
    return [str(name) for (name,) in rows]


async def unreadable_integrations(box: SecretBox) -> list[str]:
    """Names of the integrations whose secret `box` cannot decrypt."""
    rows = await Integration.filter(secret__isnull=False).order_by("name")
    return [row.name for row in rows if not _readable(box, row)]


async def check_secrets(box: SecretBox) -> SecretCheck:
    """Unreadable rows, and whether that is a wrong key rather than damaged rows."""
    unreadable = await unreadable_integrations(box)
    stored = await _stored_fingerprint()
    wrong_key = bool(unreadable) and stored is not None and stored not in box.fingerprints
    return SecretCheck(unreadable=tuple(unreadable), wrong_key=wrong_key)


async def rotate_secrets(box: SecretBox) -> int:
    """Re-encrypt every secret under the newest key in one transaction; return how many.

    If any row cannot be read, nothing changes and SecretUnavailable names those rows.
    """
    async with in_transaction():
        rows = await Integration.filter(secret__isnull=False).order_by("name")
        unreadable = [row.name for row in rows if not _readable(box, row)]
        if unreadable:
            raise errors.SecretUnavailable(
                "some secrets cannot be read, so nothing was rotated", integrations=unreadable
            )
        for row in rows:
            row.secret = box.rotate(row.secret or "", integration=row.name)
            await row.save(update_fields=["secret"])
        await Setting.update_or_create(
            key=FINGERPRINT_SETTING, defaults={"value": _fingerprint_value(box)}
        )
    return len(rows)


def _named(name: str, category: IntegrationCategory | None) -> QuerySet[Integration]:
    query = Integration.filter(name=name)
    return query if category is None else query.filter(category=category)


def _readable(box: SecretBox, row: Integration) -> bool:
    try:
        reveal(box, row)
    except errors.SecretUnavailable:
        return False
    return True


async def _stored_fingerprint() -> str | None:
    setting = await Setting.get_or_none(key=FINGERPRINT_SETTING)
    if setting is None or not isinstance(setting.value, dict):
        return None
    return str(setting.value.get("fingerprint", ""))


async def _remember_fingerprint(box: SecretBox) -> None:
    """Record which key seals the secrets: first encryption, or once all rows use this key."""
    _, created = await Setting.get_or_create(
        key=FINGERPRINT_SETTING, defaults={"value": _fingerprint_value(box)}
    )
    if created or await _stored_fingerprint() in box.fingerprints:
        return
    if not await unreadable_integrations(box):
        # every secret was entered again under a new key: that key is now the household's
        await Setting.filter(key=FINGERPRINT_SETTING).update(value=_fingerprint_value(box))


def _fingerprint_value(box: SecretBox) -> dict[str, str]:
    # a JSON object, not a bare string: Tortoise's JSONField would parse a str as JSON text
    return {"fingerprint": box.fingerprint}


def _taken(name: str) -> errors.Conflict:
    return errors.Conflict(
        f"an integration named {name!r} exists", key="error.integration_exists", name=name
    )


def _missing(name: str) -> errors.NotFound:
    return errors.NotFound(
        f"no integration named {name!r}", key="error.integration_not_found", name=name
    )


async def update_integration(current: str, /, **values: Any) -> None:
    """Change stored columns of `current` (not its secret); NotFound if there is none."""
    if not await Integration.filter(name=current).update(**values):
        raise _missing(current)
