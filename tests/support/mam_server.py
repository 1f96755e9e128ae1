"""A MyAnonamouse-shaped server on loopback: `/jsonLoad.php`, the paged JSON search and the
torrent download, answering only the `mam_id` cookie it was given (an expired session is a
403 on the JSON endpoints and a redirect to `/login.php` elsewhere, as MAM does).

    with MamServer(mam_id="secret", items=[mam_item(1, "Project Hail Mary", ...)]) as mam:
        mam.serve_torrent(1, torrent_bytes)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tests.support.localserver import LocalServer, Request, Response

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "indexers" / "myanonamouse"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def mam_item(
    tid: int,
    title: str,
    *,
    author: str = "Andy Weir",
    narrator: str | None = "Ray Porter",
    series: tuple[str, str] | None = None,
    main_cat: int = 13,
    size: int = 400 << 20,
    seeders: int = 10,
    filetype: str = "m4b",
    free: bool = False,
    vip: bool = False,
    personal: bool = False,
) -> dict[str, Any]:
    """One `data[]` item in MAM's form: strings for numbers, JSON text in the *_info fields."""
    return {
        "id": str(tid),
        "language": "1",
        "main_cat": str(main_cat),
        "category": "47" if main_cat == 13 else "69",
        "catname": "Audiobooks - Science Fiction" if main_cat == 13 else "Ebooks - Science Fiction",
        "size": str(size),
        "numfiles": "1",
        "vip": "1" if vip else "0",
        "free": "1" if free else "0",
        "fl_vip": "0",
        "personal_freeleech": personal,
        "title": title,
        "author_info": json.dumps({"1": author}),
        "narrator_info": json.dumps({"2": narrator} if narrator else {}),
        "series_info": json.dumps({"3": list(series)} if series else {}),
        "filetype": filetype,
        "added": "2021-05-04 10:00:00",
        "seeders": str(seeders),
        "leechers": "1",
        "times_completed": "99",
        "my_snatched": False,
    }


class MamServer:
    def __init__(
        self,
        *,
        mam_id: str,
        items: Iterable[Mapping[str, Any]] = (),
        account: Mapping[str, Any] | None = None,
    ) -> None:
        self.mam_id = mam_id
        self.items = [dict(i) for i in items]
        self.account = dict(account or fixture("jsonload.json"))
        self.torrents: dict[str, bytes] = {}
        self.raw_search: Any = None  # when set, served as the search answer as is
        self.web_page = False  # every answer a sign-in page, as a proxy in front might give
        self.files: dict[str, tuple[bytes, str]] = {}  # other paths: (body, content type)
        self.busy = 0  # this many searches are answered 429 with Retry-After: 1 first
        self.server = LocalServer(self._handle)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    def searches(self) -> list[Request]:
        return [r for r in self.requests if r.path == "/tor/js/loadSearchJSONbasic.php"]

    def serve_torrent(self, tid: int, data: bytes) -> None:
        self.torrents[str(tid)] = data

    def __enter__(self) -> MamServer:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    def _logged_in(self, request: Request) -> bool:
        cookies = dict(
            part.strip().partition("=")[::2]
            for part in request.headers.get("cookie", "").split(";")
        )
        return cookies.get("mam_id") == self.mam_id

    def sent(self) -> list[dict[str, str]]:
        """The parameters of every search, one value per name (the contract suite's view)."""
        return [{k: v[0] for k, v in r.query.items()} for r in self.searches()]

    def _handle(self, request: Request) -> Response:
        if self.web_page:
            page = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body></body></html>"
            return Response(200, page, {"Content-Type": "text/html; charset=utf-8"})
        if request.path in self.files:
            body, kind = self.files[request.path]
            return Response(200, body, {"Content-Type": kind})
        if not self._logged_in(request):
            if request.path.endswith(".php") and "/tor/download" not in request.path:
                return _json({"error": "Not logged in"}, 403)
            return Response(302, b"", {"Location": "/login.php"})
        if request.path == "/jsonLoad.php":
            return _json(self.account)
        if request.path == "/tor/js/loadSearchJSONbasic.php":
            return self._search(request)
        if request.path == "/tor/download.php":
            data = self.torrents.get(request.arg("tid") or "")
            if data is None:
                return Response(200, b"<html>no such torrent</html>", {"Content-Type": "text/html"})
            return Response(200, data, {"Content-Type": "application/x-bittorrent"})
        return Response(404, b"not found", {"Content-Type": "text/plain"})

    def _search(self, request: Request) -> Response:
        if self.busy > 0:
            self.busy -= 1
            return Response(429, b"slow down", {"Retry-After": "1", "Content-Type": "text/plain"})
        if self.raw_search is not None:
            return _json(self.raw_search)
        words = (request.arg("tor[text]") or "").lower().split()
        cats = set(request.query.get("tor[main_cat][]", []))
        hits = [
            i
            for i in self.items
            if all(w in json.dumps(i).lower() for w in words)
            and (not cats or str(i.get("main_cat")) in cats)
        ]
        start = int(request.arg("tor[startNumber]") or 0)
        per = min(100, int(request.arg("perpage") or 25))
        page = hits[start : start + per]
        if not hits:
            return _json({"error": "Nothing returned, out of 0"})
        return _json({"data": page, "total": str(len(page)), "total_found": str(len(hits))})


def _json(body: Any, status: int = 200) -> Response:
    return Response(status, json.dumps(body), {"Content-Type": "application/json; charset=utf-8"})
