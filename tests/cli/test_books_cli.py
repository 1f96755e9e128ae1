"""`outpost search media --kind audiobook` through loopback Open Library and Audnexus."""

from __future__ import annotations

from tests.cli.conftest import Outpost
from tests.metadata.books import CONTACT, FakeAudnexus, FakeOpenLibrary
from tests.support.localserver import LocalServer, Response


def test_an_audiobook_search_shows_the_narrator_and_the_series(outpost: Outpost) -> None:
    with LocalServer(FakeOpenLibrary()) as ol, LocalServer(FakeAudnexus()) as ax:
        books = outpost(
            "provider", "set", "openlibrary", "--url", ol.url, "--contact", CONTACT
        )  # fmt: skip
        audio = outpost("provider", "set", "audnexus", "--url", ax.url)
        hail_mary = outpost("search", "media", "project hail mary", "--kind", "audiobook")
        as_json = outpost("search", "media", "project hail mary", "--kind", "audiobook", "--json")
        legion = outpost("search", "media", "galaxy's edge", "--kind", "audiobook")
        asked = [r.path for r in ax.requests]
    assert books.code == 0, books.err
    assert audio.code == 0, audio.err
    assert hail_mary.code == 0, hail_mary.err
    header, _, first, *_ = hail_mary.out.splitlines()
    assert header.split() == ["KIND", "TITLE", "YEAR", "AUTHOR", "NARRATOR"]
    assert "Project Hail Mary" in first and "Andy Weir" in first and "Ray Porter" in first
    media = as_json.json()["media"]
    assert ("narrator", "Ray Porter") in [(c["role"], c["name"]) for c in media[0]["credits"]]
    assert media[0]["ids"]["asin"] == "B08G9PRS1K" and media[0]["series"] is None
    assert as_json.json()["errors"] == []
    assert legion.code == 0, legion.err
    assert "SERIES" in legion.out.splitlines()[0]
    row = legion.out.splitlines()[2]
    assert "R.C. Bray" in row and "Galaxy's Edge Series #1-2" in row
    # Audnexus' test at `provider set`, then one lookup per ASIN: the second search is cached
    assert asked.count("/books/B08G9PRS1K") == 2 and asked.count("/books/B079LRSMNN") == 1


def test_open_library_without_a_contact_is_refused_at_setup_with_what_to_do(
    outpost: Outpost,
) -> None:
    with LocalServer(FakeOpenLibrary()) as ol:
        run = outpost("provider", "set", "openlibrary", "--url", ol.url)
        listed = outpost("provider", "list", "--json")
    assert run.code == 1
    assert "openlibrary" in run.err and "--contact" in run.err
    assert listed.code == 0
    [entry] = [p for p in listed.json() if p["name"] == "openlibrary"]
    assert entry["default"] and entry["contact"] is None  # nothing was saved: still the defaults


def test_audnexus_down_is_named_in_errors_and_the_title_still_comes_back(
    outpost: Outpost,
) -> None:
    down = FakeAudnexus(overrides={"/books/B079LRSMNN": Response(503, "busy", {})})
    with LocalServer(FakeOpenLibrary()) as ol, LocalServer(down) as ax:
        outpost("provider", "set", "openlibrary", "--url", ol.url, "--contact", CONTACT)
        outpost("provider", "set", "audnexus", "--url", ax.url)
        run = outpost("search", "media", "galaxy's edge", "--kind", "audiobook", "--json")
        said = outpost("search", "media", "galaxy's edge", "--kind", "audiobook")
    assert run.code == 0, run.err
    (book,) = run.json()["media"]
    assert book["title"] == "Galaxy's Edge" and book["series"] is None
    busy = "audnexus cannot serve requests right now. Try again later."
    assert run.json()["errors"] == [{"provider": "audnexus", "error": busy}]
    assert "audnexus failed: audnexus cannot serve requests right now" in said.out
    assert "Galaxy's Edge" in said.out
