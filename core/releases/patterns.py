"""Compiled regular expressions for release names, ordered as the parser tries them."""

from __future__ import annotations

import re

_I = re.IGNORECASE
SEP = r"[-_. ]"
# A token boundary: release names use dots, underscores, dashes, spaces and brackets.
B = r"(?<![a-z0-9])"
E = r"(?![a-z0-9])"


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _I)


# A leading "221208 " (YYMMDD) as Japanese TV rips put it: a date, not part of the title.
LEADING_DATE = re.compile(r"^\d{6}\s+(?=\D)")
# "003. Show Name - Ep Name", "03-Criminal.Minds": a zero-padded episode before the title.
LEADING_EPISODE = re.compile(
    r"(?P<abs>0\d{1,2})(?:-(?P<absend>0\d{1,2}))?(?:\.\s+|\s+-\s+|-)(?=[^\W\d_])"
)
LEADING_EPISODE_ANIME = re.compile(r"(?P<abs>\d{2,3})(?P<absend>)\s+(?:-\s+)?(?=[^\W\d_])")
CAP_EPISODE = _c(r"\[Cap\.(?P<s>\d{1,2})(?P<e>\d{2})(?:_(?:\d{1,2})(?P<e2>\d{2}))?\]")
EXTENSION = _c(
    r"\.(?:mkv|mp4|avi|m4v|wmv|mov|mpg|mpeg|ts|m2ts|flv|webm|divx|xvid|iso|img|nzb|torrent|"
    r"srt|sub|ass|ssa|idx|nfo|par2|rar|zip|7z)\s*$"
)
WEBSITE_PREFIX = _c(
    r"^\s*(?:\[\s*\.?(?:www\.)?[a-z0-9-]+\.(?:com|net|org|info|to|tv|me|ru|in|xyz|cc|co|nl)\.?\s*\]"
    r"|www\.[a-z0-9-]+\.[a-z]{2,4}(?:\.[a-z]{2})?\b"
    r"|[a-z0-9-]+\.(?:com|net|org|info|to|tv|me|xyz|cc|nl|ca|co)(?:\.[a-z]{2})?(?=\s+-\s))"
    r"\s*[-_. ]*(?:-\s*)?"
)
WEBSITE_SUFFIX = _c(
    r"[\s.]*\[(?:www\.[a-z0-9-]+(?:\.[a-z0-9-]+)*"
    r"|[a-z0-9-]+\.(?:com|net|org|info|to|tv|me|ru|cc|io)(?:\.[a-z]{2})?)\]\s*$"
)
TRAILING_TAG = _c(r"\s*\[(?:eztv|rartv|rarbg|ettv|vtv|publichd|TGx|ion10|eztv\.re)\]\s*$")
SUBGROUP = re.compile(r"[\s_.]*[\[【(](?P<group>[^\]】)]+)[\]】)]\s*")
HASH_ONLY = _c(r"^[a-f0-9]{24,40}$|^[a-z0-9]{20,}$")
CRAP = _c(r"yEnc|^_unpack|^(?:this should never parse)$|password\s*-")

# --- structure: what tells an episode from a movie. First match wins. ---------------------
SEASON_EPISODE = _c(
    r"(?<![a-rt-z0-9])S(?P<season>\d{1,4})" + SEP + r"?(?P<eps>(?:" + SEP + r"?EP?\d{1,5}(?!\d))"
    r"(?:(?:" + SEP + r"{0,3}[-~&+]?" + SEP + r"{0,3}(?:S\d{1,4}" + SEP + r"?)?EP?\d{1,5}(?!\d))"
    r"|(?:[-~+&]\d{1,4}(?![\da-z])))*)"
    r"(?:" + SEP + r"?v(?P<version>\d))?"
)
SEASON_EPISODE_WORDS = _c(
    rf"{B}(?:Season|Saison|Temporada|Stagione|Se){SEP}{{0,2}}(?P<season>\d{{1,2}}){SEP}{{1,3}}"
    rf"(?:Episode|Episodio|Ep|E|afl){SEP}{{0,2}}"
    rf"(?P<eps>\d{{1,4}}(?:{SEP}?(?:-|en|&){SEP}?\d{{1,4}})*)(?![\dp])"
)
CROSS_EPISODE = _c(
    r"(?<![a-z0-9x])(?P<season>\d{1,2})x"
    r"(?P<eps>\d{1,3}(?:(?:[-_. ]{0,3}(?:\d{1,2})?x|[-_])\d{1,3}(?![\dp]))*)"
    r"(?![\dp])"
)
DAILY = _c(
    B + r"(?P<y>(?:19|20)\d{2})[-_. ](?P<m>0[1-9]|1[0-2])[-_. ](?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
    r"|" + B + r"(?P<d2>0[1-9]|[12]\d|3[01])[-_. ](?P<m2>0[1-9]|1[0-2])[-_. ](?P<y2>(?:19|20)\d{2})"
    r"(?!\d)|" + B + r"(?P<m3>0[1-9]|1[0-2])[-_. ](?P<d3>0[1-9]|[12]\d|3[01])[-_. ]"
    r"(?P<y3>(?:19|20)\d{2})"
    r"(?!\d)|" + B + r"(?P<y4>(?:19|20)\d{2})(?P<m4>0[1-9]|1[0-2])(?P<d4>0[1-9]|[12]\d|3[01])(?!\d)"
    # "2012.16.02": year, day, month, told apart only when the day cannot be a month
    r"|" + B + r"(?P<y5>(?:19|20)\d{2})[-_. ](?P<d5>1[3-9]|2\d|3[01])[-_. ]"
    r"(?P<m5>0[1-9]|1[0-2])(?!\d)"
    # "Show.140722.720p": YYMMDD between separators
    r"|(?<=[-_.])(?P<y6>[1-9]\d)(?P<m6>0[1-9]|1[0-2])(?P<d6>0[1-9]|[12]\d|3[01])(?=[-_.])"
    # "Show 5th Mar 2025"
    r"|" + B + r"(?P<d7>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)[-_. ]"
    r"(?P<m7>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[-_. ](?P<y7>(?:19|20)\d{2})"
    r"(?!\d)"
)
# What every DAILY form starts with, as a pattern that begins with a digit class: re scans for
# its first character in C, so a name without such a run is passed over ~10x faster.
DAILY_HINT = _c(
    r"\d(?:\d{3}[-_. ]\d\d[-_. ]\d\d|\d[-_. ]\d\d[-_. ]\d{4}|\d{5}|\d?(?:st|nd|rd|th)[-_. ])"
)
# Cheap first steps of the structural patterns, each a class the re module scans for in C
# (IGNORECASE would stop that: ſ is the one other letter it lets stand for "s").
S_DIGIT = re.compile(r"[sSſ]\d")  # SEASON_EPISODE, SEASON_PACK's "S01"
CROSS_HINT = re.compile(r"\d[xX]\d")  # CROSS_EPISODE starts one digit before at most
WORDS_HINT = re.compile(r"\d[-_. ]{1,3}[eEaA]")  # SEASON_EPISODE_WORDS: "1 Episode", "1 afl"
ANIME_DASH_HINT = re.compile(r"[\s_.]-[\s_.]")
MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
SEASON_PACK = _c(
    B
    + r"(?:S(?P<s1>\d{1,2}|(?:19|20)\d\d)(?:"
    + SEP
    + r"?-"
    + SEP
    + r"?S?(?P<s1end>\d{1,2}))?(?![\dEx])"
    r"|(?:Seasons?|Saison|Temporada|Stagione|Staffel|Seizoen|Temp|Tem)"
    + SEP
    + r"?(?P<s2>\d{1,2})(?!\d)"
    r"(?:" + SEP + r"?(?:-|to)" + SEP + r"?(?:Season" + SEP + r"?)?(?P<s2end>\d{1,2}))?)"
    r"(?![^\[\]]*\])"
)
ANIME_DASH = _c(
    r"(?:\s|_|\.)-(?:\s|_|\.)+(?:Episode\s*|Ep\.?\s*)?(?P<abs>\d{1,4})(?P<half>\.5)?"
    r"(?P<chain>(?:\s?[-~]\s?\d{1,4}(?![\dp]))*)(?:v(?P<version>\d))?(?=$|[\s_.\[(-]|\w*\])"
)
EPISODE_WORD = _c(
    B
    + r"(?:Episode|Episodio|Ep|E|#)"
    + SEP
    + r"?(?P<abs>\d{1,4})(?:[-~](?:Ep)?(?P<absend>\d{1,4}))?"
    r"(?:v(?P<version>\d))?(?![\dp])"
)
# Turkish soaps: "Title 69. Bölüm (29.10.2023)", "60.Bolum", "01 BLM": episode then "Bölüm".
EPISODE_BEFORE_WORD = _c(r"(?<![\w.])(?P<abs>\d{1,4})(?:\.\s?|\s)?(?:Bölüm|Bolum|BLM)(?![^\W\d_])")
BRACKET_NUMBER = _c(r"[\[(](?P<abs>\d{1,4})(?:[-~](?P<absend>\d{1,4}))?[\])]")
PLAIN_NUMBER = _c(
    r"(?<![a-z0-9])(?<!\d\.)(?P<abs>\d{1,4})(?:\s?[-~]\s?(?P<absend>\d{1,4}))?(?:v(?P<version>\d))?"
    r"(?![\dpi]|x\d|\.\d|-?bits?\b|[a-z])"
)
THREE_DIGIT = _c(
    r"(?<![a-z0-9])(?P<season>[1-9]|1\d)(?P<episode>\d{2})(?![\dpi]|x\d)"
    r"(?:[._ ](?P=season)(?P<episode2>\d{2})(?![\dpi]))?"
)
PART = _c(
    B
    + r"(?:Part|Pt)"
    + SEP
    + r"?(?P<part>\d{1,2}|one|two|three|four|five|six|(?-i:[IVX]{1,4}))"
    + E
)
# "Dexter Saison VII", "Saison sept": a season named by a Roman numeral or a word.
SEASON_NAMED = _c(
    B + r"(?:Season|Saison|Staffel|Temporada)" + SEP + r"(?P<n>(?-i:[IVX]{1,5})|one|two|three|four|"
    r"five|six|seven|eight|nine|ten|un|deux|trois|quatre|cinq|sept|huit|neuf|dix)" + E
)
YEAR = _c(r"(?<![0-9])(?P<year>(?:19[0-9]|20[0-9])\d)(?![0-9]|p\b|i\b)")
ABS_AFTER_SE = _c(SEP + r"*(?:\(|-\s*)?(?P<abs>\d{3,4})(?:-(?P<absend>\d{3,4}))?" + E)

# --- quality -------------------------------------------------------------------------------
# The lookahead names every first character a match can have: most positions fail on it alone.
RESOLUTION = _c(
    r"(?=[\dUF])(?:(?<![a-z0-9])(?:(?P<r>360|480|540|576|720|1080|2160|4320)[pi]"
    r"|(?:\d{3,4}[x*])(?P<rx>480|576|720|1080|2160)|(?P<uhd>4k|UHD|2160))(?![a-z0-9])"
    r"|(?P<r2>1080|720|2160)[pi]|(?<![a-z0-9])(?P<fhd>FHD)(?![a-z0-9])"
    r"|(?<![a-z0-9])(?P<bare>720|1080|2160)(?=[ ._](?:HDTV|AAC|Hi10p|[xh]26|BluRay|WEB|DTS|AC3))"
    r"|(?<![a-z0-9])(?P<r1440>1440|960)p|(?<=BD|ay)(?P<r3>720|1080|2160)p)"
)
REMUX = _c(B + r"(?:BD)?Remux" + E)
BRDISK = _c(
    B
    + r"(?:BR[-_. ]?DISK|BD(?:25|50|66|100)|BDISO|(?:COMPLETE|FULL)"
    + SEP
    + r"(?:UHD"
    + SEP
    + r")?BLURAY|AVC"
    + SEP
    + r"?ISO)"
    + E
)
RAWHD = _c(B + r"(?:RawHD|Raw" + SEP + r"HD|MPEG[-_. ]?2)" + E)
# Each family member carries the lower-case words one of which it cannot match without: a
# substring test costs ~50 ns, a regex search ~1 µs, so most searches are never run.
Keyed = tuple[str, tuple[str, ...], re.Pattern[str]]
SOURCES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("webrip", _c(B + r"(?:WEB[-_. ]?Rip|WEBMux|WEB[-_. ]?Cap|Web[-_. ]?DLRip|HDRip)" + E)),
    (
        "bluray",
        _c(B + r"(?:(?:Blu[-_. ]?Ray|BD|BR)(?:Rip)?Mux|(?:Blu[-_. ]?Ray|BD)(?=\d{3,4}p))" + E),
    ),
    (
        "webdl",
        _c(
            B + r"(?:WEB[-_. ]?DL(?:Mux)?|WEB[-_. ]?HD|WEB|AmazonHD|iTunesHD|NetflixU?HD|"
            r"AMZN|DSNP|ATVP|HMAX|PCOK)" + E
        ),
    ),
    (
        "bluray",
        _c(
            B + r"(?:M?Blu[-_. ]?Ray|HD[-_. ]?DVD|BD(?:Rip|Light|Mux|25|50|ISO)?|UHD2?BD|"
            r"BR[-_. ]?(?:Rip|DISK)|BR)" + E
        ),
    ),
    ("cam", _c(B + r"(?:HD[-_. ]?)?(?:CAM(?:Rip)?|HDCAM)" + E)),
    ("telesync", _c(B + r"(?:HD[-_. ]?)?(?:TS|TELESYNC|PDVD|PreDVDRip)" + E)),
    ("telecine", _c(B + r"(?:HD[-_. ]?)?(?:TC|TELECINE)" + E)),
    ("dvd", _c(B + r"(?:DVD(?:Rip|R|9|5|SCR|Mux)?|xvidvd|NTSC|PAL|SCR|SCREENER)" + E)),
    (
        "tv",
        _c(
            B + r"(?:HD[-_. ]?TV(?:Rip)?|SD[-_. ]?TV|TVRip|PDTV|DSR(?:ip)?|DVB(?:Rip)?|"
            r"SAT[-_. ]?Rip|DTH|TV|Digital[-_. ]?TV|HDTV|UHDTV|PPV|VODRip)" + E
        ),
    ),
)
CODECS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("h265", _c(B + r"(?:[xh][-_. ]?265|HEVC)")),
    ("h264", _c(B + r"(?:[xh][-_. ]?264|AVC)")),
    ("xvid", _c(B + r"XviD")),
    ("divx", _c(B + r"(?:DivX|DVDivX)")),
    ("av1", _c(B + r"AV1" + E)),
    ("vp9", _c(B + r"VP9" + E)),
    ("mpeg2", _c(B + r"MPEG[-_. ]?2" + E)),
    ("vc1", _c(B + r"VC[-_. ]?1" + E)),
)
PROPER = _c(B + r"PROPER" + E)
REPACK = _c(B + r"(?:REPACK\d?|RERIP\d?)" + E)
VERSION = _c(r"(?<![a-z])(?:\d|\[|\s)v(?P<v>[2-9])(?![0-9])")
EDITIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Director's Definitive Cut", _c(B + r"Director'?s" + SEP + r"Definitive" + SEP + r"Cut")),
    ("Director's Cut", _c(B + r"(?:Director'?s?" + SEP + r"?Cut|DC)" + E)),
    ("Extended", _c(B + r"Extended(?:" + SEP + r"(?:Cut|Edition|Version))?" + E)),
    ("Theatrical", _c(B + r"Theatrical(?:" + SEP + r"(?:Cut|Edition))?" + E)),
    ("Unrated", _c(B + r"Unrated" + E)),
    ("Uncut", _c(B + r"Uncut" + E)),
    ("Remastered", _c(B + r"(?:4k" + SEP + r")?Remaster(?:ed)?" + E)),
    ("Collector", _c(B + r"Collector'?s?(?:" + SEP + r"Edition)?" + E)),
    ("Criterion", _c(B + r"Criterion(?:" + SEP + r"Collection)?" + E)),
    ("Special", _c(B + r"Special" + SEP + r"Edition" + E)),
    ("Ultimate", _c(B + r"Ultimate(?:" + SEP + r"(?:Cut|Edition))?" + E)),
    ("Limited", _c(B + r"Limited" + E)),
    ("IMAX", _c(B + r"IMAX" + E)),
    ("Fan", _c(B + r"Fan" + SEP + r"Edit(?:ion)?" + E)),
    ("Alternative Cut", _c(B + r"Alternat(?:e|ive)" + SEP + r"Cut" + E)),
    ("Deluxe", _c(B + r"Deluxe(?:" + SEP + r"Edition)?" + E)),
    ("Festival", _c(B + r"Festival" + E)),
    ("Uncensored", _c(B + r"Uncensored" + E)),
    ("Restored", _c(B + r"Restored" + E)),
)

# --- release group -------------------------------------------------------------------------
GROUP_DASH = _c(r"(?:-|\s-\s*)(?P<group>[^\W_]+(?:-[^\W_]+)?)\s*$")
GROUP_BRACKET_END = _c(r"[\[(](?P<group>[a-z0-9][a-z0-9 ._-]*?)[\])]\s*$")
GROUP_IN_PARENS = _c(r"\((?P<inner>[^()]*?)\s(?:-\s)?(?P<group>[^\W_]+)\)\s*$")
# Suffixes that reposting tools append after the real group ("-NTb-xpost", "-EVL-RP").
_SUFFIX_WORDS = (
    r"RP|xpost|postbot|AsRequested|AlternativeToRequested|Obfuscated|Scrambled|sample|"
    r"proof|Pre|NZBgeek|WhiteRev|BUYMORE|GEROV|Z0iDS3N|Chamele0n|4P|4Planet|AlteZachen|"
    r"RePACKPOST|\d|English|HebSubs"
)
# A suffix word alone: none holds a separator, so a final one is the name's last token.
SUFFIX_WORD = _c(_SUFFIX_WORDS)
GROUP_SUFFIX = _c(
    r"(?:[-_. ](?:" + _SUFFIX_WORDS + r"|Rakuv\w*)"
    r"|\s*-?\[(?:eztv|ettv|rartv|rarbg|TGx|GloDLS|vtv|[a-z0-9-]+\.[a-z]{2,4}|[a-f0-9]{8}|v\d)\])+$"
)
GROUP_NOT = _c(
    r"^(?:WEB-DL|WEB|DL|Blu-Ray|BluRay|480p|720p|1080p|2160p|DTS-HD|DTS-X|DTS-MA|DTS-ES|ES|EN|CAT|"
    r"ENG|JAP|GER|FRA|FRE|ITA|HDRip|\d{1,2}-?bit|\d{1,4}|[xh]26[45]|HEVC|AVC|AAC|AC3|DTS|"
    r"\d{4}-\d{2}|HDTV|SDTV|WEBRip|DVDRip|BDRip|Rip|x264-\w+|H\.26[45])$"
)
# Tokens that end a title even before the year ("Suicide Squad EXTENDED (2016)"); words
# that also occur in real titles (French, Complete, Limited) are left out on purpose.
TITLE_CUT = _c(
    r"(?<![a-z0-9])(?:EXTENDED|UNRATED|THEATRICAL|REMASTERED|DIRECTOR(?:'?S|(?=[-_. ]Cut))|"
    r"PROPER|REPACK|RERIP|"
    r"iNTERNAL|READ[-_. ]?NFO|NFOFiX|CONVERT|STV|BD(?:Rip)?Mux|BR(?:Rip)?Mux|DVDRip|BDRip|BRRip|"
    r"HDTV|WEB[-_. ]?DL|WEBRip|BluRay|(?:480|576|720|1080|2160)[pi]|[xh]26[45]|XviD|DivX|"
    r"MULTi|VOSTFR|TRUEFRENCH|IMAX|HDR|3D|PAL|NTSC|DOKU|SWiSSGERMAN|(?-i:DC)|Criterion|Collector'?s?|"
    r"(?:Special|Collector'?s?|Limited|Ultimate)[-_. ]Edition|4K)(?![a-z0-9])"
)
# Quality and other tokens: where the title must end at the latest.
TITLE_STOP = _c(
    r"(?<![a-z0-9])(?:(?:360|480|540|576|720|1080|2160)[pi]|4k|UHD|HDR|WEB[-_. ]?DL|WEB[-_. ]?Rip|"
    r"WEB|Blu[-_. ]?Ray|BD(?:Rip|Remux)?|BD(?:Rip)?Mux|BR(?:Rip)?Mux|BRRip|HDTV|PDTV|SDTV|"
    r"DVD(?:Rip|R)?|HDRip|Remux|"
    r"[xh][-_. ]?26[45]|HEVC|XviD|DivX|PROPER|REPACK|RERIP|INTERNAL|LIMITED|UNRATED|EXTENDED|"
    r"DIRECTOR'?S|THEATRICAL|REMASTERED|DUBBED|SUBBED|MULTi|VOSTFR|TRUEFRENCH|FRENCH|GERMAN|"
    r"iTALiAN|SPANISH|Complete|CAM|HDCAM|TS|TC|TELESYNC|AAC|AC3|DTS|DDP?5|NF|AMZN)(?![a-z0-9])"
)


def _keyed(
    members: tuple[tuple[str, re.Pattern[str]], ...], keys: tuple[str, ...]
) -> tuple[Keyed, ...]:
    return tuple(
        (name, tuple(k.split()), pattern) for (name, pattern), k in zip(members, keys, strict=True)
    )


SOURCES_KEYED = _keyed(
    SOURCES,
    (
        "web hdrip",
        "mux bd blu",
        "web amazon itunes netflix amzn dsnp atvp hmax pcok",
        "blu hd bd br uhd",
        "cam",
        "ts telesync pdvd predvd",
        "tc telecine",
        "dvd ntsc pal scr",
        "tv dsr dvb sat dth ppv",
    ),
)
CODECS_KEYED = _keyed(CODECS, ("265 hevc", "264 avc", "xvid", "divx", "av1", "vp9", "mpeg", "vc"))
EDITIONS_KEYED = _keyed(
    EDITIONS,
    (
        "definitive",
        "director dc",
        "extended",
        "theatrical",
        "unrated",
        "uncut",
        "remaster",
        "collector",
        "criterion",
        "special",
        "ultimate",
        "limited",
        "imax",
        "fan",
        "alternat",
        "deluxe",
        "festival",
        "uncensored",
        "restored",
    ),
)


def _any_key(members: tuple[Keyed, ...]) -> re.Pattern[str]:
    """One search of the lower-case text standing for "is any member's key in it at all"."""
    keys = sorted({key for _name, words, _pattern in members for key in words}, key=len)
    return re.compile("|".join(re.escape(key) for key in reversed(keys)))


SOURCE_KEYS = _any_key(SOURCES_KEYED)
EDITION_KEYS = _any_key(EDITIONS_KEYED)


def first_keyed(members: tuple[Keyed, ...], text: str, lower: str) -> str | None:
    """The first member (in priority order) whose words occur in `lower` and pattern in `text`."""
    # Plain loops: a generator per member under any() cost more than the tests themselves.
    for name, keys, pattern in members:
        for key in keys:
            if key in lower:
                if pattern.search(text):
                    return name
                break
    return None


def all_keyed(members: tuple[Keyed, ...], text: str, lower: str) -> list[str]:
    """Every member found in `text`, in priority order."""
    found = []
    for name, keys, pattern in members:
        for key in keys:
            if key in lower:
                if pattern.search(text):
                    found.append(name)
                break
    return found


# Characters IGNORECASE matches to an ASCII letter that str.lower() does not turn into it.
_CASE_ODD = frozenset("ıİſ\u212a")


def folded(text: str) -> str | None:
    """`text.lower()` when "word in it" is implied by a case-blind regex match of an ASCII word
    in `text`; None when that does not hold (the text has one of ı, İ, ſ, K)."""
    if text.isascii() or _CASE_ODD.isdisjoint(text):
        return text.lower()
    return None


def extension(text: str) -> re.Match[str] | None:
    """`EXTENSION.search(text)`: it can only match at the last dot, so only that is tried."""
    dot = text.rfind(".")
    return EXTENSION.match(text, dot) if dot >= 0 else None
