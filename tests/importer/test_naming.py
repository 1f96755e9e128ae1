"""Name sanitising (hostile names, security notes section E) and template rendering."""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath

import pytest

from core.domain import Credit, MediaKind, Track
from core.naming import (
    DEFAULT_TEMPLATES,
    NAME_MAX,
    chosen_values,
    extension,
    known_values,
    render,
    sanitize_component,
    template_for,
    values_for,
)

SANITISED = [
    # (input, expected) — exact results, so a weakened rule fails here
    ("../", "+"),
    ("..\\", "+"),
    ("....//", "++"),
    ("..", "_"),
    (".", "_"),
    ("", "_"),
    ("   ", "_"),
    ("/etc/passwd", "+etc+passwd"),
    ("C:\\x.mkv", "C-+x.mkv"),
    ("\\\\srv\\share", "++srv+share"),
    ("\\\\?\\C:\\x", "+++C-+x"),
    ("a\x00.mkv", "a.mkv"),
    ("tab\tand\nnewline", "tab and newline"),
    ("Movie\u202ekvm.exe", "Moviekvm.exe"),
    ("zero\u200bwidth\u200djoin\ufeff", "zerowidthjoin"),
    ("CON", "_CON"),
    ("con", "_con"),
    ("nul.mkv", "_nul.mkv"),
    ("COM1", "_COM1"),
    ("LPT9.txt", "_LPT9.txt"),
    ("AUX .srt", "_AUX .srt"),
    ("CONSOLE", "CONSOLE"),
    ("Contact.mkv", "Contact.mkv"),
    ("name.", "name"),
    ("name. . ", "name"),
    (" lead", "lead"),
    (".hidden", "hidden"),
    ("name.mkv:ads", "name.mkv-ads"),
    ('<>:"|?*', "-'-"),
    ("Mission: Impossible", "Mission - Impossible"),
    ("AC/DC", "AC+DC"),
    ("x.mkv.exe", "x.mkv.exe"),
    ("{0.__class__.__mro__}", "{0.__class__.__mro__}"),
    ('"; touch pwned; "', "'; touch pwned; '"),
    ("$(rm -rf ~)", "$(rm -rf ~)"),
]


@pytest.mark.parametrize(("raw", "expected"), SANITISED, ids=repr)
def test_sanitise_table(raw: str, expected: str) -> None:
    assert sanitize_component(raw) == expected


@pytest.mark.parametrize(("raw", "_expected"), SANITISED, ids=repr)
def test_every_sanitised_name_is_one_safe_component(raw: str, _expected: str) -> None:
    name = sanitize_component(raw)
    assert name not in ("", ".", "..")
    assert PurePosixPath(name).parts == (name,)
    assert not any(ch in name for ch in '<>:"/\\|?*')
    assert all(unicodedata.category(ch) not in ("Cc", "Cf") for ch in name)
    assert name == name.strip(" .")
    assert sanitize_component(name) == name  # idempotent


def test_nfc_normalised() -> None:
    decomposed = "Ame\u0301lie"  # e + combining acute
    assert sanitize_component(decomposed) == "Am\u00e9lie"


def test_300_byte_name_is_cut_by_bytes_keeping_extension() -> None:
    name = sanitize_component("x" * 300 + ".mkv")
    assert len(name.encode()) == NAME_MAX
    assert name.endswith("x.mkv")


@pytest.mark.parametrize("char", ["😀", "é", "日", "\U0001f3f3"])
def test_multibyte_cut_at_a_character_boundary(char: str) -> None:
    name = sanitize_component(char * 200 + ".mkv")
    encoded = name.encode()
    assert len(encoded) <= NAME_MAX
    assert NAME_MAX - len(encoded) < len(char.encode())  # no more was cut than needed
    assert name.endswith(".mkv")
    assert set(name[:-4]) == {char}  # decodes whole: no half character


def test_emoji_exactly_at_the_cap_is_kept_whole() -> None:
    exact = "aaa" + "😀" * 62 + ".mkv"  # 3 + 248 + 4 = 255 bytes
    assert len(exact.encode()) == NAME_MAX
    assert sanitize_component(exact) == exact


def test_emoji_across_the_cap_is_dropped_whole() -> None:
    over = "aa" + "😀" * 63 + ".mkv"  # 258 bytes: the last emoji straddles the cap
    assert sanitize_component(over) == "aa" + "😀" * 62 + ".mkv"


def test_long_name_without_extension_and_custom_limit() -> None:
    assert sanitize_component("ab" * 200, limit=11) == "abababababa"
    assert len(sanitize_component("é" * 10, limit=5).encode()) == 4


@pytest.mark.parametrize(
    ("name", "ext"),
    [
        ("x.mkv.exe", "exe"),
        ("x.mkv .exe", "exe"),
        ("x.EXE", "exe"),
        ("x.exe.", "exe"),
        ("x.exe ", "exe"),
        ("Movie\u202ekvm.exe", "exe"),
        ("Movie\u202eexe.mkv", "mkv"),
        ("x.exe.mkv", "mkv"),
        ("noext", ""),
    ],
)
def test_extension_is_the_real_last_suffix(name: str, ext: str) -> None:
    assert extension(name) == ext


MOVIE = {"title": "Dune Part Two", "year": 2024, "quality": "webdl-2160p", "ext": "mkv"}


def test_movie_default() -> None:
    path = render(DEFAULT_TEMPLATES[MediaKind.MOVIE], MOVIE)
    assert path == PurePosixPath("Dune Part Two (2024)/Dune Part Two (2024) [webdl-2160p].mkv")


def test_series_default_with_and_without_episode_title() -> None:
    template = DEFAULT_TEMPLATES[MediaKind.SERIES]
    values = {"series": "The Expanse", "season": 2, "episode": 5, "ext": "mkv"}
    assert str(render(template, values | {"episode_title": "Home"})) == (
        "The Expanse/Season 02/The Expanse - S02E05 - Home.mkv"
    )
    assert str(render(template, values | {"episode_title": ""})) == (
        "The Expanse/Season 02/The Expanse - S02E05.mkv"
    )


def test_anime_default_is_sonarrs_with_the_absolute_number() -> None:
    template = DEFAULT_TEMPLATES[MediaKind.ANIME]
    values = {"series": "Frieren", "season": 1, "episode": 5, "absolute": 5, "ext": "mkv"}
    assert str(render(template, values | {"episode_title": "Phantoms of the Dead"})) == (
        "Frieren/Season 01/Frieren - S01E05 - 005 - Phantoms of the Dead.mkv"
    )


def test_music_and_book_defaults() -> None:
    music = {"artist": "Pink Floyd", "album": "Animals", "year": 1977, "track": 3}
    assert str(render(DEFAULT_TEMPLATES[MediaKind.MUSIC], music | {"title": "Dogs", "ext": "flac"}))
    assert (
        str(render(DEFAULT_TEMPLATES[MediaKind.MUSIC], music | {"title": "Dogs", "ext": "flac"}))
        == "Pink Floyd/Animals (1977)/03 - Dogs.flac"
    )
    book = {"author": "Frank Herbert", "title": "Dune", "ext": "epub"}
    assert str(render(DEFAULT_TEMPLATES[MediaKind.BOOK], book)) == ("Frank Herbert/Dune/Dune.epub")


@pytest.mark.parametrize(
    "title",
    [
        "{0.__class__.__mro__}",
        "{settings.api_key}",
        "{title}",
        "{ext}",
        "{year:02}",
        "%(title)s",
        "${title}",
    ],
)
def test_injection_in_a_value_stays_literal(title: str) -> None:
    path = render("{title}/{title}.{ext}", {"title": title, "ext": "mkv", "year": 1})
    safe = sanitize_component(title)  # "{year:02}" loses its colon, like any other title
    assert path == PurePosixPath(safe, f"{safe}.mkv")
    assert "1" not in str(path)


@pytest.mark.parametrize(
    "template",
    ["{0.__class__}", "{title.__class__}", "{title!r}", "{title:>10}", "{api_key}", "{{title}}"],
)
def test_only_allowlisted_tokens_in_a_template(template: str) -> None:
    rendered = str(render(template, {"title": "T"}))
    assert "str" not in rendered and "object" not in rendered
    if template == "{{title}}":
        assert rendered == "{T}"
    else:
        assert rendered == sanitize_component(template)


@pytest.mark.parametrize(
    ("template", "values", "expected"),
    [
        ("{season:02}", {"season": 3}, "03"),
        ("{season:2}", {"season": 3}, "3"),  # plain width pads with spaces, then trimmed
        ("x{season:2}", {"season": 3}, "x 3"),
        ("{episode:03}", {"episode": 7}, "007"),
        ("{episode:02}", {"episode": 123}, "123"),
        ("{track:02}", {"track": "4"}, "04"),
        ("{title:02}", {"title": "Up"}, "Up"),
        ("{year}", {"year": 1999}, "1999"),
    ],
)
def test_format_specs(template: str, values: dict[str, object], expected: str) -> None:
    assert str(render(template, values)) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"title": "Dune", "ext": "mkv"}, "Dune/Dune.mkv"),
        ({"title": "Dune", "year": 2021, "ext": "mkv"}, "Dune (2021)/Dune (2021).mkv"),
        ({"ext": "mkv"}, "_/_.mkv"),
        ({}, "_/_"),
    ],
)
def test_missing_tokens_leave_no_empty_brackets(values: dict[str, object], expected: str) -> None:
    rendered = render(DEFAULT_TEMPLATES[MediaKind.MOVIE], values)  # type: ignore[arg-type]
    assert str(rendered) == expected


def test_a_value_cannot_add_a_path_level() -> None:
    path = render("{title}/{title}.{ext}", {"title": "../../../etc/passwd", "ext": "mkv"})
    assert len(path.parts) == 2
    assert ".." not in path.parts and not path.is_absolute()


def test_template_slashes_make_levels_and_absolute_templates_stay_relative() -> None:
    assert render("/etc/{title}", {"title": "x"}) == PurePosixPath("etc/x")
    assert render("../{title}", {"title": "x"}) == PurePosixPath("_/x")


def test_template_for_uses_setting_or_default() -> None:
    assert template_for(MediaKind.MOVIE) == DEFAULT_TEMPLATES[MediaKind.MOVIE]
    assert template_for(MediaKind.MOVIE, "  ") == DEFAULT_TEMPLATES[MediaKind.MOVIE]
    assert template_for(MediaKind.MOVIE, "{title}.{ext}") == "{title}.{ext}"


@pytest.mark.parametrize(
    ("kind", "release", "file", "expected"),
    [
        (
            MediaKind.MOVIE,
            "Dune.2021.1080p.BluRay.x264-GRP",
            "dune.2021.1080p.bluray.x264-grp.mkv",
            "Dune (2021)/Dune (2021) [bluray-1080p].mkv",
        ),
        (
            MediaKind.SERIES,
            "The.Expanse.S02.1080p.WEB-DL.DD5.1.H.264-GRP",
            "The.Expanse.S02E05.1080p.WEB-DL.DD5.1.H.264-GRP.mkv",
            "The Expanse/Season 02/The Expanse - S02E05.mkv",
        ),
        (
            MediaKind.MUSIC,
            "Pink Floyd - The Dark Side of the Moon (1973) [FLAC]",
            "01 - Speak to Me.flac",
            "Pink Floyd/The Dark Side of the Moon (1973)/01 - Speak to Me.flac",
        ),
        (  # a fansub batch numbers absolutely: season 1, episode and absolute number
            MediaKind.ANIME,
            "[SubsPlease] Sousou no Frieren (01-28) (1080p) [Batch]",
            "[SubsPlease] Sousou no Frieren - 05 (1080p) [8A3B5C7D].mkv",
            "Sousou no Frieren/Season 01/Sousou no Frieren - S01E05 - 005.mkv",
        ),
        (  # a scene-named anime episode has no absolute number to show
            MediaKind.ANIME,
            "Sousou.no.Frieren.S01E05.1080p.WEB.H264-VARYG",
            "Sousou.no.Frieren.S01E05.1080p.WEB.H264-VARYG.mkv",
            "Sousou no Frieren/Season 01/Sousou no Frieren - S01E05.mkv",
        ),
        (
            MediaKind.BOOK,
            "Frank Herbert - Dune (1965) [EPUB]",
            "Dune.epub",
            "Frank Herbert/Dune/Dune.epub",
        ),
    ],
)
def test_values_from_release_and_file(
    kind: MediaKind, release: str, file: str, expected: str
) -> None:
    values = values_for(kind, release, file)
    assert str(render(DEFAULT_TEMPLATES[kind], values)) == expected


HERBERT = (Credit("author", "Frank Herbert"), Credit("narrator", "Scott Brick"))


@pytest.mark.parametrize(
    ("kind", "release", "file", "template", "expected"),
    [
        (  # no dash in the name: without credits the artist was unknown
            MediaKind.MUSIC,
            "The.Dark.Side.Of.The.Moon.1973.FLAC",
            "01 - Speak to Me.flac",
            None,
            "Pink Floyd/The Dark Side Of The Moon (1973)/01 - Speak to Me.flac",
        ),
        (  # "Name-Title" without spaces: the known name is taken off the album
            MediaKind.MUSIC,
            "Pink.Floyd-The.Dark.Side.Of.The.Moon-2011-FLAC",
            "01 - Speak to Me.flac",
            None,
            "Pink Floyd/The Dark Side Of The Moon (2011)/01 - Speak to Me.flac",
        ),
        (  # the credit beats a differently spelt guess
            MediaKind.BOOK,
            "F. Herbert - Dune (1965) [EPUB]",
            "Dune.epub",
            None,
            "Frank Herbert/Dune/Dune.epub",
        ),
        (
            MediaKind.AUDIOBOOK,
            "Frank Herbert - Dune (2007) [M4B]",
            "Dune.m4b",
            "{author}/{series} {series_position:02} - {title} ({narrator}).{ext}",
            "Frank Herbert/Dune Chronicles 01 - Dune (Scott Brick).m4b",
        ),
    ],
)
def test_known_credits_and_series_fill_the_tokens(
    kind: MediaKind, release: str, file: str, template: str | None, expected: str
) -> None:
    credits = HERBERT if kind is not MediaKind.MUSIC else (Credit("artist", "Pink Floyd"),)
    known = known_values(credits, "Dune Chronicles", "1")
    values = values_for(kind, release, file, known)
    assert str(render(template or DEFAULT_TEMPLATES[kind], values)) == expected


def test_known_values_join_credits_and_skip_unknowns() -> None:
    two = (Credit("artist", "Simon"), Credit("artist", "Garfunkel"), Credit("director", "x"))
    assert known_values(two) == {"artist": "Simon & Garfunkel"}
    assert known_values(()) == {}


def test_a_series_keeps_its_own_title_as_series() -> None:
    values = values_for(
        MediaKind.SERIES, "The.Expanse.S02E05.1080p.WEB-DL-GRP", "x.mkv", {"series": "Other"}
    )
    assert values["series"] == "The Expanse"


ALBUM = (Track(1, 1, "Speak to Me"), Track(1, 2, "Breathe"), Track(1, 3, "On the Run"))
TWO_DISCS = (Track(1, 1, "In the Flesh?"), Track(2, 1, "Hey You"), Track(2, 2, "Is There Anybody"))


@pytest.mark.parametrize(
    ("tracks", "file", "title"),
    [
        (ALBUM, "02 - breathe (in the air).flac", "Breathe"),  # the track list's title wins
        (ALBUM, "07 - bonus.flac", "bonus"),  # no such track: the file keeps its own
        (ALBUM, "untitled.flac", "untitled"),  # no number to match
        (TWO_DISCS, "01 - in the flesh.flac", "in the flesh"),  # 1 of which disc? its own name
        (TWO_DISCS, "201 - hey you.flac", "Hey You"),  # counted across discs: disc 2, track 1
        ((), "02 - breathe.flac", "breathe"),  # no track list (the provider was down)
    ],
)
def test_an_albums_track_list_names_the_files_it_matches(
    tracks: tuple[Track, ...], file: str, title: str
) -> None:
    known = known_values((Credit("artist", "Pink Floyd"),)) | chosen_values(
        MediaKind.MUSIC, "The Dark Side of the Moon", 1973
    )
    values = values_for(MediaKind.MUSIC, "Pink.Floyd-DSOTM-FLAC-1973", file, known, tracks)
    assert (values["artist"], values["album"], values["year"]) == (
        "Pink Floyd",
        "The Dark Side of the Moon",
        1973,
    )
    assert values["title"] == title


def test_the_chosen_title_names_an_album_and_a_book_but_not_a_film() -> None:
    assert chosen_values(MediaKind.MUSIC, "Animals", 1977) == {"album": "Animals", "year": 1977}
    assert chosen_values(MediaKind.AUDIOBOOK, "Dune", None) == {"title": "Dune"}
    assert chosen_values(MediaKind.MOVIE, "Dune", 2021) == {}


def test_the_audiobook_default_keeps_series_position_and_narrator_and_skips_what_is_missing() -> (
    None
):
    template = DEFAULT_TEMPLATES[MediaKind.AUDIOBOOK]
    known = known_values(HERBERT, "Dune Chronicles", "1")
    assert known["position"] == "1"
    full = {**known, "title": "Dune", "ext": "m4b"}
    assert str(render(template, full)) == (
        "Frank Herbert/Dune Chronicles/1 - Dune {Scott Brick}/Dune.m4b"
    )
    alone = {"author": "Andy Weir", "title": "Project Hail Mary", "ext": "mp3"}
    assert str(render(template, alone)) == "Andy Weir/Project Hail Mary/Project Hail Mary.mp3"
