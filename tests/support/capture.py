"""Every log record, formatted after the production redacting filter: for tests that prove a
secret reaches no log line (the chat frontends' canary tokens)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from core.redact import RedactingFilter


class Captured(logging.Handler):
    """Every record of every logger, formatted after the redacting filter ran."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.addFilter(RedactingFilter())
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def logs() -> Iterator[Captured]:
    root = logging.getLogger()
    handler, level = Captured(), root.level
    # Outpost's own logging set-up quiets httpx and httpcore; a test that ran it in-process
    # earlier must not hide their lines from this capture.
    quieted = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in quieted:
        logging.getLogger(name).setLevel(logging.NOTSET)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        for name, was in quieted.items():
            logging.getLogger(name).setLevel(was)
