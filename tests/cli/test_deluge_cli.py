"""`outpost client add --kind deluge` and `doctor` against the session's real deluge-web."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import Outpost
from tests.support.deluge import DelugeDaemon


@pytest.fixture
def daemon(deluge_daemon: DelugeDaemon) -> Iterator[DelugeDaemon]:
    deluge_daemon.connect()
    yield deluge_daemon
    deluge_daemon.connect()
    deluge_daemon.clear()


def add_deluge(url: str, password: str, *extra: str) -> tuple[str, ...]:
    return (
        "client",
        "add",
        "del",
        "--kind",
        "deluge",
        "--url",
        url,
        "--password",
        password,
        *extra,
    )


def test_add_tests_the_web_ui_and_doctor_says_it_works(
    outpost: Outpost, daemon: DelugeDaemon
) -> None:
    daemon.call("web.disconnect")  # deluge-web as it starts: Outpost connects it itself
    added = outpost(*add_deluge(daemon.url, daemon.password, "--category", "tv"))
    assert added.code == 0, added.err
    doctor = outpost("doctor", "--json").json()
    [check] = [c for c in doctor["checks"] if c["name"] == "del"]
    assert check["ok"] and check["version"] == "2.0.3" and "notes" not in check
    assert daemon.password not in outpost("client", "list", "--json").out + doctor_text(outpost)
    data_dir: Path = outpost.data_dir  # type: ignore[attr-defined]
    stored = [p.read_bytes() for p in data_dir.rglob("*") if p.is_file()]
    assert stored and not any(daemon.password.encode() in blob for blob in stored)


def doctor_text(outpost: Outpost) -> str:
    run = outpost("doctor")
    return run.out + run.err


def test_a_wrong_password_is_one_line_and_nothing_is_saved(
    outpost: Outpost, daemon: DelugeDaemon
) -> None:
    added = outpost(*add_deluge(daemon.url, "canary-not-the-password"))
    assert added.code != 0
    assert "canary-not-the-password" not in added.out + added.err
    assert outpost("client", "list", "--json").json() == []


def test_doctor_notes_the_label_plugin_off(outpost: Outpost, daemon: DelugeDaemon) -> None:
    assert outpost(*add_deluge(daemon.url, daemon.password)).code == 0
    daemon.set_plugin("Label", False)
    try:
        human = outpost("doctor").out
        [check] = outpost("doctor", "--json").json()["checks"]
    finally:
        daemon.set_plugin("Label", True)
    assert "Label plugin is off" in human
    assert check["ok"] and check["notes"] == ["note.deluge_no_label"]


def test_doctor_names_a_web_ui_without_a_daemon(outpost: Outpost) -> None:
    if not DelugeDaemon.available():
        pytest.skip("deluged or deluge-web is not installed")
    with DelugeDaemon(hosts=False) as lonely:
        assert outpost(*add_deluge(lonely.url, lonely.password, "--no-test")).code == 0
        doctor = outpost("doctor")
    assert doctor.code == 1
    assert "not connected to a daemon" in doctor.out and "Connection Manager" in doctor.out
