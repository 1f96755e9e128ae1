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
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
