"""`outpost client add --kind transmission` and `doctor` against the real transmission-daemon."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Outpost
from tests.cli.test_bad_input import assert_one_line_error, closed_port
from tests.support.transmission import TransmissionDaemon


def add(daemon: TransmissionDaemon, *extra: str, url: str | None = None) -> tuple[str, ...]:
    login = ("--username", daemon.username, *extra)
    return ("client", "add", "tr", "--kind", "transmission", "--url", url or daemon.url, *login)


def test_a_wrong_password_is_one_line_and_nothing_is_saved(
    outpost: Outpost, transmission_daemon: TransmissionDaemon
) -> None:
    run = outpost(*add(transmission_daemon, "--password", "canary-wrong-tr-1"))
    assert_one_line_error(run, "tr", "credentials")
    assert "canary-wrong-tr-1" not in run.out + run.err
    assert outpost("client", "list", "--json").json() == []


def test_a_dead_port_is_one_line_and_nothing_is_saved(
    outpost: Outpost, transmission_daemon: TransmissionDaemon
) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    run = outpost(*add(transmission_daemon, "--password", "x", url=url))
    assert_one_line_error(run, "tr", "nothing listens on", "port looks wrong", "9091")
    assert outpost("client", "list", "--json").json() == []


def test_added_with_the_rpc_path_and_doctor_says_it_works(
    outpost: Outpost, transmission_daemon: TransmissionDaemon
) -> None:
    url = f"{transmission_daemon.url}/transmission/rpc"
    added = outpost(*add(transmission_daemon, "--password", transmission_daemon.password, url=url))
    assert added.code == 0, added.err
    doctor = outpost("doctor", "--json")
    [check] = [c for c in doctor.json()["checks"] if c["name"] == "tr"]
    assert check["ok"], check
    assert transmission_daemon.password not in doctor.out + doctor.err
    stored = [p.read_bytes() for p in outpost.data_dir.rglob("*") if p.is_file()]  # type: ignore[attr-defined]
    assert stored and not any(transmission_daemon.password.encode() in data for data in stored)


def test_doctor_names_the_rpc_whitelist_in_words(outpost: Outpost, tmp_path: Path) -> None:
    with TransmissionDaemon(tmp_path / "walled", settings={"rpc-whitelist": "127.0.0.2"}) as walled:
        saved = outpost(*add(walled, "--password", walled.password, "--no-test"))
        assert saved.code == 0, saved.err
        doctor = outpost("doctor")
    [line] = [line for line in doctor.out.splitlines() if " tr: " in line]
    assert "rpc-whitelist" in line and "settings.json" in line, doctor.out
    assert walled.password not in doctor.out + doctor.err
