"""Every locale has the same keys and placeholders, and every key the code uses exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.i18n import catalogue, languages, pick_language, placeholders, t

ROOT = Path(__file__).resolve().parents[2]
KEY_IN_CODE = re.compile(r"""key\s*=\s*"((?:error|rejection)\.[a-z_.]+)\"""")
FAILURE_IN_CODE = re.compile(r""""(failure\.[a-z_]+)\"""")


def code_keys() -> set[str]:
    found: set[str] = set()
    for folder in ("core", "adapters", "bot"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text("utf-8")
            found |= set(KEY_IN_CODE.findall(text)) | set(FAILURE_IN_CODE.findall(text))
    return found


def test_english_and_german_exist() -> None:
    assert {"en", "de"} <= set(languages())


@pytest.mark.parametrize("lang", [lang for lang in languages() if lang != "en"])
def test_same_keys_and_placeholders_as_english(lang: str) -> None:
    english, other = catalogue("en"), catalogue(lang)
    assert set(other) == set(english)
    for key, text in english.items():
        assert placeholders(other[key]) == placeholders(text), key


def test_every_key_the_code_raises_is_translated() -> None:
    keys = code_keys()
    assert len(keys) > 20  # the scan itself works
    assert sorted(keys - set(catalogue("en"))) == []


def test_rejection_codes_are_translated() -> None:
    codes = [
        "wrong_title",
        "wrong_year",
        "wrong_kind",
        "wrong_season",
        "wrong_episode",
        "too_small",
        "too_large",
        "blocklisted",
        "unparsable",
        "quality_not_allowed",
        "no_seeders",
    ]
    assert [c for c in codes if f"rejection.{c}" not in catalogue("en")] == []


def test_translation_follows_language_and_never_evaluates_parameters() -> None:
    assert t("error.unknown_ref", "de", ref="x1") != t("error.unknown_ref", "en", ref="x1")
    assert "x1" in t("error.unknown_ref", "de", ref="x1")
    hostile = "{0.__class__.__mro__}"
    assert hostile in t("error.unknown_ref", "en", ref=hostile)
    assert t("no.such.key", "de") == "no.such.key"


def test_language_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OUTPOST_LANG", raising=False)
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert pick_language() == "de"
    assert pick_language("en") == "en"
    monkeypatch.setenv("LANG", "xx_XX.UTF-8")
    assert pick_language() == "en"
