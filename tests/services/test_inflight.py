"""Identical calls in flight share one call: its answer, its error, and its life beyond any
one caller that gives up."""

from __future__ import annotations

import asyncio

import pytest

from core import errors
from core.services.inflight import InFlight


async def test_callers_of_one_key_share_one_call_and_other_keys_run_their_own() -> None:
    inflight, release, calls = InFlight(), asyncio.Event(), []

    async def call(key: str) -> str:
        calls.append(key)
        await release.wait()
        return key.upper()

    tasks = [asyncio.ensure_future(inflight.run(k, lambda k=k: call(k))) for k in "aaab"]
    await asyncio.sleep(0)
    assert inflight.waiting("a") == 3 and inflight.waiting("b") == 1
    release.set()
    assert await asyncio.gather(*tasks) == ["A", "A", "A", "B"]
    assert sorted(calls) == ["a", "b"]
    assert inflight.keys() == [] and inflight.waiting("a") == 0
    assert await inflight.run("a", lambda: call("a")) == "A"  # done: the next one runs anew
    assert calls.count("a") == 2


async def test_an_error_reaches_every_caller_and_one_giving_up_cancels_nothing() -> None:
    inflight, release = InFlight(), asyncio.Event()

    async def failing() -> str:
        await release.wait()
        raise errors.Timeout("no answer", service="idx")

    first = asyncio.ensure_future(inflight.run("k", failing))
    second = asyncio.ensure_future(inflight.run("k", failing))
    await asyncio.sleep(0)
    first.cancel()  # one caller gives up; the call goes on for the other
    await asyncio.sleep(0)
    release.set()
    with pytest.raises(errors.Timeout):
        await second
    assert first.cancelled()
