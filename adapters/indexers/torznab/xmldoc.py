"""Safe XML loading for Torznab/Newznab answers, and the `<error>` document mapped to our errors.

Why a fast path is safe. Entities (billion laughs, quadratic blowup), external entities and
external DTDs all need a document type declaration: `<!DOCTYPE`, inside which `<!ENTITY`,
parameter entities and conditional sections live (XML 1.0, production 28). Without one, expat
knows only the five predefined entities and character references, fetches nothing, and calls
any other `&name;` an undefined entity. So a body is handed to the C parser only when:
- it holds no NUL byte: UTF-16 (the one non-ASCII-compatible encoding expat reads) always has
  one per ASCII character, so `<!DOCTYPE` cannot hide from the byte scan below;
- its XML declaration names no encoding, or UTF-8, US-ASCII or ISO-8859-1 (expat's own), so
  markup is plain ASCII bytes and no codec of Python's takes part;
- it holds no `<!` except `<!--` and `<![CDATA[`: every declaration (`<!DOCTYPE`, `<!ENTITY`,
  `<!ELEMENT`...) starts with `<!` and a letter.
Anything else, including a harmless `<!DOCTYPE` text inside a comment or CDATA, goes to
defusedxml with DTDs, entities and external references forbidden, which decides as before.
The C parser builds the same tree about twice as fast as defusedxml's pure-Python one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.etree.ElementTree import Element, ParseError
from xml.etree.ElementTree import fromstring as c_fromstring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from core import errors

_BOM = b"\xef\xbb\xbf"
_HTML_START = re.compile(rb"(?is)^(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b")
_XML_START = re.compile(rb"(?is)^<(\?xml|rss|caps|error)\b")
_ERROR_ROOT = re.compile(rb"(?s)^(<\?xml[^>]*\?>\s*)?<error\b")
_DECLARATION = re.compile(rb"<!(?!--|\[CDATA\[)")
_ENCODING = re.compile(rb"""\bencoding\s*=\s*["']([A-Za-z0-9._-]*)["']""")
_EXPAT_ENCODINGS = frozenset({b"utf-8", b"us-ascii", b"iso-8859-1"})

AUTH_CODES = frozenset({100, 101, 102, 103})
LIMIT_CODES = frozenset({429, 500, 501})
UNAVAILABLE_CODES = frozenset({900, 910})

Redactor = Callable[[str], str]


def clean(body: bytes) -> bytes:
    """Drop a UTF-8 BOM and leading whitespace, which several indexers put before `<?xml`."""
    body = body.lstrip()
    while body.startswith(_BOM):
        body = body[len(_BOM) :].lstrip()
    return body


def looks_like_html(body: bytes, content_type: str) -> bool:
    """A web page (Cloudflare, a login form, a proxy error) rather than an API answer.

    Some old Newznab servers label XML as text/html, so the body's first tag decides when
    it is clearly XML."""
    head = body[:512]
    if _HTML_START.match(head):
        return True
    return content_type == "text/html" and not _XML_START.match(head)


def is_error_document(body: bytes) -> bool:
    return bool(_ERROR_ROOT.match(body[:1024]))


def is_plain(body: bytes) -> bool:
    """No DTD can be in it, whatever the encoding: the C parser may read it (see above)."""
    if b"\x00" in body or not _expat_encoding(body):
        return False
    return _DECLARATION.search(body) is None


def _expat_encoding(body: bytes) -> bool:
    """The XML declaration, if any, names none of Python's codecs."""
    if body[:5].lower() != b"<?xml":
        return True  # expat refuses a declaration anywhere but at the start
    end = body.find(b"?>")
    head = body[:end] if end >= 0 else body
    if b"encoding" not in head:
        return True
    declared = _ENCODING.search(head)
    return declared is not None and declared.group(1).lower() in _EXPAT_ENCODINGS


def load(body: bytes, service: str) -> Element:
    """Parse with entities, external references and DTDs refused outright."""
    try:
        if is_plain(body):
            root: Element = c_fromstring(body)
        else:
            root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    # LookupError: a declared encoding Python has no codec for (`encoding="x-no-such"`).
    except (DefusedXmlException, ParseError, ValueError, RecursionError, LookupError) as err:
        # The exception text of a refused entity can hold a URL from the feed: leave it out.
        raise errors.BadResponse(
            f"{service}: unusable XML ({type(err).__name__})",
            key="error.bad_xml",
            service=service,
        ) from None
    return root


def answer(body: bytes, content_type: str, service: str, redact: Redactor) -> Element:
    """The root element of a cleaned API answer; a web page or an `<error>` document raises."""
    if not is_error_document(body) and looks_like_html(body, content_type):
        raise errors.Unavailable(
            f"{service}: indexer returned a web page: blocked or down", service=service
        )
    root = load(body, service)
    if root.tag == "error":
        raise_error_document(root, service, redact)
    return root


def raise_error_document(root: Element, service: str, redact: Redactor) -> None:
    """Raise the typed error an `<error code=… description=…/>` document stands for."""
    raw_code = (root.get("code") or "").strip()
    code = (
        int(raw_code) if raw_code.isascii() and raw_code.isdigit() and len(raw_code) < 6 else None
    )
    description = redact((root.get("description") or root.text or "").strip()[:300])
    message = f"{service}: indexer error {raw_code[:10]!r}: {description}"
    if code in AUTH_CODES:
        raise errors.AuthFailed(message, service=service, code=code, description=description)
    if code in LIMIT_CODES:
        limited = errors.RateLimited(message, service=service)
        limited.params.update(code=code, description=description)
        raise limited
    if code in UNAVAILABLE_CODES:
        raise errors.Unavailable(message, service=service, code=code, description=description)
    raise errors.BadResponse(
        message, key="error.indexer_error", service=service, code=code, description=description
    )
