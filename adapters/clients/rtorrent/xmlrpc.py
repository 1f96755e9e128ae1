"""XML-RPC bodies: calls encoded by the stdlib, answers parsed by defusedxml (no DTD, no
entities), so a hostile peer cannot expand a billion laughs or read local files."""

from __future__ import annotations

import xmlrpc.client
from typing import Any
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException
from defusedxml.xmlrpc import DefusedExpatParser

from core import errors


def encode(method: str, params: tuple[Any, ...]) -> bytes:
    return xmlrpc.client.dumps(params, method, encoding="utf-8").encode("utf-8")


def decode(data: bytes, service: str) -> Any:
    """The single value of a methodResponse; a <fault> raises `xmlrpc.client.Fault`."""
    target = xmlrpc.client.Unmarshaller(use_builtin_types=True)
    parser = DefusedExpatParser(target, forbid_dtd=True)
    try:
        parser.feed(data)
        parser.close()
        values = target.close()
    except DefusedXmlException:
        raise errors.ProtocolMismatch(
            f"{service}: XML-RPC answer with a DTD or entities refused",
            service=service,
            key="error.bad_xmlrpc",
        ) from None
    except (ExpatError, xmlrpc.client.ResponseError, ValueError, TypeError, IndexError):
        raise errors.ProtocolMismatch(
            f"{service}: unreadable XML-RPC answer", service=service, key="error.bad_xmlrpc"
        ) from None
    if len(values) != 1:
        raise errors.ProtocolMismatch(
            f"{service}: XML-RPC answer without one value", service=service, key="error.bad_xmlrpc"
        )
    return values[0]
