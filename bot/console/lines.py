"""Lines typed on standard input, read as they come without blocking the event loop."""

from __future__ import annotations

import asyncio
import os
import termios

CHUNK = 4096


class Lines:
    """An async source of lines from a file descriptor (a terminal or a pipe): the loop calls
    back when it is readable, so no thread waits on it. A regular file, which is always
    readable, is read to its end at once. `next()` returns None at end of input."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._rest = b""
        self._open = False

    def open(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            loop.add_reader(self._fd, self._readable)
        except PermissionError:  # epoll refuses regular files
            while self._readable():
                pass
            return
        self._open = True

    def echo(self, on: bool) -> None:
        """Show what is typed, or not (for a secret); nothing to do unless it is a terminal."""
        if not os.isatty(self._fd):
            return
        attrs = termios.tcgetattr(self._fd)
        attrs[3] = attrs[3] | termios.ECHO if on else attrs[3] & ~termios.ECHO
        termios.tcsetattr(self._fd, termios.TCSANOW, attrs)

    async def next(self) -> str | None:
        return await self._queue.get()

    def close(self) -> None:
        self.echo(True)
        if self._open:
            asyncio.get_running_loop().remove_reader(self._fd)
            self._open = False

    def _readable(self) -> bool:
        """Read what is there; False once the input has ended."""
        try:
            chunk = os.read(self._fd, CHUNK)
        except BlockingIOError:
            return True
        except OSError:  # a closed terminal reads as EIO
            chunk = b""
        if not chunk:
            self._end()
            return False
        *lines, self._rest = (self._rest + chunk).split(b"\n")
        for line in lines:
            self._queue.put_nowait(line.decode("utf-8", "replace").rstrip("\r"))
        return True

    def _end(self) -> None:
        self.close()
        if self._rest:
            self._queue.put_nowait(self._rest.decode("utf-8", "replace"))
            self._rest = b""
        self._queue.put_nowait(None)
