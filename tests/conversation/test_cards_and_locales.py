"""Status cards follow the lifecycle; every key the conversation speaks exists in en and de."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from bot.conversation.entry import COMMANDS
from bot.conversation.render_text import render
from bot.i18n import catalogue, languages, placeholders
from core.lifecycle import GrabState
from core.store.models import Grab, MediaRequest, RequestStatus
from tests.conversation.conftest import World

ROOT = Path(__file__).resolve().parents[2]
PREFIXES = (
    "access|approval|button|card|claim|follow|help|history|message|queue|releases|search"
    "|secret|start|state|status|tap|kind|category|error|cli|notice|failure"
)
KEY = re.compile(rf'"((?:{PREFIXES})\.[a-z_]+(?:\.[a-z_]+)?)"')


async def grab_row(request: MediaRequest, title: str, **values: object) -> Grab:
    return await Grab.create(
        release_key=title,
        title=title,
        indexer="local",
        client="qbit",
        client_id=title.lower(),
        protocol="torrent",
        request=request,
        **values,
    )


async def test_the_card_follows_the_lifecycle(world: World) -> None:
    request = await MediaRequest.create(
        person=world.member, kind="movie", title="Sintel", year=2010, status=RequestStatus.GRABBED
    )

    async def card(lang: str = "en") -> str:
        view = await world.conv.card(request.id)
        assert view is not None and view.card == request.id
        return render(view, lang)

    assert "Searching" in await card()
    first = await grab_row(request, "Sintel.2010.720p-A")
    assert "sent to qbit" in await card()
    await Grab.filter(id=first.id).update(state=GrabState.DOWNLOADING, progress=0.42)
    shown = await card()
    assert "▓▓▓░░░░░ 42%" in shown and "left" not in shown  # no estimate yet, none shown
    await Grab.filter(id=first.id).update(eta=3900)
    assert "about 1 h 5 min left" in await card()
    queued = (await world.app.queue()).view()
    assert [i.eta for i in (await queued).items] == [3900]
    await Grab.filter(id=first.id).update(state=GrabState.FAILED, failure="failure.stalled")
    shown = await card("de")
    assert "Fehlgeschlagen" in shown and "kam nicht voran" in shown  # the reason, in German
    second = await grab_row(request, "Sintel.2010.1080p-B")
    shown = await card()
    assert "Sintel.2010.720p-A failed" in shown and "made no progress" in shown
    assert "Sintel.2010.1080p-B" in shown
    await Grab.filter(id=second.id).update(state=GrabState.IMPORTED, progress=1.0)
    assert "Ready in the library" in await card()
    assert await world.conv.card(request.id + 1000) is None


def used_keys() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "bot" / "conversation").glob("*.py"):
        found |= set(KEY.findall(path.read_text("utf-8")))
    found |= set(KEY.findall((ROOT / "bot" / "cli" / "people.py").read_text("utf-8")))
    # keys the code builds from a name
    found |= {f"help.{c}" for c in COMMANDS if c != "claim"}
    found |= {f"state.{s.value}" for s in GrabState}
    found |= {f"queue.{a}" for a in ("paused", "resumed", "removed")}
    found |= {"secret.usage_addindexer", "secret.usage_addclient"}
    found |= {f"kind.{k}" for k in ("movie", "series", "music", "book", "audiobook", "anime")}
    found |= {f"category.{c}" for c in ("indexer", "client", "provider")}
    return found


def test_every_key_used_exists_in_every_language_with_the_same_placeholders() -> None:
    keys = used_keys()
    assert len(keys) > 100  # the scan works
    english = catalogue("en")
    assert sorted(keys - set(english)) == []
    for lang in languages():
        other = catalogue(lang)
        assert sorted(keys - set(other)) == [], lang
        for key in keys:
            assert placeholders(other[key]) == placeholders(english[key]), (lang, key)


def test_person_cli_adds_lists_and_removes(tmp_path: Path) -> None:
    env = {**os.environ, "OUTPOST_LANG": "en", "PYTHONPATH": str(ROOT)}
    env.pop("OUTPOST_SECRET_KEY", None)
    env.pop("OUTPOST_DATABASE_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "bot.cli", "--data-dir", str(tmp_path / "d"), *args]
        done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
        assert "Traceback" not in done.stderr, done.stderr
        return done

    add = ("person", "add")
    assert (
        run(*add, "Ada", "--telegram", "100", "--role", "admin", "--language", "de").returncode == 0
    )
    assert run(*add, "Max", "--telegram", "200", "--role", "member").returncode == 0
    taken = run(*add, "Eve", "--telegram", "200", "--role", "member")
    assert taken.returncode == 1 and taken.stderr.count("\n") == 1 and "200" in taken.stderr
    bad = run(*add, "Eve", "--telegram", "@eve", "--role", "member")
    assert bad.returncode == 1 and "not a number" in bad.stderr
    none = run(*add, "Eve", "--role", "member")
    assert none.returncode == 1 and "--telegram" in none.stderr
    listed = run("person", "list", "--json")
    people = {p["name"]: p for p in json.loads(listed.stdout)}
    assert people["Ada"] == {
        "name": "Ada",
        "role": "admin",
        "language": "de",
        "accounts": {"telegram": "100"},
    }
    assert people["Max"]["role"] == "member" and "Eve" not in people
    assert run("person", "remove", "Max").returncode == 0
    assert run("person", "remove", "Max").returncode == 1
    assert "Max" not in run("person", "list").stdout


def test_every_command_is_described_in_every_language_under_command_keys() -> None:
    from bot.conversation.entry import describe
    from bot.i18n import catalogue, languages

    for lang in languages():
        assert all(f"command.{name}" in catalogue(lang) for name in COMMANDS), lang
        assert not any(key.startswith("telegram.command.") for key in catalogue(lang))
    assert describe("search", "de") == catalogue("de")["command.search"]
