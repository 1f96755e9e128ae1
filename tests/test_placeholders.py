"""No call site leaves a placeholder raw: every key, rendered with the params its call sites
pass, in every language, keeps no `{name}` (a static scan of the code, see callsites.py)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from bot.i18n import catalogue, languages, placeholders, t
from tests.support.callsites import Site, scan

ROOT = Path(__file__).resolve().parents[1]

# An f-string's shape fits more keys than its values ever spell: (file, key) -> why it cannot.
NEVER_SPELLED = {
    ("bot/cli/integrations.py", "cli.person_added"): "groups are indexer, client, provider",
    ("bot/cli/integrations.py", "cli.no_releases"): "groups are indexer, client, provider",
    ("bot/cli/system.py", "history.line"): "a notice's event is an event name",
    ("bot/cli/system.py", "doctor.no_hardlinks"): "the missing categories are integrations",
    ("bot/conversation/entry.py", "help.unknown"): "COMMANDS holds no 'unknown'",
    ("bot/conversation/releases.py", "approval.prompt"): "an outcome is approved or declined",
}
# Keys that arrive as data, with the params stored beside them: (file) -> where they are made.
FROM_DATA = {"core/services/notify.py": "a notice's reason key comes with the notice's params"}
# a client's check() notes are `note.*` keys worded with the integration's name only (tested below)
NOTE_SITES = {("bot/cli/system.py", "out.say(note, name=health.name)")}


@cache
def sites() -> tuple[Site, ...]:
    return tuple(scan(ROOT, catalogue("en")))


def spelled(site: Site) -> list[str]:
    path = site.where.split(":")[0]
    return sorted(k for k in site.keys if (path, k) not in NEVER_SPELLED)


def test_the_scan_reads_the_code() -> None:
    found = sites()
    assert sum(1 for s in found if s.keys) > 250
    assert any("error.url_not_allowed" in s.keys for s in found)  # raised with key=
    assert any("error.unreachable" in s.keys and "service" in s.params for s in found)


def test_every_key_a_call_site_can_pass_exists() -> None:
    known = catalogue("en")
    missing = [(s.where, k) for s in sites() for k in spelled(s) if k not in known]
    assert missing == []


def test_every_key_the_scan_cannot_read_is_passed_through() -> None:
    unread = [s for s in sites() if not s.keys and not s.passed_through]
    left = [
        (s.where.split(":")[0], s.code) for s in unread if s.where.split(":")[0] not in FROM_DATA
    ]
    assert [site for site in left if site not in NOTE_SITES] == []


def test_every_note_a_client_can_give_takes_only_the_name() -> None:
    notes = {key: text for key, text in catalogue("en").items() if key.startswith("note.")}
    assert notes, "no note.* keys: drop NOTE_SITES"
    for key, text in notes.items():
        assert placeholders(text) <= {"name"}, key


def test_no_spread_hides_the_params() -> None:
    assert [(s.where, s.code) for s in sites() if s.keys and s.open] == []


@pytest.mark.parametrize("lang", languages())
def test_every_call_site_fills_every_placeholder(lang: str) -> None:
    raw = []
    for site in sites():
        params = {name: "x" for name in site.params}
        for key in spelled(site):
            text = t(key, lang, **params)
            left = placeholders(catalogue(lang).get(key, "")) - site.params
            if left or "{" in text:
                raw.append((site.where, key, sorted(left)))
    assert raw == []
