"""Keyless providers, on by default: a fresh install finds music, books and anime unasked.

A provider kind is keyless when every setting of its `Settings` has a default, its URL the
public service's (`core.declare.keyless`). When the store holds no row of that kind, the kind
is used with those defaults, as a row that is built but never stored. `provider set KIND`
stores a row that replaces the defaults; `provider disable KIND` stores one that is switched
off. Nothing more is asked of an adapter than being keyless.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from core import declare, errors, registry
from core.store.models import Integration, IntegrationCategory

log = logging.getLogger(__name__)
PROVIDER = IntegrationCategory.PROVIDER


def keyless_kinds() -> list[str]:
    """The provider kinds that need no setting from a person (imports each provider module)."""
    found = []
    for kind in registry.kinds(PROVIDER):
        try:
            loaded = registry.load(kind, PROVIDER)
        except errors.UserError as err:  # a broken plugin is not on by default
            log.debug("provider %s cannot load: %s", kind, err)
            continue
        if declare.keyless(loaded.Settings):
            found.append(kind)
    return found


def default_rows(stored: Iterable[Integration]) -> list[Integration]:
    """A row (never saved) for each keyless kind the store has no row of, with its defaults."""
    taken = {row.kind for row in stored if row.category == PROVIDER}
    taken |= {row.name for row in stored}
    return [default_row(kind) for kind in keyless_kinds() if kind not in taken]


def default_row(kind: str) -> Integration:
    """The unsaved row of a keyless kind with its declared defaults."""
    settings_type = registry.load(kind, PROVIDER).Settings
    plain, _ = declare.split(declare.validate(settings_type, {}, kind=kind))
    return Integration(
        name=kind,
        category=PROVIDER,
        kind=kind,
        url=plain.pop("url", "") or "",
        username=plain.pop("username", None),
        secret=None,
        options=plain,
        enabled=True,
    )


def is_default(row: Integration) -> bool:
    """A row `default_row` made: it is not in the store."""
    return row.pk is None
