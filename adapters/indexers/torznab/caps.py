"""Parse a t=caps document into `Capabilities`."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from core.domain import Capabilities, Category

# Newznab calls it audio-search; we use the Torznab names throughout.
_MODE_NAMES = {
    "search": "search",
    "tv-search": "tv-search",
    "movie-search": "movie-search",
    "audio-search": "music-search",
    "music-search": "music-search",
    "book-search": "book-search",
}

# What the spec says a mode supports when the caps omit supportedParams (as Sonarr assumes too).
_DEFAULT_PARAMS = {
    "search": ("q",),
    "tv-search": ("q", "rid", "season", "ep"),
    "movie-search": ("q", "imdbid"),
    "music-search": ("q", "artist", "album"),
    "book-search": ("q", "author", "title"),
}

_MAX_CATEGORIES = 2000


def parse_caps(root: Element) -> Capabilities:
    limits = root.find("limits")
    return Capabilities(
        modes=_modes(root.find("searching")),
        categories=_categories(root.find("categories")),
        limit_max=_positive(limits.get("max")) if limits is not None else None,
        limit_default=_positive(limits.get("default")) if limits is not None else None,
    )


def _modes(searching: Element | None) -> dict[str, tuple[str, ...]]:
    modes: dict[str, tuple[str, ...]] = {}
    for element in searching if searching is not None else ():
        mode = _MODE_NAMES.get(element.tag)
        if mode is None or (element.get("available") or "").strip().lower() != "yes":
            continue
        raw = element.get("supportedParams") or ""
        params = tuple(dict.fromkeys(p.strip().lower() for p in raw.split(",") if p.strip()))
        modes[mode] = params or _DEFAULT_PARAMS[mode]
    return modes


def _categories(parent: Element | None) -> tuple[Category, ...]:
    found: list[Category] = []
    for element in parent.findall("category") if parent is not None else ():
        category = _category(element)
        if category is not None and len(found) < _MAX_CATEGORIES:
            found.append(category)
    return tuple(found)


def _category(element: Element) -> Category | None:
    ident = _int(element.get("id"))
    if ident is None:
        return None
    subs = (_category(sub) for sub in element.findall("subcat"))
    return Category(
        id=ident,
        name=(element.get("name") or "").strip()[:100],
        subcategories=tuple(s for s in subs if s is not None),
    )


def category_ids(caps: Capabilities) -> frozenset[int]:
    """Every id the caps list, parents and subcategories alike."""
    ids: set[int] = set()
    stack = list(caps.categories)
    while stack:
        category = stack.pop()
        ids.add(category.id)
        stack.extend(category.subcategories)
    return frozenset(ids)


def _int(raw: str | None) -> int | None:
    text = (raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _positive(raw: str | None) -> int | None:
    value = _int(raw)
    return value if value else None
