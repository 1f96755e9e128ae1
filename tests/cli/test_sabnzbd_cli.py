"""`outpost client add --kind sabnzbd` and `doctor` against the session's real sabnzbdplus."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Outpost
from tests.cli.test_bad_input import assert_one_line_error, closed_port
from tests.support.sabnzbd import SabnzbdDaemon

WRONG_KEY = "canary" + "0" * 26  # SABnzbd keys are 32 characters


def add_sabnzbd(url: str, api_key: str, *extra: str) -> tuple[str, ...]:
    return ("client", "add", "sab", "--kind", "sabnzbd", "--url", url, "--api-key", api_key, *extra)


def stored(outpost: Outpost) -> list[bytes]:
    data: Path = outpost.data_dir  # type: ignore[attr-defined]
    return [p.read_bytes() for p in data.rglob("*") if p.is_file()] if data.exists() else []


def test_add_tests_the_daemon_and_doctor_says_it_works(
    outpost: Outpost, sabnzbd_daemon: SabnzbdDaemon
) -> None:
    key = sabnzbd_daemon.api_key
    added = outpost(*add_sabnzbd(sabnzbd_daemon.url, key, "--category", "tv"))
    assert added.code == 0, added.err
    (listed,) = outpost("client", "list", "--json").json()
    assert (listed["name"], listed["kind"]) == ("sab", "sabnzbd")
    doctor = outpost("doctor", "--json")
    [check] = [c for c in doctor.json()["checks"] if c["name"] == "sab"]
    assert check["ok"] and check["version"] == "3.7.1", check
    human = outpost("doctor")
    seen = added.out + added.err + str(listed) + doctor.out + human.out + human.err
    assert key not in seen
    assert stored(outpost) and not any(key.encode() in blob for blob in stored(outpost))


def test_a_wrong_key_is_one_line_and_nothing_is_saved(
    outpost: Outpost, sabnzbd_daemon: SabnzbdDaemon
) -> None:
    run = outpost(*add_sabnzbd(sabnzbd_daemon.url, WRONG_KEY))
    assert_one_line_error(run, "sab", "API key", "Config → General")
    assert WRONG_KEY not in run.out + run.err
    assert outpost("client", "list", "--json").json() == []
    assert not any(WRONG_KEY.encode() in blob for blob in stored(outpost))


def test_the_nzb_key_is_refused_too(outpost: Outpost, sabnzbd_daemon: SabnzbdDaemon) -> None:
    """The NZB Key can add jobs but not read the queue: saved, Outpost could never track one."""
    run = outpost(*add_sabnzbd(sabnzbd_daemon.url, sabnzbd_daemon.nzb_key))
    assert_one_line_error(run, "sab", "not the NZB Key")
    assert outpost("client", "list", "--json").json() == []


def test_a_dead_port_is_one_line_and_nothing_is_saved(outpost: Outpost) -> None:
    run = outpost(*add_sabnzbd(f"http://127.0.0.1:{closed_port()}", WRONG_KEY))
    assert_one_line_error(run, "sab", "nothing listens on", "SABnzbd usually listens on port 8080")
    assert outpost("client", "list", "--json").json() == []


def test_doctor_names_a_wrong_key_in_words(outpost: Outpost, sabnzbd_daemon: SabnzbdDaemon) -> None:
    saved = outpost(*add_sabnzbd(sabnzbd_daemon.url, WRONG_KEY, "--no-test"))
    assert saved.code == 0, saved.err
    doctor = outpost("doctor")
    assert doctor.code == 1
    [line] = [line for line in doctor.out.splitlines() if "API key" in line]
    assert "API key" in line and "Config → General" in line, doctor.out
    [check] = [c for c in outpost("doctor", "--json").json()["checks"] if c["name"] == "sab"]
    assert not check["ok"] and check["error"] == "error.sabnzbd_api_key", check
    assert WRONG_KEY not in doctor.out + doctor.err
