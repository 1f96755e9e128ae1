"""Crash-test worker: imports or resumes a grab in its own process, and SIGKILLs itself at the
chosen checkpoint (`name` or `name:N` for its N-th occurrence). Prints one JSON line at the end."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
from collections.abc import Callable
from pathlib import Path

from core.domain import MediaKind
from core.events import Event, EventBus
from core.services.importer import Importer, ImportMode
from core.store.database import Store


def killer(point: str | None) -> Callable[[str], None]:
    name, _, nth = (point or "").partition(":")
    seen: list[str] = []

    def checkpoint(at: str) -> None:
        if at == name:
            seen.append(at)
            if len(seen) == int(nth or 1):
                os.kill(os.getpid(), signal.SIGKILL)

    return checkpoint


async def run(args: argparse.Namespace) -> dict[str, object]:
    bus = EventBus()
    events: list[str] = []

    async def record(event: Event) -> None:
        events.append(event.name)

    bus.subscribe(Event, record)
    roots = {kind: Path(args.library) for kind in MediaKind}
    importer = Importer(bus, roots=roots, mode=ImportMode(args.mode), checkpoint=killer(args.kill))
    async with Store(Path(args.data)):
        if args.action == "import":
            outcome = await importer.import_grab(args.grab)
            return {"ok": outcome.ok, "failure": outcome.failure, "events": events}
        return {"resumed": await importer.resume(), "events": events}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=("import", "resume"))
    parser.add_argument("--data", required=True)
    parser.add_argument("--library", required=True)
    parser.add_argument("--mode", required=True)
    parser.add_argument("--grab", type=int, default=0)
    parser.add_argument("--kill", default=None)
    print(json.dumps(asyncio.run(run(parser.parse_args()))))


if __name__ == "__main__":
    main()
