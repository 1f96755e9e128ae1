"""`outpost` in a pseudo-terminal, as a person at a keyboard: type lines, read with a deadline."""

from __future__ import annotations

import codecs
import os
import pty
import re
import select
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CTRL_C, CTRL_D = "\x03", "\x04"


def environment() -> dict[str, str]:
    """English, this worktree's code, and no chat token or key from the developer's shell."""
    env = {**os.environ, "OUTPOST_LANG": "en", "PYTHONPATH": str(ROOT)}
    for name in (
        "OUTPOST_TELEGRAM_TOKEN",
        "OUTPOST_DISCORD_TOKEN",
        "OUTPOST_SECRET_KEY",
        "OUTPOST_DATABASE_URL",
        "OUTPOST_DATA_DIR",
    ):
        env.pop(name, None)
    return env


class Terminal:
    """The child has the pseudo-terminal as its controlling terminal, so Ctrl+C and Ctrl+D
    mean what they mean at a keyboard. `expect` only looks at output after its last match."""

    def __init__(self, data_dir: Path, *args: str) -> None:
        argv = [sys.executable, "-m", "bot.cli", "--data-dir", str(data_dir), *args]
        env = environment()
        pid, fd = pty.fork()
        if pid == 0:  # the child: nothing but exec
            os.execve(sys.executable, argv, env)
        self.pid, self._fd = pid, fd
        self.output = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")  # emoji span reads
        self._seen = 0
        self.returncode: int | None = None

    def type(self, text: str) -> None:
        """Keys as typed: a line ends with Enter."""
        os.write(self._fd, text.encode())

    def line(self, text: str) -> None:
        self.type(text + "\r")

    def expect(self, pattern: str, timeout: float = 30.0) -> re.Match[str]:
        """Wait for `pattern` (a regular expression) in new output; fail with what was shown."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while True:
            found = regex.search(self.output, self._seen)
            if found is not None:
                self._seen = found.end()
                return found
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(left):
                tail = self.output[-4000:]
                raise AssertionError(f"no {pattern!r} within {timeout} s; the screen:\n{tail}")

    def wait(self, timeout: float = 30.0) -> int:
        """The exit status once the child ended (killed and failed after `timeout`)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._read(0.1)
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                self.returncode = os.waitstatus_to_exitcode(status)
                while self._read(0.1):
                    pass
                return self.returncode
        self.close()
        raise AssertionError(f"still running after {timeout} s:\n{self.output[-4000:]}")

    def close(self) -> None:
        if self.returncode is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.returncode = -9
        os.close(self._fd)

    def _read(self, timeout: float) -> bool:
        """What the child wrote within `timeout`; False once it closed the terminal."""
        ready, _, _ = select.select([self._fd], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self._fd, 65536)
        except OSError:  # EIO: every end of the terminal on the child's side is closed
            return False
        if not chunk:
            return False
        self.output += self._decoder.decode(chunk).replace("\r", "")
        return True
