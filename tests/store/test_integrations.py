"""Configured integrations: sealed secrets on disk, wrong keys named, rotation."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import errors
from core.secrets import ENV_KEY, SecretBox
from core.store.database import Store
from core.store.integrations import (
    SecretCheck,
    add_integration,
    check_secrets,
    get_integration,
    list_integrations,
    remove_integration,
    reveal,
    rotate_secrets,
    unreadable_integrations,
    update_secrets,
)
from core.store.models import Integration, IntegrationCategory
from tests.store.conftest import API_KEY, raw_bytes

INDEXER, CLIENT, PROVIDER = (
    IntegrationCategory.INDEXER,
    IntegrationCategory.CLIENT,
    IntegrationCategory.PROVIDER,
)


async def household(box: SecretBox) -> None:
    """Two secrets-bearing integrations and one without any."""
    await add_integration(
        box, name="jackett", category=INDEXER, kind="torznab", url="http://127.0.0.1:9117",
        secrets={"api_key": API_KEY}, options={"categories": [2000, 5000]},
    )  # fmt: skip
    await add_integration(
        box, name="qbit", category=CLIENT, kind="qbittorrent", url="http://127.0.0.1:8080",
        username="admin", secrets={"password": "pw-qbit-5521"},
    )  # fmt: skip
    await add_integration(box, name="local", category=INDEXER, kind="torznab")


async def ciphertexts() -> dict[str, str | None]:
    return {row.name: row.secret for row in await Integration.all()}


async def test_raw_database_never_holds_the_plain_secret(store: Store, box: SecretBox) -> None:
    await household(box)
    assert store.db_path is not None
    on_disk = raw_bytes(store.db_path)
    assert b"jackett" in on_disk  # the rows are there, so the search is a real one
    for plain in (API_KEY, "pw-qbit-5521"):
        assert plain.encode() not in on_disk
    assert box._keys[0].encode() not in on_disk  # nor the key that would open them
    row = await get_integration("jackett")
    assert reveal(box, row) == {"api_key": API_KEY}
    assert (await get_integration("local")).secret is None
    assert reveal(box, await get_integration("local")) == {}


async def test_names_are_unique_and_lookups_typed(store: Store, box: SecretBox) -> None:
    await household(box)
    with pytest.raises(errors.Conflict) as caught:
        await add_integration(box, name="qbit", category=CLIENT, kind="transmission")
    assert caught.value.params["name"] == "qbit"
    with pytest.raises(errors.NotFound):
        await get_integration("jackett", CLIENT)
    with pytest.raises(errors.NotFound):
        await remove_integration("nope")
    await remove_integration("qbit", CLIENT)
    names = [i.name for i in await list_integrations()]
    assert names == ["jackett", "local"]
    assert [i.name for i in await list_integrations(PROVIDER)] == []
    assert (await get_integration("jackett")).options == {"categories": [2000, 5000]}


async def test_wrong_key_opens_lists_and_names_exactly_the_affected(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with Store(data_dir):
        await household(SecretBox.load(data_dir))
    monkeypatch.setenv(ENV_KEY, SecretBox.generate_key())  # the key file is forgotten
    stranger = SecretBox.load(data_dir)
    async with Store(data_dir):
        assert len(await list_integrations()) == 3
        assert await unreadable_integrations(stranger) == ["jackett", "qbit"]
        with pytest.raises(errors.SecretUnavailable) as caught:
            reveal(stranger, await get_integration("qbit"))
        assert caught.value.integrations == ["qbit"]
        assert caught.value.params == {"integrations": "qbit"}
        assert reveal(stranger, await get_integration("local")) == {}
        check = await check_secrets(stranger)
        assert check.wrong_key and check.unreadable == ("jackett", "qbit")
        with pytest.raises(errors.SecretUnavailable) as rotating:
            await rotate_secrets(stranger)
        assert rotating.value.integrations == ["jackett", "qbit"]


async def test_one_damaged_row_is_not_a_wrong_key(store: Store, box: SecretBox) -> None:
    await household(box)
    token = (await get_integration("qbit")).secret
    assert token is not None
    damaged = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    await Integration.filter(name="qbit").update(secret=damaged)
    check = await check_secrets(box)
    assert check.unreadable == ("qbit",) and not check.wrong_key


async def test_entering_every_secret_again_adopts_the_new_key(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with Store(data_dir):
        await household(SecretBox.load(data_dir))
    monkeypatch.setenv(ENV_KEY, SecretBox.generate_key())
    new = SecretBox.load(data_dir)
    async with Store(data_dir):
        await update_secrets(new, "jackett", {"api_key": "re-entered-1"})
        assert (await check_secrets(new)).unreadable == ("qbit",)
        await update_secrets(new, "qbit", {"password": "re-entered-2"})
        assert await check_secrets(new) == SecretCheck(unreadable=(), wrong_key=False)
        assert reveal(new, await get_integration("qbit")) == {"password": "re-entered-2"}
        # a stranger now is told "wrong key", because the fingerprint moved to the new key
        assert (
            await check_secrets(SecretBox.from_keys([SecretBox.generate_key()], source="t"))
        ).wrong_key


async def test_rotation_reencrypts_every_row_and_the_new_key_alone_reads(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_key, new_key = SecretBox.generate_key(), SecretBox.generate_key()
    monkeypatch.setenv(ENV_KEY, old_key)
    async with Store(data_dir):
        await household(SecretBox.load(data_dir))
        before = await ciphertexts()
    monkeypatch.setenv(ENV_KEY, f"{new_key},{old_key}")
    async with Store(data_dir):
        assert await rotate_secrets(SecretBox.load(data_dir)) == 2
        after = await ciphertexts()
    assert after["local"] is None
    assert all(after[name] != before[name] for name in ("jackett", "qbit"))
    monkeypatch.setenv(ENV_KEY, new_key)  # the old key is dropped
    newest = SecretBox.load(data_dir)
    async with Store(data_dir):
        assert await unreadable_integrations(newest) == []
        assert not (await check_secrets(newest)).wrong_key
        assert reveal(newest, await get_integration("jackett")) == {"api_key": API_KEY}
    old_alone = SecretBox.from_keys([old_key], source="t")
    async with Store(data_dir):
        assert (await check_secrets(old_alone)).wrong_key


async def test_clearing_secrets_stores_null(store: Store, box: SecretBox) -> None:
    await household(box)
    await update_secrets(box, "jackett", {})
    assert (await get_integration("jackett")).secret is None
    with pytest.raises(errors.NotFound):
        await update_secrets(box, "nope", {"api_key": "x"})
