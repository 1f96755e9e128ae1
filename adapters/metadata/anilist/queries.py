"""The GraphQL documents Outpost sends to AniList: a title search and one title's details."""

from __future__ import annotations

# Fields of a Media object both documents ask for (https://docs.anilist.co/reference/object/media).
_FIELDS = """
  id
  idMal
  title { romaji english native }
  synonyms
  format
  status
  episodes
  duration
  season
  seasonYear
  startDate { year month day }
  description(asHtml: false)
  coverImage { extraLarge large medium }
  bannerImage
  genres
  popularity
  studios(isMain: true) { nodes { id name } }
"""

# A null argument is no filter to AniList, so one document serves with and without a year.
SEARCH = (
    "query ($search: String, $year: Int, $perPage: Int) {\n"
    "  Page(page: 1, perPage: $perPage) {\n"
    "    media(search: $search, seasonYear: $year, type: ANIME, isAdult: false,"
    " sort: SEARCH_MATCH) {" + _FIELDS + "    }\n  }\n}\n"
)

DETAILS = (
    "query ($id: Int) {\n  Media(id: $id, type: ANIME) {"
    + _FIELDS
    + "    nextAiringEpisode { airingAt episode }\n"
    "    airingSchedule(perPage: 50) { nodes { airingAt episode } }\n  }\n}\n"
)
