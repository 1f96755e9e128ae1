"""The chat latency benchmark keeps working: its measuring function, run small, gives a row
for every frontend and command (timings are the benchmark's to print, never asserted here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.chat_latency import COMMANDS, measure, table


async def test_measure_gives_a_row_per_frontend_and_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    rows = await measure(2, warmup=1, data_dir=tmp_path / "data")
    frontends = {
        "telegram Outpost",
        "telegram bare PTB",
        "discord Outpost",
        "discord bare d.py",
    }
    commands = {f"/{name} {text}".strip() for name, text in COMMANDS}
    assert {(r.frontend, r.command) for r in rows} == {(f, c) for f in frontends for c in commands}
    assert all(r.n == 2 and 0 < r.median <= r.p95 <= r.max for r in rows)
    bare = [r for r in rows if "bare" in r.frontend]
    assert all(r.ratio == 1 for r in bare)
    replies = {
        "telegram": {"sendMessage", "sendPhoto", "sendChatAction"},
        "discord": {"type 4", "type 5"},
    }
    for row in rows:  # the first reply is an answer (a message or a defer), nothing else
        assert set(row.first.split("/")) <= replies[row.frontend.split()[0]], row
    assert len(table(rows).splitlines()) == 2 + len(rows)


async def test_the_breakdown_counts_outposts_store_queries_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    rows = await measure(1, warmup=0, data_dir=tmp_path / "data", breakdown=True)
    ours = [r for r in rows if "Outpost" in r.frontend]
    assert ours and all(r.queries >= 1 and r.store > 0 for r in ours)  # at least: who is it?
    assert all(r.queries == 0 for r in rows if "bare" in r.frontend)
    assert "queries" in table(rows, breakdown=True).splitlines()[0]
