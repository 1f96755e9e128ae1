"""Fixtures for the Telegram frontend's tests (reusable by the lead's lifecycle tests)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns on every duration unless opted in to timedeltas, as the frontend does."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
