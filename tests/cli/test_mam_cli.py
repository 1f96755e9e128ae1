"""`outpost indexer add --kind myanonamouse`, `doctor` and `search releases` through a local
MAM-shaped server: the mam_id goes only into the cookie, never into output or the data dir."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Outpost
from tests.support.mam_server import MamServer, mam_item

MAM_ID = "mam-cli-canary-9Tz2Kq7Lw0"


def add(outpost: Outpost, url: str, mam_id: str, *extra: str) -> object:
    return outpost(
        "indexer", "add", "mam", "--kind", "myanonamouse", "--url", url, "--mam-id", mam_id, *extra
    )  # fmt: skip


def nowhere_in(data_dir: Path, secret: str) -> bool:
    return all(
        secret.encode() not in path.read_bytes() for path in data_dir.rglob("*") if path.is_file()
    )


def test_a_wrong_mam_id_is_one_line_a_non_zero_exit_and_nothing_saved(outpost: Outpost) -> None:
    wrong = "wrong-mam-id-77QxLr0pZ"
    with MamServer(mam_id=MAM_ID) as mam:
        run = add(outpost, mam.url, wrong)
        as_json = add(outpost, mam.url, wrong, "--json")
        listed = outpost("indexer", "list", "--json")
    assert run.code != 0 and as_json.code != 0  # type: ignore[attr-defined]
    said = run.err.strip().splitlines()  # type: ignore[attr-defined]
    assert len(said) == 1 and "mam" in said[0] and "not logged in" in said[0].lower()
    assert [r.path for r in mam.requests] == ["/jsonLoad.php", "/jsonLoad.php"]  # no retries
    assert listed.json() == []
    for text in (run.out, run.err, as_json.out, as_json.err):  # type: ignore[attr-defined]
        assert wrong not in text
    assert nowhere_in(outpost.data_dir, wrong)  # type: ignore[attr-defined]


def test_add_doctor_and_search_releases_by_kind(outpost: Outpost) -> None:
    items = [
        mam_item(1, "Project Hail Mary", seeders=40),
        mam_item(2, "Project Hail Mary", seeders=3, free=True, size=410 << 20),
        mam_item(3, "Project Hail Mary", main_cat=14, filetype="epub"),
    ]
    with MamServer(mam_id=MAM_ID, items=items) as mam:
        added = add(outpost, mam.url, MAM_ID, "--seed-hours", "96")
        doctor = outpost("doctor")
        doctor_json = outpost("doctor", "--json")
        audio = outpost("search", "releases", "project hail mary", "--kind", "audiobook")
        audio_json = outpost(
            "search", "releases", "project hail mary", "--kind", "audiobook", "--json"
        )
        book = outpost("search", "releases", "project hail mary", "--kind", "book", "--json")
        before_movie = len(mam.searches())
        movie = outpost("search", "releases", "project hail mary", "--kind", "movie", "--json")
        series = outpost("search", "releases", "project hail mary", "--kind", "series", "--json")
        after_movie = len(mam.searches())
        listed = outpost("indexer", "list", "--json")
    assert added.code == 0, added.err  # type: ignore[attr-defined]
    assert "mam: class Power User, ratio 3.42" in doctor.out, doctor.out
    assert doctor_json.code == 1  # no client yet; the indexer itself is fine
    [entry] = [h for h in doctor_json.json()["checks"] if h["name"] == "mam"]
    assert entry["ok"] and entry["class"] == "Power User" and entry["ratio"] == 3.42
    assert MAM_ID not in doctor_json.out + doctor.out + listed.out
    assert audio.code == 0, audio.err
    header, _, first, second = audio.out.splitlines()[:4]
    assert "FLAGS" in header.split()
    assert "freeleech" in first and "freeleech" not in second  # freeleech first, quality equal
    rows = audio_json.json()["releases"]
    assert [r["flags"] for r in rows] == [["freeleech"], []] and rows[0]["freeleech"]
    assert [r["title"] for r in book.json()["releases"]] == [
        "Andy Weir - Project Hail Mary (narrated by Ray Porter) [EPUB]"
    ]
    assert movie.json()["releases"] == [] and series.json()["releases"] == []
    assert after_movie == before_movie  # movie and TV searches never reach MAM
    assert MAM_ID not in audio_json.out + book.out
    for request in mam.requests:
        assert MAM_ID not in request.path + str(request.query)
    [row] = listed.json()
    assert row["kind"] == "myanonamouse" and row["seed_hours"] == 96.0
    assert nowhere_in(outpost.data_dir, MAM_ID)  # type: ignore[attr-defined]
