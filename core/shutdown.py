"""Bounded stops: each part of a shutdown gets its own time, so a peer that has gone away
(an API that never answers) cannot hold the process; the log names each part given up on."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

log = logging.getLogger(__name__)

GRACE = 0.5  # after giving up, how long a cancelled part may take to unwind


async def within(part: str, seconds: float, work: Awaitable[Any]) -> bool:
    """Await `work` for at most `seconds`; past that, cancel it, log `part` and go on.
    True when it finished in time (an error it raised is logged, not raised: a stop goes on)."""
    task = asyncio.ensure_future(work)
    try:
        done, _ = await asyncio.wait({task}, timeout=max(seconds, 0.0))
    except asyncio.CancelledError:  # an outer bound gave up first: so does this part
        task.cancel()
        raise
    if task in done:
        if not task.cancelled() and task.exception() is not None:
            log.warning("stopping %s failed: %r", part, task.exception())
        return True
    log.warning("gave up on %s after %g s", part, seconds)
    task.cancel()
    await asyncio.wait({task}, timeout=GRACE)  # a task that ignores the cancel is left behind
    if task.done() and not task.cancelled():
        task.exception()  # retrieved, so asyncio does not report it at exit
    return False
