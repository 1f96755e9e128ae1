"""`outpost client add --kind nzbget` against the real nzbget: tested before it is kept."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Outpost
from tests.support.nzbget import NzbgetDaemon


def add_nzbget(daemon: NzbgetDaemon, password: str, *extra: str) -> tuple[str, ...]:
    login = ("--username", daemon.username, "--password", password)
    return ("client", "add", "nzb", "--kind", "nzbget", "--url", daemon.url, *login, *extra)


def test_add_tests_the_daemon_and_keeps_it_as_a_usenet_client(
    outpost: Outpost, nzbget_daemon: NzbgetDaemon
) -> None:
    run = outpost(*add_nzbget(nzbget_daemon, nzbget_daemon.password, "--category", "tv"))
    assert run.code == 0, run.err
    (listed,) = outpost("client", "list", "--json").json()
    assert (listed["name"], listed["kind"]) == ("nzb", "nzbget")
    assert nzbget_daemon.password not in run.out + run.err + str(listed)


def test_a_wrong_password_is_one_line_and_nothing_is_kept(
    outpost: Outpost, nzbget_daemon: NzbgetDaemon
) -> None:
    wrong = "wrong-" + nzbget_daemon.password
    run = outpost(*add_nzbget(nzbget_daemon, wrong))
    assert run.code != 0
    assert len(run.err.strip().splitlines()) == 1, run.err
    assert wrong not in run.out + run.err
    assert outpost("client", "list", "--json").json() == []
    data = Path(outpost.data_dir)  # type: ignore[attr-defined]
    for path in data.rglob("*") if data.exists() else []:
        if path.is_file():
            assert wrong.encode() not in path.read_bytes()
