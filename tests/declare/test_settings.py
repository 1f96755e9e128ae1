"""Settings declarations: fields, validation into one clear error, storage split, policy."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass
from pathlib import Path, PurePosixPath

import pytest

from adapters.clients.qbittorrent import QBittorrentClient
from adapters.indexers.torznab import NewznabIndexer, TorznabIndexer
from adapters.metadata.tmdb import TmdbProvider
from core import declare, errors
from core.declare import setting
from core.domain import Protocol
from core.pathmap import PathMap


@dataclass(frozen=True, slots=True)
class Example:
    url: str = setting(help="where", parse=declare.http_url)
    token: str | None = setting(help="key", default=None, secret=True)
    port: int = setting(help="port", default=8080)
    tags: tuple[str, ...] = setting(help="tags", many=True)


def test_fields_carry_their_metadata_in_declaration_order() -> None:
    fields = declare.fields_of(Example)
    assert [f.name for f in fields] == ["url", "token", "port", "tags"]
    url, token, port, tags = fields
    assert url.required and not url.secret and url.help == "where" and url.flag == "--url"
    assert token.secret and not token.required and token.default is None
    assert port.default == 8080 and tags.many and tags.default == ()


def test_validate_parses_plain_types_and_applies_defaults() -> None:
    values = {"url": " http://h:1 ", "port": "9090", "tags": ["a", "b"]}
    got = declare.validate(Example, values, kind="ex")
    assert got == Example(url="http://h:1", token=None, port=9090, tags=("a", "b"))
    with pytest.raises(FrozenInstanceError):
        got.port = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("values", "key", "field"),
    [
        ({}, "error.setting_missing", "url"),
        ({"url": "http://h", "port": "many"}, "error.setting_bad", "port"),
        ({"url": "http://h", "colour": "red"}, "error.setting_unknown", "colour"),
    ],
)
def test_bad_input_is_one_user_error_naming_the_field(
    values: dict[str, str], key: str, field: str
) -> None:
    with pytest.raises(errors.UserError) as caught:
        declare.validate(Example, values, kind="ex", entered=True)
    assert caught.value.key == key
    assert caught.value.params["field"] == field and caught.value.params["kind"] == "ex"


def test_a_parser_may_name_its_own_error() -> None:
    with pytest.raises(errors.UserError) as caught:
        declare.validate(Example, {"url": "file:///etc/passwd"}, kind="ex")
    assert (
        caught.value.key == "error.bad_url" and caught.value.params["url"] == "file:///etc/passwd"
    )


def test_unknown_stored_values_are_ignored_when_read_back() -> None:
    got = declare.validate(Example, {"url": "http://h", "legacy": 1}, kind="ex")
    assert got.url == "http://h"


def test_split_keeps_secrets_apart_in_json_form() -> None:
    settings = declare.validate(
        QBittorrentClient.Settings,
        {"url": "http://q:8080", "password": "pw", "path_map": ["/dl=/srv"]},
        kind="qbittorrent",
    )
    plain, secret = declare.split(settings)
    assert secret == {"password": "pw"}
    assert plain == {
        "url": "http://q:8080",
        "username": None,
        "category": "outpost",
        "save_path": None,
        "path_map": ["/dl=/srv"],
    }
    again = declare.validate(QBittorrentClient.Settings, {**plain, **secret}, kind="qbittorrent")
    assert again == settings  # what is stored reads back to the same settings


def test_a_check_runs_only_on_entered_values(tmp_path: Path) -> None:
    gone = {"path_map": [f"/dl={tmp_path / 'gone'}"]}
    kept = declare.validate(QBittorrentClient.Settings, gone, kind="qbittorrent")
    assert kept.path_map == (PathMap(PurePosixPath("/dl"), tmp_path / "gone"),)
    with pytest.raises(errors.UserError) as caught:
        declare.validate(QBittorrentClient.Settings, gone, kind="qbittorrent", entered=True)
    assert caught.value.key == "error.path_map_missing"
    with pytest.raises(errors.UserError) as caught:
        declare.validate(
            QBittorrentClient.Settings, {"path_map": ["downloads"]}, kind="qbittorrent"
        )
    assert caught.value.key == "error.bad_path_map"


def test_rate_parses_typed_and_stored_forms() -> None:
    settings = TorznabIndexer.Settings
    got = declare.validate(settings, {"url": "http://i", "rate": "10/60"}, kind="torznab")
    assert got.rate == (10.0, 60.0)
    stored = declare.validate(settings, {"url": "http://i", "rate": [10, 60]}, kind="torznab")
    assert stored == got
    with pytest.raises(errors.UserError) as caught:
        declare.validate(settings, {"url": "http://i", "rate": "0/60"}, kind="torznab")
    assert caught.value.key == "error.bad_rate"


def test_rate_and_timeout_settings_override_the_declared_policy() -> None:
    plain = declare.validate(TorznabIndexer.Settings, {"url": "http://i"}, kind="torznab")
    assert declare.policy_of(TorznabIndexer, plain) == TorznabIndexer.policy
    own = declare.validate(
        TorznabIndexer.Settings, {"url": "http://i", "rate": "5/1", "timeout": "7"}, kind="torznab"
    )
    policy = declare.policy_of(TorznabIndexer, own)
    assert policy.rate == (5.0, 1.0) and policy.deadline == 7.0 and policy.retries == 1
    tmdb = declare.validate(TmdbProvider.Settings, {"api_key": "k"}, kind="tmdb")
    assert declare.policy_of(TmdbProvider, tmdb).rate == (40, 10.0)


def test_adapters_declare_kind_category_protocols_and_defaults() -> None:
    declared = [
        (cls.kind, cls.category, cls.protocols)
        for cls in (TorznabIndexer, NewznabIndexer, QBittorrentClient, TmdbProvider)
    ]
    assert declared == [
        ("torznab", "indexer", (Protocol.TORRENT,)),
        ("newznab", "indexer", (Protocol.USENET,)),
        ("qbittorrent", "client", (Protocol.TORRENT,)),
        ("tmdb", "provider", ()),
    ]
    defaults = {f.name: f.default for f in declare.fields_of(QBittorrentClient.Settings)}
    assert defaults["url"] == "http://localhost:8080"
    tmdb = {f.name: f for f in declare.fields_of(TmdbProvider.Settings)}
    assert tmdb["url"].default == "https://api.themoviedb.org/3" and tmdb["api_key"].secret


def test_a_bad_secret_is_not_repeated_in_the_error() -> None:
    @dataclass(frozen=True, slots=True)
    class Pin:
        pin: int = setting(help="the pin", secret=True)

    with pytest.raises(errors.UserError) as caught:
        declare.validate(Pin, {"pin": "secret-canary"}, kind="pin")
    assert caught.value.key == "error.setting_bad"
    assert "secret-canary" not in str(caught.value) + str(caught.value.params)
