"""core.shutdown.within: a part of the stop that hangs is cancelled after its time and named."""

from __future__ import annotations

import asyncio
import logging

import pytest

from core.shutdown import within


async def test_a_hanging_part_is_given_up_named_and_cancelled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hung = asyncio.ensure_future(asyncio.Event().wait())
    loop = asyncio.get_running_loop()
    began = loop.time()
    with caplog.at_level(logging.WARNING, "core.shutdown"):
        assert await within("the test peer", 0.2, hung) is False
    assert loop.time() - began < 5  # generous under load; without a bound it never returns
    assert hung.cancelled()
    assert "gave up on the test peer after 0.2 s" in caplog.text


async def test_a_part_that_fails_is_logged_and_the_stop_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken() -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.WARNING, "core.shutdown"):
        assert await within("the broken part", 5, broken()) is True
    assert "stopping the broken part failed" in caplog.text


async def test_an_outer_bound_cancels_the_inner_part() -> None:
    inner = asyncio.ensure_future(asyncio.Event().wait())
    assert await within("the outer part", 0.2, within("the inner part", 60, inner)) is False
    await asyncio.sleep(0)
    assert inner.cancelled()
