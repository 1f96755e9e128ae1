"""xmldoc.load: the C-parser fast path never sees a DTD, in any encoding; anything else goes to
defusedxml, and both give the same tree for real feeds."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element, canonicalize, tostring

import pytest
from defusedxml.ElementTree import fromstring as defused_fromstring

from adapters.indexers.torznab import xmldoc
from core import errors
from tests.indexers.conftest import FIXTURES
from tests.indexers.test_hostile import BILLION_LAUGHS, external_dtd, external_entity
from tests.support.localserver import LocalServer, Response

# Most of these parse without complaint in a bare ElementTree: only the checks refuse them.
HARMLESS_ENTITY = (
    b'<!DOCTYPE rss [<!ENTITY a "b">]><rss><channel><title>&a;</title></channel></rss>'
)
LATIN1_DTD = b'<?xml version="1.0" encoding="ISO-8859-1"?>\n' + HARMLESS_ENTITY
CP1252_DTD = b'<?xml version="1.0" encoding="windows-1252"?>\n' + HARMLESS_ENTITY
LONG_DECLARATION = b'<?xml version="1.0"' + b" " * 2000 + b'encoding="utf-8"?>' + HARMLESS_ENTITY
UTF16_DTD = ('<?xml version="1.0" encoding="UTF-16"?>' + HARMLESS_ENTITY.decode()).encode("utf-16")
UTF16_BE_DTD = "\ufeff".encode("utf-16-be") + HARMLESS_ENTITY.decode().encode("utf-16-be")
NO_BOM_UTF16 = HARMLESS_ENTITY.decode().encode("utf-16-le")

REFUSED = {
    "billion-laughs": BILLION_LAUGHS,
    "internal-entity": HARMLESS_ENTITY,
    "latin-1": LATIN1_DTD,
    "cp1252": CP1252_DTD,
    "long-declaration": LONG_DECLARATION,
    "utf-16": UTF16_DTD,
    "utf-16-be": UTF16_BE_DTD,
    "utf-16-no-bom": NO_BOM_UTF16,
    "external-dtd": external_dtd("http://127.0.0.1:9/x.dtd"),
    "external-entity": external_entity("file:///etc/passwd"),
}


def fixture_feeds() -> list[Path]:
    return sorted(FIXTURES.rglob("*.xml"))


def canonical(root: Element) -> str:
    return canonicalize(tostring(root))


@pytest.mark.parametrize("body", REFUSED.values(), ids=REFUSED.keys())
def test_every_dtd_is_refused(body: bytes) -> None:
    assert not xmldoc.is_plain(xmldoc.clean(body))
    with pytest.raises(errors.BadResponse) as caught:
        xmldoc.load(xmldoc.clean(body), "idx")
    assert caught.value.key == "error.bad_xml"


def test_parameter_entity_is_never_fetched() -> None:
    with LocalServer(lambda request: Response(body=b'<!ENTITY leak "x">')) as bait:
        body = (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "{bait.url}/p.dtd"> %p;]>'
            "<rss><channel/></rss>"
        ).encode()
        with pytest.raises(errors.BadResponse):
            xmldoc.load(body, "idx")
        assert bait.requests == []


@pytest.mark.parametrize("path", fixture_feeds(), ids=lambda p: p.name)
def test_real_feeds_take_the_fast_path_with_the_same_tree(path: Path) -> None:
    body = xmldoc.clean(path.read_bytes())
    if xmldoc.is_error_document(body) or b"<!DOCTYPE" in body:
        pytest.skip("not a plain feed")
    assert xmldoc.is_plain(body)
    safe = defused_fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    assert canonical(xmldoc.load(body, "idx")) == canonical(safe)


@pytest.mark.parametrize(
    "body",
    [
        b"<rss><!-- <!DOCTYPE is only text here --><channel/></rss>",
        b"<rss><channel><title><![CDATA[<!DOCTYPE x>]]></title></channel></rss>",
        b'<?xml version="1.0" encoding="windows-1252"?><rss><channel><title>\xe9</title>'
        b"</channel></rss>",
    ],
    ids=["comment", "cdata", "cp1252"],
)
def test_unusual_but_harmless_bodies_are_parsed_by_defusedxml(body: bytes) -> None:
    assert not xmldoc.is_plain(body)
    root = xmldoc.load(body, "idx")
    assert root.tag == "rss" and root.find("channel") is not None


def test_predefined_and_character_references_still_work() -> None:
    body = b"<rss><channel><title>a &amp; b &#233; &#x263A; &lt;c&gt;</title></channel></rss>"
    assert xmldoc.is_plain(body)
    assert xmldoc.load(body, "idx").findtext("channel/title") == "a & b \xe9 \u263a <c>"


def test_an_undeclared_entity_is_refused() -> None:
    with pytest.raises(errors.BadResponse):
        xmldoc.load(b"<rss><channel><title>&nbsp;</title></channel></rss>", "idx")
