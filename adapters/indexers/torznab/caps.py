"""Parse a t=caps document into `Capabilities`, and the Newznab category table it is read by."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from xml.etree.ElementTree import Element

from core.domain import Capabilities, Category, MediaKind

AUDIOBOOKS = 3030  # under Audio (3000), so music is the 3000 family without it
ANIME = 5070  # under TV (5000): an indexer listing it serves anime, asked by this id alone

# Newznab's standard categories: the parent asked for each kind when the caps list none.
STANDARD_CATEGORIES: Mapping[MediaKind, tuple[int, ...]] = {
    MediaKind.MOVIE: (2000,),
    MediaKind.SERIES: (5000,),  # TV's parent also covers anime, 5070, as Sonarr asks it
    MediaKind.MUSIC: (3000,),  # lossless, 3040, is audio
    MediaKind.BOOK: (7000,),  # ebooks, 7020, are books
    MediaKind.AUDIOBOOK: (AUDIOBOOKS,),
    MediaKind.ANIME: (ANIME,),
}

# Which listed category ids belong to a kind.
_MEMBER: Mapping[MediaKind, Callable[[int], bool]] = {
    MediaKind.MOVIE: lambda c: c // 1000 == 2,
    MediaKind.SERIES: lambda c: c // 1000 == 5 and c != ANIME,
    MediaKind.MUSIC: lambda c: c // 1000 == 3 and c != AUDIOBOOKS,
    MediaKind.BOOK: lambda c: c // 1000 == 7,
    MediaKind.AUDIOBOOK: lambda c: c == AUDIOBOOKS,
    MediaKind.ANIME: lambda c: c == ANIME,
}

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
    categories = _categories(root.find("categories"))
    return Capabilities(
        modes=_modes(root.find("searching")),
        categories=categories,
        limit_max=_positive(limits.get("max")) if limits is not None else None,
        limit_default=_positive(limits.get("default")) if limits is not None else None,
        kinds=kinds_of(_ids(categories)),
    )


def kinds_of(listed: frozenset[int]) -> dict[MediaKind, tuple[int, ...]]:
    """The kinds an indexer serves and what to ask for each: the standard parent when listed
    (it covers the subcategories), else the kind's listed subcategories. An indexer that lists
    no categories at all is taken to serve every kind under the standard ones."""
    if not listed:
        return dict(STANDARD_CATEGORIES)
    kinds: dict[MediaKind, tuple[int, ...]] = {}
    for kind, member in _MEMBER.items():
        parent = STANDARD_CATEGORIES[kind][0]
        own = tuple(c for c in sorted(listed) if member(c))
        if own:
            kinds[kind] = (parent,) if parent in own else own
    return kinds


def audiobook_only(kind: MediaKind | None, categories: tuple[int, ...]) -> bool:
    """A music search asks Audio (3000), as Lidarr does, and so also gets the audiobooks
    filed under it: an item listed only as an audiobook is not music."""
    return kind is MediaKind.MUSIC and bool(categories) and set(categories) == {AUDIOBOOKS}


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
    return _ids(caps.categories)


def _ids(categories: tuple[Category, ...]) -> frozenset[int]:
    ids: set[int] = set()
    stack = list(categories)
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
