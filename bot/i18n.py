"""Message catalogues: every sentence a person reads comes from `locales/<lang>.json`."""

from __future__ import annotations

import json
import os
import string
from functools import cache
from importlib import resources
from typing import Any

from core.visible import visible

DEFAULT = "en"


@cache
def catalogue(lang: str) -> dict[str, str]:
    try:
        text = resources.files("locales").joinpath(f"{lang}.json").read_text("utf-8")
    except FileNotFoundError:
        return {}
    data: dict[str, str] = json.loads(text)
    return data


@cache  # asked on every message and tap; the catalogues do not change while Outpost runs
def languages() -> tuple[str, ...]:
    return tuple(
        sorted(
            p.name.removesuffix(".json")
            for p in resources.files("locales").iterdir()
            if p.name.endswith(".json")
        )
    )


def pick_language(preferred: str | None = None) -> str:
    """The person's setting, else the environment (OUTPOST_LANG, LANG), else English."""
    for candidate in (preferred, os.environ.get("OUTPOST_LANG"), os.environ.get("LANG")):
        if candidate:
            code = candidate.split(".")[0].split("_")[0].split("-")[0].lower()
            if code in languages():
                return code
    return DEFAULT


class _Safe(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def t(key: str, lang: str = DEFAULT, /, **params: Any) -> str:
    """Translate `key`; unknown keys fall back to English, then to the key itself.
    Parameters are substituted by name only (`format_map`), never by attribute access, and
    what a person reads holds no invisible or bidi control character (`core.visible`)."""
    text = catalogue(lang).get(key) or catalogue(DEFAULT).get(key) or key
    values = _Safe({k: "" if v is None else v for k, v in params.items()})
    return visible(string.Formatter().vformat(text, (), values)) if "{" in text else text
