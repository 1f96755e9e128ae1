"""The services a frontend's handlers use, built once by the composition root (`core.app`).

Handlers take what they need from here and never see the composition root. What depends on
the configured integrations is built when asked (`await services.metadata()`), as an indexer
added a moment ago must be searched too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.services.throttle import Throttle

if TYPE_CHECKING:
    from core.services.health import Health
    from core.services.household import Household
    from core.services.integrations import Integrations
    from core.services.managed import ManagerStats
    from core.services.metadata import MetadataSearch
    from core.services.notify import NotificationService
    from core.services.queue import QueueService
    from core.services.requests import Requests
    from core.services.search import ReleaseSearch


@dataclass(frozen=True, slots=True)
class Services:
    household: Household
    requests: Requests
    notices: NotificationService
    metadata: Callable[[], Awaitable[MetadataSearch]]
    releases: Callable[[], Awaitable[ReleaseSearch]]
    queue: Callable[[], Awaitable[QueueService]]
    health: Callable[[], Awaitable[list[Health]]]  # every enabled integration, checked
    integrations: Integrations  # add -> test -> keep, the same as the CLI's
    # each indexer manager's (Prowlarr's) statistics per indexer, for /status
    indexer_stats: Callable[[], Awaitable[list[ManagerStats]]] | None = None
    throttle: Throttle = field(default_factory=Throttle)  # each person's commands and taps
