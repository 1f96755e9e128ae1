"""CLI output: tidy tables for people, JSON for scripts, translated one-line messages."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any, TextIO

from bot.i18n import t
from core.visible import visible


def clean(text: str) -> str:
    """Drop control and format characters (RTL overrides, NUL) so a hostile title cannot
    rearrange or hide what a terminal shows."""
    return "".join(
        " " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in str(text)
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, max_width: int = 60) -> str:
    cells = [[clean(str(c)) for c in row] for row in rows]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in cells]
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [line.format(*headers).rstrip(), line.format(*("─" * w for w in widths))]
    out += [line.format(*row).rstrip() for row in cells]
    return "\n".join(out)


class Output:
    """Where a command writes. In JSON mode only the JSON document reaches stdout."""

    def __init__(
        self,
        *,
        json_mode: bool,
        lang: str,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
    ) -> None:
        self.json_mode = json_mode
        self.lang = lang
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr

    def t(self, key: str, /, **params: Any) -> str:
        return t(key, self.lang, **params)

    def say(self, key: str, /, **params: Any) -> None:
        """A sentence for people; in JSON mode it goes to stderr so stdout stays parseable."""
        print(clean(self.t(key, **params)), file=self.stderr if self.json_mode else self.stdout)

    def text(self, text: str) -> None:
        if not self.json_mode:
            print(visible(text), file=self.stdout)

    def data(self, document: Any) -> None:
        if self.json_mode:
            json.dump(document, self.stdout, ensure_ascii=False, indent=2, default=str)
            self.stdout.write("\n")

    def error(self, key: str, /, **params: Any) -> None:
        print(clean(self.t("cli.error_prefix") + self.t(key, **params)), file=self.stderr)
