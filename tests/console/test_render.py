"""The console's pieces on their own: views as text with numbered choices, and input that never
blocks the event loop."""

from __future__ import annotations

import asyncio
import io
import os
from pathlib import Path

from bot.console.lines import Lines
from bot.console.render import Screen, render
from bot.views import Button, Text, View

SEARCH = View(
    (Text("search.title_year", {"title": "Dune", "year": 2021}),),
    (
        (Button(Text("button.grab_best"), "tok-best"), Button(Text("button.choose"), "tok-pick")),
        (Button(Text("button.next"), "tok-next"),),
    ),
    photo="https://img.example/dune.jpg",
)


def test_buttons_become_numbered_choices_and_the_photo_a_poster_line() -> None:
    printed = render(SEARCH, "en")
    assert printed.text.splitlines() == [
        "Dune (2021)",
        "poster: https://img.example/dune.jpg",
        "[1] ⬇ Grab best  [2] 🔎 Choose release",
        "[3] ▶",
    ]
    assert printed.tokens == ("tok-best", "tok-pick", "tok-next")


def test_a_choice_list_is_numbered_first_four_a_line() -> None:
    picks = tuple(Button(Text("button.grab_n", {"n": n}), f"tok{n}") for n in range(1, 7))
    nav = ((Button(Text("button.next"), "tok-next"),),)
    printed = render(View((Text("releases.order"),), nav, choices=picks), "en")
    assert printed.tokens == (*(f"tok{n}" for n in range(1, 7)), "tok-next")
    lines = printed.text.splitlines()
    assert lines[1].startswith("[1] ") and "[4] " in lines[1] and "[5] " not in lines[1]
    assert lines[2].startswith("[5] ") and lines[3].startswith("[7] ")


def test_text_is_in_the_persons_language_and_cannot_steer_the_terminal() -> None:
    hostile = View((Text("search.title", {"title": "Dune\x1b[2J\u202e"}),), photo="u")
    assert render(hostile, "de").text.splitlines() == ["Dune[2J", "Poster: u"]  # dropped


def test_numbers_count_across_one_answer_and_the_latest_answer_with_buttons_wins() -> None:
    out = io.StringIO()
    screen = Screen(out)
    screen.show([SEARCH, SEARCH], "en")
    assert "[4] ⬇ Grab best  [5] 🔎 Choose release" in out.getvalue()
    assert [screen.choice(n) for n in (1, 4, 6, 7, 0)] == [
        "tok-best",
        "tok-best",
        "tok-next",
        None,
        None,
    ]
    screen.show([View((Text("queue.empty"),))], "en")  # no buttons: the choices stay
    assert screen.choice(2) == "tok-pick"
    screen.show([View((), ((Button(Text("button.pause"), "tok-pause"),),))], "en")
    assert (screen.choice(1), screen.choice(2)) == ("tok-pause", None)


async def test_reading_input_leaves_the_loop_free_until_a_line_comes() -> None:
    read_end, write_end = os.pipe()
    lines = Lines(read_end)
    lines.open()
    try:
        waiting = asyncio.create_task(lines.next())
        await asyncio.sleep(0.05)  # the loop runs on while nothing was typed
        assert not waiting.done()
        os.write(write_end, b"/search dune\r\nhalf")
        assert await asyncio.wait_for(waiting, 5) == "/search dune"
        os.close(write_end)
        assert await asyncio.wait_for(lines.next(), 5) == "half"  # the last line, unended
        assert await asyncio.wait_for(lines.next(), 5) is None  # end of input
    finally:
        lines.close()
        os.close(read_end)


async def test_a_file_as_input_is_read_to_its_end(tmp_path: Path) -> None:
    path = tmp_path / "typed.txt"
    path.write_text("/queue\n/quit\n")
    fd = os.open(path, os.O_RDONLY)
    try:
        lines = Lines(fd)
        lines.open()
        assert [await lines.next() for _ in range(3)] == ["/queue", "/quit", None]
    finally:
        os.close(fd)
