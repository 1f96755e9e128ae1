"""Safe XML loading for Torznab/Newznab answers, and the `<error>` document mapped to our errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from core import errors

_BOM = b"\xef\xbb\xbf"
_HTML_START = re.compile(rb"(?is)^(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b")
_XML_START = re.compile(rb"(?is)^<(\?xml|rss|caps|error)\b")
_ERROR_ROOT = re.compile(rb"(?s)^(<\?xml[^>]*\?>\s*)?<error\b")

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


def load(body: bytes, service: str) -> Element:
    """Parse with entities, external references and DTDs refused outright."""
    try:
        root: Element = fromstring(
            body, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except (DefusedXmlException, ParseError, ValueError, RecursionError) as err:
        # The exception text of a refused entity can hold a URL from the feed: leave it out.
        raise errors.BadResponse(
            f"{service}: unusable XML ({type(err).__name__})",
            key="error.bad_xml",
            service=service,
        ) from None
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
