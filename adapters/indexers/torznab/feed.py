"""Turn a Torznab/Newznab RSS answer into `Release` objects; bad items are dropped, not fatal."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from adapters.indexers.torznab import values, xmldoc
from core import errors
from core.domain import Protocol, Release
from core.redact import redact

MAX_ITEMS = 1000
MAX_CATEGORIES = 20
_ENCLOSURE_TYPES = {Protocol.TORRENT: "bittorrent", Protocol.USENET: "nzb"}
_ATTR_TAGS = frozenset(
    {
        "{http://torznab.com/schemas/2015/feed}attr",
        "{http://www.newznab.com/DTD/2010/feeds/attributes/}attr",
    }
)
_CLEAN_NAMES = frozenset(
    "category seeders peers leechers grabs size infohash magneturl downloadvolumefactor "
    "uploadvolumefactor imdb imdbid tmdb tmdbid tvdbid thetvdb".split()
)


@dataclass(slots=True)
class _Item:
    """One `<item>` as the wire has it, before any judgement."""

    text: dict[str, str] = field(default_factory=dict)
    attrs: dict[str, str] = field(default_factory=dict)  # the first value of each name
    enclosures: list[tuple[str, str, str]] = field(default_factory=list)  # url, type, length
    categories: list[str] = field(default_factory=list)  # category attrs, then <category>
    category_texts: list[str] = field(default_factory=list)
    permalink: bool = False


@dataclass(frozen=True, slots=True)
class FeedContext:
    indexer: str
    base_url: str  # ends with "/": relative links resolve against it
    protocol: Protocol


def parse_feed(xml: bytes, *, indexer: str, base_url: str, protocol: Protocol) -> list[Release]:
    """Parse a search answer; an `<error>` document raises its typed error."""
    root = xmldoc.answer(xmldoc.clean(xml), "", indexer, redact)
    return releases_from(root, FeedContext(indexer, _with_slash(base_url), protocol))


def releases_from(root: Element, context: FeedContext) -> list[Release]:
    """The releases of an RSS root whose `<error>` case the caller has already raised."""
    if root.tag != "rss":
        raise errors.BadResponse(
            f"{context.indexer}: expected an RSS feed, got <{root.tag[:40]}>",
            service=context.indexer,
        )
    found: list[Release] = []
    for element in root.iter("item"):
        release = parse_item(element, context)
        if release is not None:
            found.append(release)
            if len(found) >= MAX_ITEMS:
                break
    return found


def parse_item(element: Element, context: FeedContext) -> Release | None:
    """One release, or None when the item has no usable title or no way to download it."""
    item = _read(element)
    title = values.title(item.text.get("title"))
    if title is None:
        return None
    chosen = _enclosure(item, context.protocol)
    magnet = _magnet(item, chosen)
    download = values.web_url(chosen[0] if chosen else item.text.get("link"), context.base_url)
    if download is None and magnet is None:
        return None
    protocol = _protocol(item, chosen, magnet, context.protocol)
    torrent = protocol is Protocol.TORRENT
    info_hash = _info_hash(item, magnet) if torrent else None
    info_url = _info_url(item, context.base_url)
    return Release(
        title=title,
        indexer=context.indexer,
        protocol=protocol,
        guid=_guid(item, context.base_url) or download or magnet or title,
        download_url=download,
        magnet_url=magnet if torrent else None,
        info_hash=info_hash,
        info_url=info_url,
        size=_size(item, chosen),
        seeders=values.count(item.attrs.get("seeders")) if torrent else None,
        peers=_peers(item) if torrent else None,
        grabs=values.count(item.attrs.get("grabs") or item.text.get("grabs")),
        categories=_categories(item),
        published=values.published(item.text.get("pubDate")),
        download_volume_factor=_factor(item, "downloadvolumefactor"),
        upload_volume_factor=_factor(item, "uploadvolumefactor"),
        imdb_id=values.imdb_id(item.attrs.get("imdbid") or item.attrs.get("imdb")),
        tmdb_id=values.small_id(item.attrs.get("tmdbid") or item.attrs.get("tmdb")),
        tvdb_id=values.small_id(item.attrs.get("tvdbid") or item.attrs.get("thetvdb")),
    )


def _read(element: Element) -> _Item:
    """One pass over the children; torznab: and newznab: attrs (any namespace) are merged."""
    item = _Item()
    text, attrs = item.text, item.attrs
    for child in element:
        tag = child.tag
        if tag in _ATTR_TAGS or (isinstance(tag, str) and tag[-5:] == "}attr"):
            attrib = child.attrib
            name = attrib.get("name") or ""
            if name not in _CLEAN_NAMES:  # the usual spelling skips the string work
                name = name.strip().lower()
            if name == "category":
                item.categories.append(attrib.get("value") or "")
            elif name not in attrs:
                attrs[name] = attrib.get("value") or ""
        elif tag == "enclosure":
            kind = (child.get("type") or "").lower()
            item.enclosures.append((child.get("url") or "", kind, child.get("length") or ""))
        elif tag == "category":
            item.category_texts.append(child.text or "")
        elif tag not in text and isinstance(tag, str):  # comments and PIs have no str tag
            text[tag] = child.text or ""
            if tag == "guid":
                item.permalink = (child.get("isPermaLink") or "").strip().lower() == "true"
    return item


def _enclosure(item: _Item, protocol: Protocol) -> tuple[str, str, str] | None:
    """The enclosure of the indexer's own protocol when there are several, else the first."""
    wanted, first = _ENCLOSURE_TYPES[protocol], None
    for enclosure in item.enclosures:
        if enclosure[0].strip():  # a blank URL is no enclosure
            if wanted in enclosure[1]:
                return enclosure
            first = first or enclosure
    return first


def _magnet(item: _Item, chosen: tuple[str, str, str] | None) -> str | None:
    link = chosen[0] if chosen else item.text.get("link")
    return values.magnet(item.attrs.get("magneturl")) or values.magnet(link)


def _protocol(
    item: _Item, chosen: tuple[str, str, str] | None, magnet: str | None, default: Protocol
) -> Protocol:
    kind = chosen[1] if chosen else ""
    if "bittorrent" in kind:
        return Protocol.TORRENT
    if "nzb" in kind:
        return Protocol.USENET
    if magnet or values.info_hash(item.attrs.get("infohash")):
        return Protocol.TORRENT
    return default


def _info_hash(item: _Item, magnet: str | None) -> str | None:
    found = values.info_hash(item.attrs.get("infohash"))
    if found is None and magnet is not None:
        found = values.magnet_hash(magnet)
    return found


def _info_url(item: _Item, base: str) -> str | None:
    comments = values.web_url(item.text.get("comments"), base)
    if comments is not None or not item.permalink:
        return comments
    return values.web_url(item.text.get("guid"), base)


def _guid(item: _Item, base: str) -> str | None:
    raw = (item.text.get("guid") or "").strip()[: values.MAX_URL]
    if raw and item.permalink:
        return values.web_url(raw, base) or raw
    return raw or None


def _size(item: _Item, chosen: tuple[str, str, str] | None) -> int | None:
    # The size attr first: an enclosure's length is often the .torrent file's own size.
    for raw in (item.attrs.get("size"), item.text.get("size"), chosen[2] if chosen else None):
        found = values.size(raw)
        if found is not None:
            return found
    return None


def _peers(item: _Item) -> int | None:
    peers = values.count(item.attrs.get("peers"))
    if peers is not None:
        return peers
    seeders, leechers = (
        values.count(item.attrs.get("seeders")),
        values.count(item.attrs.get("leechers")),
    )
    # Torznab defines peers as seeders + leechers; some feeds send only the parts.
    return seeders + leechers if seeders is not None and leechers is not None else None


def _categories(item: _Item) -> tuple[int, ...]:
    found: dict[int, None] = {}
    for raw in (*item.categories, *item.category_texts):
        value = values.number(raw, 999_999)
        if value is not None and len(found) < MAX_CATEGORIES:
            found[value] = None
    return tuple(found)


def _factor(item: _Item, name: str) -> float:
    value = values.factor(item.attrs.get(name))
    return 1.0 if value is None else value


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"
