"""A small NNTP server on loopback serving yEnc articles, and the NZB that points at them.

Usenet clients (NZBGet, SABnzbd) download real jobs through it. An article nobody posted gets
430 (no such article), which is the failure path. Recipe: the daemon notes, section 8.
"""

from __future__ import annotations

import binascii
import html
import os
import socketserver
import threading
from dataclasses import dataclass
from types import TracebackType

SEGMENT = 100_000
GROUP = "alt.binaries.test"


@dataclass(frozen=True)
class Post:
    """One file posted as yEnc articles, and the NZB naming them."""

    filename: str
    data: bytes
    articles: dict[str, list[bytes]]
    nzb: bytes


def yenc_lines(data: bytes, line_len: int = 128) -> list[bytes]:
    out: list[bytes] = []
    cur = bytearray()

    def esc(c: int) -> bytes:
        return b"=" + bytes([(c + 64) & 0xFF])

    def close() -> None:
        if cur[-1] in (9, 32):  # trailing whitespace is escaped
            last = cur.pop()
            cur.extend(esc(last))
        out.append(bytes(cur))
        cur.clear()

    for b in data:
        c = (b + 42) & 0xFF
        if c in (0, 10, 13, 61) or (not cur and c in (9, 32, 46)):
            cur.extend(esc(c))
        else:
            cur.append(c)
        if len(cur) >= line_len:
            close()
    if cur:
        close()
    return out


def post(filename: str, data: bytes, segment: int = SEGMENT) -> Post:
    """yEnc multi-part articles for `data` under `filename`, and their NZB."""
    total = -(-len(data) // segment)
    articles: dict[str, list[bytes]] = {}
    segments = []
    crc = binascii.crc32(data)
    for i in range(total):
        part = data[i * segment : (i + 1) * segment]
        begin = i * segment + 1
        mid = f"part{i + 1}of{total}.{os.urandom(6).hex()}@fake.invalid"
        head = b"=ybegin part=%d total=%d line=128 size=%d name=%s" % (
            i + 1,
            total,
            len(data),
            filename.encode(),
        )
        tail = b"=yend size=%d part=%d pcrc32=%08x crc32=%08x" % (
            len(part),
            i + 1,
            binascii.crc32(part),
            crc,
        )
        ypart = b"=ypart begin=%d end=%d" % (begin, begin + len(part) - 1)
        articles[mid] = [head, ypart, *yenc_lines(part), tail]
        segments.append(f'<segment bytes="{len(part)}" number="{i + 1}">{mid}</segment>\n')
    subject = html.escape(f'{filename} [1/1] - "{filename}" yEnc (1/{total})', quote=True)
    nzb = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<nzb xmlns="http://www.newzbin.com/DTD/2003/nzb">\n'
        f'<file poster="t &lt;t@fake.invalid&gt;" date="1700000000" subject="{subject}">\n'
        f"<groups><group>{GROUP}</group></groups><segments>\n"
        + "".join(segments)
        + "</segments></file></nzb>\n"
    )
    return Post(filename, data, articles, nzb.encode())


class NewsServer:
    """`with NewsServer() as news:` then `news.serve(post)`; articles unknown to it get 430."""

    def __init__(self) -> None:
        self.articles: dict[str, list[bytes]] = {}
        self.requests = 0
        outer = self

        class _Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                self.wfile.write(b"200 fake-nntp ready\r\n")
                while line := self.rfile.readline():
                    reply = outer._reply(line.decode(errors="replace").split())
                    self.wfile.write(reply)
                    if reply.startswith(b"205"):
                        break

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def serve(self, posted: Post) -> None:
        self.articles.update(posted.articles)

    def _reply(self, parts: list[str]) -> bytes:
        cmd = parts[0].upper() if parts else ""
        arg = parts[1] if len(parts) > 1 else ""
        simple = {
            "QUIT": b"205 bye",
            "CAPABILITIES": b"101 caps\r\nVERSION 2\r\nREADER\r\n.",
            "MODE": b"200 reader",
            "AUTHINFO": b"381 more" if arg.upper() == "USER" else b"281 ok",
            "DATE": b"111 20240101000000",
            "GROUP": b"211 1 1 1 " + arg.encode(),
        }
        if cmd in simple:
            return simple[cmd] + b"\r\n"
        if cmd in ("ARTICLE", "BODY", "HEAD", "STAT"):
            self.requests += 1
            return self._article(cmd, arg.strip("<>"))
        return b"500 what?\r\n"

    def _article(self, cmd: str, mid: str) -> bytes:
        if mid not in self.articles:
            return b"430 no such article\r\n"
        if cmd == "STAT":
            return b"223 0 <%s>\r\n" % mid.encode()
        code = {"ARTICLE": 220, "BODY": 222, "HEAD": 221}[cmd]
        out = [b"%d 0 <%s>" % (code, mid.encode())]
        if cmd != "BODY":
            out += [b"Message-ID: <%s>" % mid.encode(), b"Subject: test", b"From: t@fake.invalid"]
            out.append(b"Newsgroups: " + GROUP.encode())
        if cmd == "ARTICLE":
            out.append(b"")
        if cmd != "HEAD":  # dot-stuffing
            out += [b"." + line if line.startswith(b".") else line for line in self.articles[mid]]
        return b"\r\n".join([*out, b"."]) + b"\r\n"

    def __enter__(self) -> NewsServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
