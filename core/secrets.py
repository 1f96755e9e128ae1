"""Seals integration secrets at rest with Fernet; the key is never stored in the database.

The key ring comes from $OUTPOST_SECRET_KEY (comma-separated Fernet keys, newest first) or
from `secret.key` in the data dir (one key a line, newest first), created 0600 on first use.
Older keys only decrypt; the newest encrypts, so rotation is: add a key, re-encrypt, drop.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from core import errors
from core.redact import register

ENV_KEY = "OUTPOST_SECRET_KEY"
KEY_FILE = "secret.key"
# A fixed label: the fingerprint identifies a key without revealing anything about it.
_FINGERPRINT_LABEL = b"outpost secret-key fingerprint v1"


class SecretBox:
    """Encrypts and decrypts the JSON object of one integration's secrets."""

    def __init__(self, keys: Sequence[str], *, source: str = "") -> None:
        self._keys = tuple(keys)  # newest first; validated by `from_keys`
        self.source = source  # where the keys came from, for error messages

    def __repr__(self) -> str:
        return f"SecretBox(source={self.source!r}, keys={len(self._keys)})"

    @classmethod
    def from_keys(cls, keys: Sequence[str], *, source: str) -> SecretBox:
        """A box for `keys` (newest first); a malformed key is a clear StoreError."""
        if not keys:
            raise errors.StoreError(f"{source} holds no key", key="error.secret_key_missing")
        for index, key in enumerate(keys, start=1):
            _check_key(key, index, source)
        return cls(keys, source=source)

    @classmethod
    def load(cls, data_dir: Path, *, sealed: Sequence[str] = ()) -> SecretBox:
        """Keys from $OUTPOST_SECRET_KEY, else from the data dir's key file, made if missing
        only while nothing is `sealed` (the names of rows encrypted under some key): a new
        key over old data would make them unreadable for good, so that is an error."""
        env = os.environ.get(ENV_KEY, "").strip()
        if env:
            return cls.from_keys(_split(env), source=ENV_KEY)
        path = Path(data_dir) / KEY_FILE
        if sealed and not path.exists():
            raise errors.StoreError(
                f"{path} is missing and {len(sealed)} stored secrets were sealed with it",
                key="error.secret_key_lost",
                path=str(path),
                integrations=", ".join(sealed),
            )
        return cls.from_keys(_read_or_create(path), source=str(path))

    @classmethod
    def add_key(cls, data_dir: Path) -> SecretBox:
        """Put a new key at the top of the key file; the old ones still decrypt."""
        path = _file_in_use(data_dir)
        keys = [cls.generate_key(), *_read_key_file(path)]
        _write_key_file(path, keys)
        return cls.from_keys(keys, source=str(path))

    @classmethod
    def retire_old_keys(cls, data_dir: Path) -> SecretBox:
        """Keep only the newest key in the key file; run after `rotate_secrets`."""
        path = _file_in_use(data_dir)
        keys = _read_key_file(path)[:1]
        _write_key_file(path, keys)
        return cls.from_keys(keys, source=str(path))

    @staticmethod
    def generate_key() -> str:
        return Fernet.generate_key().decode("ascii")

    @cached_property
    def _fernet(self) -> MultiFernet:
        return MultiFernet([Fernet(key) for key in self._keys])

    @property
    def fingerprint(self) -> str:
        """Identifies the newest key; safe to store, it reveals nothing about the key."""
        return _fingerprint(self._keys[0])

    @property
    def fingerprints(self) -> tuple[str, ...]:
        return tuple(_fingerprint(key) for key in self._keys)

    def encrypt(self, values: Mapping[str, str]) -> str:
        """A Fernet token of the JSON object `values`, under the newest key."""
        register(*values.values())
        payload = json.dumps(dict(values), sort_keys=True, separators=(",", ":"))
        return self._fernet.encrypt(payload.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str, *, integration: str) -> dict[str, str]:
        """The secrets sealed in `token`; SecretUnavailable names `integration` if unreadable."""
        try:
            data = json.loads(self._fernet.decrypt(token.encode("ascii")))
        except (InvalidToken, ValueError):  # wrong key, tampered or truncated token
            raise _unavailable(integration) from None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise _unavailable(integration)
        register(*data.values())
        return data

    def seal(self, text: str) -> str:
        """A Fernet token of `text` (a download link that may hold a key), not registered for
        redaction: log lines mask such links by their shape (core.redact)."""
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def unseal(self, token: str, *, integration: str) -> str:
        """The text sealed in `token`; SecretUnavailable names `integration` if unreadable."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            raise _unavailable(integration) from None

    def rotate(self, token: str, *, integration: str = "") -> str:
        """`token` re-encrypted under the newest key (with a fresh IV even if it already was)."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, ValueError):
            raise _unavailable(integration) from None


def _unavailable(integration: str) -> errors.SecretUnavailable:
    return errors.SecretUnavailable(
        f"the stored secret of {integration!r} cannot be decrypted with the current key",
        integrations=[integration] if integration else [],
    )


def _fingerprint(key: str) -> str:
    raw = base64.urlsafe_b64decode(key.encode("ascii"))
    return hmac.new(raw, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:16]


def _check_key(key: str, index: int, source: str) -> None:
    try:
        Fernet(key)
    except (ValueError, binascii.Error, TypeError):
        # never quote the key: even a malformed one may be most of a real one
        raise errors.StoreError(
            f"key {index} in {source} is not a Fernet key (32 url-safe base64 bytes)",
            key="error.secret_key_invalid",
            source=source,
        ) from None


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def _file_in_use(data_dir: Path) -> Path:
    if os.environ.get(ENV_KEY, "").strip():
        raise errors.StoreError(
            f"the key comes from {ENV_KEY}: change that variable to rotate",
            key="error.secret_key_env",
        )
    return Path(data_dir) / KEY_FILE


def _read_or_create(path: Path) -> list[str]:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = SecretBox.generate_key()
    try:  # O_EXCL: two processes starting at once must not each write a different key
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key_file(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return [key]


def _read_key_file(path: Path) -> list[str]:
    if path.stat().st_mode & 0o077:
        raise errors.StoreError(
            f"{path} is readable by other users; run: chmod 600 {path}",
            key="error.secret_key_permissions",
            path=str(path),
        )
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _write_key_file(path: Path, keys: Sequence[str]) -> None:
    partial = path.with_name(path.name + ".new")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write("".join(key + "\n" for key in keys))
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(path)  # atomic: a crash leaves the old ring or the new, never half
