"""One exception tree for Outpost; every error carries a message key, never a sentence for people.

    OutpostError                 key, params, retryable
    ├── UserError                bad input from a person (unknown kind, unknown ref, bad URL)
    │   ├── NotFound
    │   └── Conflict             e.g. the same release grabbed twice
    ├── StoreError               the database cannot be opened or migrated
    ├── SecretUnavailable        a stored secret cannot be decrypted with the current key
    └── AdapterError             a peer (indexer, client, provider) failed; `service` names it
        ├── AuthFailed           wrong key or password; retrying will not help
        ├── Unreachable          network error or timeout, after retries (retryable)
        │   ├── Timeout
        │   ├── Refused          the host answered that nothing listens on the port
        │   └── Dropped          the peer closed or reset the connection instead of answering
        ├── RateLimited          429 or a peer's own request limit (retryable, retry_after)
        ├── Unavailable          the peer answered that it cannot serve now: 5xx after
        │                        retries, an indexer's "down" error, a web page (retryable)
        ├── WrongPort            what answers at the URL's host:port is not the program asked
        └── BadResponse          the peer's answer cannot be used
            ├── ResponseTooLarge
            └── ProtocolMismatch not in the protocol spoken to it at all (not JSON, not
                                 XML-RPC, no SCGI frame, an HTTP error status)

`str(err)` is an English developer message already free of secrets; frontends translate `key`.
"""

from __future__ import annotations

from typing import Any


class OutpostError(Exception):
    key = "error.generic"
    retryable = False

    def __init__(self, message: str = "", *, key: str | None = None, **params: Any) -> None:
        super().__init__(message or self.key)
        if key is not None:
            self.key = key
        self.params: dict[str, Any] = params


class UserError(OutpostError):
    key = "error.bad_input"


class NotFound(UserError):
    key = "error.not_found"


class Conflict(UserError):
    key = "error.conflict"


class StoreError(OutpostError):
    key = "error.store"


class SecretUnavailable(OutpostError):
    """The key cannot decrypt a stored secret: the integrations listed need their secret again."""

    key = "error.secret_unavailable"

    def __init__(self, message: str = "", *, integrations: list[str] | None = None) -> None:
        self.integrations = list(integrations or [])
        super().__init__(message, integrations=", ".join(self.integrations))


class AdapterError(OutpostError):
    key = "error.adapter"

    def __init__(self, message: str = "", *, service: str = "", **params: Any) -> None:
        self.service = service
        super().__init__(message, service=service, **params)


class AuthFailed(AdapterError):
    key = "error.auth_failed"


class Unreachable(AdapterError):
    key = "error.unreachable"
    retryable = True


class Timeout(Unreachable):
    key = "error.timeout"


class Refused(Unreachable):
    """Connection refused: the host is there, nothing listens on that port."""


class Dropped(Unreachable):
    """The peer took the connection and closed or reset it without an answer."""


class RateLimited(AdapterError):
    key = "error.rate_limited"
    retryable = True

    def __init__(
        self, message: str = "", *, service: str = "", retry_after: float | None = None
    ) -> None:
        self.retry_after = retry_after
        super().__init__(message, service=service, retry_after=retry_after)


class BackingOff(RateLimited):
    """Not asked at all: the service asked to wait (a Retry-After, kept in the store)."""

    key = "error.backing_off"

    def __init__(
        self, message: str = "", *, service: str = "", until: str = "", seconds: float = 0.0
    ) -> None:
        AdapterError.__init__(self, message, service=service, until=until)
        self.retry_after = seconds


class NeedsKey(AuthFailed):
    """Not asked at all: the service refused its key, and nobody has fixed or tested it since."""

    key = "error.needs_key"


class Unavailable(AdapterError):
    key = "error.unavailable"
    retryable = True


class BadResponse(AdapterError):
    key = "error.bad_response"


class ResponseTooLarge(BadResponse):
    key = "error.too_large"


class ProtocolMismatch(BadResponse):
    """An answer, but not in the peer's protocol: often another program on that port."""


class WrongPort(AdapterError):
    """The URL's host answers, but not as the program asked (see core.portcheck)."""

    key = "error.wrong_port"
