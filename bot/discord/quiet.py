"""discord.py logs every gateway event at DEBUG, modal submissions too: a secret typed into a
modal would reach the log. This filter drops those records; everything else still logs."""

from __future__ import annotations

import logging

EVENT_DUMP = "WebSocket Event"  # discord.gateway: "For Shard ID %s: WebSocket Event: %s"


class NoEventDumps(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return EVENT_DUMP not in str(record.msg)


def install() -> None:
    """Once per process: on discord.py's gateway logger, where the records are made."""
    gateway = logging.getLogger("discord.gateway")
    if not any(isinstance(f, NoEventDumps) for f in gateway.filters):
        gateway.addFilter(NoEventDumps())
