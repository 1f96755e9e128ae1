"""The key ring: where keys come from, how the key file is guarded, what a bad key says."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import errors
from core.redact import redact
from core.secrets import ENV_KEY, KEY_FILE, SecretBox
from tests.store.conftest import mode


def test_key_file_is_created_0600_once_and_reused(data_dir: Path) -> None:
    first = SecretBox.load(data_dir)
    path = data_dir / KEY_FILE
    assert mode(path) == 0o600
    assert mode(data_dir) == 0o700
    again = SecretBox.load(data_dir)
    assert again.fingerprint == first.fingerprint
    token = first.encrypt({"api_key": "abc123"})
    assert again.decrypt(token, integration="x") == {"api_key": "abc123"}


@pytest.mark.parametrize("bits", [0o644, 0o640, 0o604])
def test_a_key_file_others_can_read_is_refused(data_dir: Path, bits: int) -> None:
    SecretBox.load(data_dir)
    path = data_dir / KEY_FILE
    path.chmod(bits)
    with pytest.raises(errors.StoreError) as caught:
        SecretBox.load(data_dir)
    assert caught.value.key == "error.secret_key_permissions"
    assert str(path) in str(caught.value)
    assert path.read_text() not in str(caught.value)


def test_env_key_overrides_the_file(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    key = SecretBox.generate_key()
    monkeypatch.setenv(ENV_KEY, key)
    box = SecretBox.load(data_dir)
    assert box.source == ENV_KEY
    assert not (data_dir / KEY_FILE).exists()
    assert box.fingerprint == SecretBox.from_keys([key], source="test").fingerprint


def test_env_key_list_newest_first(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    old, new = SecretBox.generate_key(), SecretBox.generate_key()
    token = SecretBox.from_keys([old], source="t").encrypt({"password": "pw-old-key"})
    monkeypatch.setenv(ENV_KEY, f" {new} , {old} ")
    box = SecretBox.load(data_dir)
    assert box.decrypt(token, integration="qbit") == {"password": "pw-old-key"}
    assert box.fingerprint == SecretBox.from_keys([new], source="t").fingerprint
    # a new token is sealed under the newest key: the old key alone cannot open it
    fresh = box.encrypt({"password": "pw-new-key"})
    with pytest.raises(errors.SecretUnavailable):
        SecretBox.from_keys([old], source="t").decrypt(fresh, integration="qbit")


def test_malformed_env_key_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    good = SecretBox.generate_key()
    monkeypatch.setenv(ENV_KEY, f"{good},not-a-fernet-key-but-secret-ish")
    with pytest.raises(errors.StoreError) as caught:
        SecretBox.load(tmp_path)
    assert caught.value.key == "error.secret_key_invalid"
    assert "key 2" in str(caught.value) and ENV_KEY in str(caught.value)
    assert "secret-ish" not in str(caught.value)


def test_malformed_key_file_is_a_clear_error(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o700)
    path = data_dir / KEY_FILE
    path.write_text("garbage\n")
    path.chmod(0o600)
    with pytest.raises(errors.StoreError) as caught:
        SecretBox.load(data_dir)
    assert caught.value.key == "error.secret_key_invalid"


def test_wrong_key_names_the_integration(box: SecretBox) -> None:
    token = box.encrypt({"api_key": "k-123456"})
    stranger = SecretBox.from_keys([SecretBox.generate_key()], source="t")
    with pytest.raises(errors.SecretUnavailable) as caught:
        stranger.decrypt(token, integration="jackett")
    assert caught.value.integrations == ["jackett"]
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.parametrize("token", ["", "not a token", "gAAAAA", "é"])
def test_garbage_tokens_are_unavailable_not_crashes(box: SecretBox, token: str) -> None:
    with pytest.raises(errors.SecretUnavailable):
        box.decrypt(token, integration="x")


def test_a_token_holding_something_else_than_an_object_is_refused(box: SecretBox) -> None:
    token = box._fernet.encrypt(b'["a list"]').decode()
    with pytest.raises(errors.SecretUnavailable):
        box.decrypt(token, integration="x")


def test_decrypted_values_are_registered_for_redaction(box: SecretBox) -> None:
    token = box.encrypt({"api_key": "zq-redact-me-7731"})
    other = SecretBox.from_keys(box._keys, source="t")  # a fresh box, as after a restart
    values = other.decrypt(token, integration="x")
    assert redact(f"GET /api?q={values['api_key']}x") == "GET /api?q=***x"


def test_fingerprint_is_stable_and_reveals_nothing(box: SecretBox) -> None:
    key = box._keys[0]
    assert box.fingerprint == SecretBox.from_keys([key], source="t").fingerprint
    assert box.fingerprint not in key and len(box.fingerprint) == 16
    assert (
        box.fingerprint != SecretBox.from_keys([SecretBox.generate_key()], source="t").fingerprint
    )
    assert key not in repr(box)


def test_key_file_rotation_steps(data_dir: Path) -> None:
    old = SecretBox.load(data_dir)
    token = old.encrypt({"api_key": "before-rotation"})
    both = SecretBox.add_key(data_dir)
    assert both.fingerprints[1] == old.fingerprint and both.fingerprint != old.fingerprint
    assert mode(data_dir / KEY_FILE) == 0o600
    rotated = both.rotate(token, integration="x")
    newest = SecretBox.retire_old_keys(data_dir)
    assert SecretBox.load(data_dir).fingerprints == (newest.fingerprint,)
    assert newest.decrypt(rotated, integration="x") == {"api_key": "before-rotation"}
    with pytest.raises(errors.SecretUnavailable):
        newest.decrypt(token, integration="x")


def test_key_file_rotation_is_refused_when_the_key_is_in_env(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    monkeypatch.setenv(ENV_KEY, SecretBox.generate_key())
    with pytest.raises(errors.StoreError) as caught:
        SecretBox.add_key(data_dir)
    assert caught.value.key == "error.secret_key_env"
