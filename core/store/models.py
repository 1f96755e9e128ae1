"""Tortoise models: the household, its integrations, its wishes and what was grabbed for them.

Portable by design: no SQLite-only types or SQL, so `OUTPOST_DATABASE_URL` may name PostgreSQL.
Secrets live in `Integration.secret` as Fernet ciphertext (see `core.secrets`), never in clear.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"


class IntegrationCategory(StrEnum):
    INDEXER = "indexer"
    CLIENT = "client"
    PROVIDER = "provider"


class RequestStatus(StrEnum):
    # Adding a member changes the column's comment, and Tortoise then rebuilds the table on
    # SQLite, which (foreign keys on) nulls every grab's request: add a column instead.
    WANTED = "wanted"
    GRABBED = "grabbed"
    IMPORTED = "imported"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Person(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    role = fields.CharEnumField(Role, max_length=16, default=Role.MEMBER)
    language = fields.CharField(max_length=16, default="en")
    created_at = fields.DatetimeField(auto_now_add=True)

    identities: fields.ReverseRelation[Identity]

    class Meta:
        table = "person"


class Identity(Model):
    """One chat account of a person: a Telegram user id, a Discord user id, the console."""

    id = fields.IntField(primary_key=True)
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="identities", on_delete=fields.CASCADE
    )
    platform = fields.CharField(max_length=16)  # telegram, discord, console
    external_id = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "identity"
        unique_together = (("platform", "external_id"),)


class Integration(Model):
    """A configured indexer, download client or metadata provider."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True)
    category = fields.CharEnumField(IntegrationCategory, max_length=16)
    kind = fields.CharField(max_length=32)  # torznab, newznab, qbittorrent, tmdb ...
    url = fields.CharField(max_length=1024, default="")
    username = fields.CharField(max_length=255, null=True)
    secret = fields.TextField(null=True)  # Fernet token of a JSON object {"api_key": ..., ...}
    options: fields.JSONField[dict[str, Any]] = fields.JSONField(
        default=dict
    )  # non-secret settings: categories, rate, save path
    enabled = fields.BooleanField(default=True)
    priority = fields.IntField(
        default=25, db_default=25
    )  # 1..50, lower is asked first (Prowlarr's scale)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "integration"


class MediaRequest(Model):
    """Who wanted what."""

    id = fields.IntField(primary_key=True)
    person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="requests", null=True, on_delete=fields.SET_NULL
    )
    kind = fields.CharField(max_length=16)
    title = fields.CharField(max_length=500)
    year = fields.IntField(null=True)
    season = fields.IntField(null=True)
    episode = fields.IntField(null=True)
    provider = fields.CharField(max_length=32, null=True)
    provider_id = fields.CharField(max_length=64, null=True)
    status = fields.CharEnumField(RequestStatus, max_length=16, default=RequestStatus.WANTED)
    release_ref = fields.CharField(max_length=16, null=True)  # the release chosen, until grabbed
    awaiting_approval = fields.BooleanField(default=False, db_default=False)  # a member's grab
    # Who the title is by, as the chosen title said: [{"role", "name", "ids"}], for matching
    # releases and naming files. None on requests older than 0006.
    credits: fields.JSONField[list[dict[str, Any]]] = fields.JSONField(null=True)
    series = fields.CharField(max_length=255, null=True)  # a book series, "Dune Chronicles"
    series_position = fields.CharField(max_length=32, null=True)  # "1", "2.5", "1-3"
    # The wanted list (0008): when it was last looked for, and why nothing fitted then
    searched_at = fields.DatetimeField(null=True)
    wanted_reasons: fields.JSONField[list[Any]] = fields.JSONField(null=True)
    told_wanted = fields.BooleanField(default=False, db_default=False)  # "I'll keep looking", once
    vanished = fields.BooleanField(default=False, db_default=False)  # gone from the catalogue
    # A series: the whole-series request watches (`watch`); its episodes and seasons are child
    # requests (`parent_id`), each wanted from its air date. A plain int, not a foreign key:
    # adding a foreign key makes Tortoise rebuild the table on SQLite.
    parent_id = fields.IntField(null=True, db_index=True)
    watch = fields.BooleanField(default=False, db_default=False)
    air_date = fields.DateField(null=True)
    runtime = fields.IntField(null=True)  # minutes, from the catalogue, for size sanity
    media_format = fields.CharField(max_length=32, null=True)  # the catalogue's: "MOVIE", "TV"
    tracks: fields.JSONField[list[Any]] = fields.JSONField(null=True)  # an album's track list
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "media_request"


class FoundRelease(Model):
    """A release a search returned, kept so that `grab REF` works from another process."""

    id = fields.IntField(primary_key=True)
    ref = fields.CharField(max_length=16, unique=True)
    release_key = fields.CharField(max_length=128, db_index=True)
    title = fields.CharField(max_length=1024)
    indexer = fields.CharField(max_length=64)
    payload: fields.JSONField[dict[str, Any]] = (
        fields.JSONField()
    )  # the Release and the query that found it
    request: fields.ForeignKeyNullableRelation[MediaRequest] = fields.ForeignKeyField(
        "models.MediaRequest", related_name="found", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "found_release"


class Grab(Model):
    """A release sent to a client, with the client's id for it and Outpost's view of its state."""

    id = fields.IntField(primary_key=True)
    release_key = fields.CharField(max_length=128, unique=True)  # info-hash, else hash of guid
    title = fields.CharField(max_length=1024)
    indexer = fields.CharField(max_length=64)
    client = fields.CharField(max_length=64)
    client_id = fields.CharField(max_length=128, db_index=True)
    protocol = fields.CharField(max_length=16)
    size = fields.BigIntField(null=True)
    category = fields.CharField(max_length=64, null=True)
    save_path = fields.CharField(max_length=1024, null=True)
    state = fields.CharField(max_length=16, default="grabbed")
    raw_status = fields.CharField(max_length=32, null=True)
    progress = fields.FloatField(default=0.0)
    kind = fields.CharField(max_length=16, null=True)  # MediaKind of the request, for naming
    last_progress_at = fields.DatetimeField(null=True)  # when progress last moved (stall clock)
    content_path = fields.CharField(max_length=4096, null=True)  # the client's, once complete
    failure = fields.CharField(max_length=255, null=True)  # message key of why it failed
    eta = fields.IntField(null=True)  # seconds left, as the client estimated at the last poll
    # A private tracker's seeding obligation (MyAnonamouse): seconds to seed after completion
    seed_seconds = fields.FloatField(null=True)
    completed_at = fields.DatetimeField(null=True)  # when the client first reported it complete
    upgrade_of = fields.IntField(null=True)  # the grab whose import this one replaces
    request: fields.ForeignKeyNullableRelation[MediaRequest] = fields.ForeignKeyField(
        "models.MediaRequest", related_name="grabs", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "grab"


class BlocklistEntry(Model):
    id = fields.IntField(primary_key=True)
    release_key = fields.CharField(max_length=128, unique=True)
    title = fields.CharField(max_length=1024)
    reason = fields.CharField(max_length=255)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "blocklist"


class Setting(Model):
    key = fields.CharField(max_length=128, primary_key=True)
    value: fields.JSONField[Any] = fields.JSONField()

    class Meta:
        table = "setting"


class CacheEntry(Model):
    """Cached provider answers (TMDB: 24 h), keyed by service and request."""

    key = fields.CharField(max_length=255, primary_key=True)
    value = fields.TextField()
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "cache_entry"


class ImportJob(Model):
    """One file of a completed grab on its way into the library: a journal that makes an
    interrupted import resumable (temp name, verify, rename, record)."""

    id = fields.IntField(primary_key=True)
    grab: fields.ForeignKeyRelation[Grab] = fields.ForeignKeyField(
        "models.Grab", related_name="imports", on_delete=fields.CASCADE
    )
    source = fields.CharField(max_length=4096)
    target = fields.CharField(max_length=4096)
    size = fields.BigIntField(db_default=0, default=0)
    mode = fields.CharField(max_length=16, db_default="hardlink", default="hardlink")
    state = fields.CharField(max_length=16, db_default="pending", default="pending")
    error = fields.CharField(max_length=255, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "import_job"
        unique_together = (("grab", "source"),)


class Subscription(Model):
    """Who hears about what: a person following a title, or a household channel."""

    id = fields.IntField(primary_key=True)
    person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="subscriptions", null=True, on_delete=fields.CASCADE
    )
    chat = fields.CharField(max_length=128)  # "console", "telegram:<chat id>", "discord:<id>"
    scope = fields.CharField(max_length=16)  # "title" or "household"
    media_key = fields.CharField(max_length=128, null=True)  # "tmdb:438631" for a title
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "subscription"


class Notice(Model):
    """One event told to one recipient. The dedupe key makes each delivery happen at most once."""

    id = fields.IntField(primary_key=True)
    dedupe_key = fields.CharField(max_length=255, unique=True)
    event = fields.CharField(max_length=32)
    title = fields.CharField(max_length=1024)
    chat = fields.CharField(max_length=128)
    person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="notices", null=True, on_delete=fields.SET_NULL
    )
    grab: fields.ForeignKeyNullableRelation[Grab] = fields.ForeignKeyField(
        "models.Grab", related_name="notices", null=True, on_delete=fields.SET_NULL
    )
    params: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    attempts = fields.IntField(db_default=0, default=0)
    delivered_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "notice"


class ButtonToken(Model):
    """What a chat button means, kept on the server: the button carries only the token.

    Bound to the person and chat it was shown to, and expiring, so a forged, foreign or
    stale tap finds nothing it may act on."""

    token = fields.CharField(max_length=32, primary_key=True)
    person: fields.ForeignKeyNullableRelation[Person] = fields.ForeignKeyField(
        "models.Person", related_name="buttons", null=True, on_delete=fields.CASCADE
    )
    chat = fields.CharField(max_length=128)
    action = fields.CharField(max_length=32)
    payload: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    expires_at = fields.DatetimeField(db_index=True)
    used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "button_token"


class ChatCard(Model):
    """A message that shows a request's status and is edited in place as it moves on."""

    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[MediaRequest] = fields.ForeignKeyField(
        "models.MediaRequest", related_name="cards", on_delete=fields.CASCADE
    )
    chat = fields.CharField(max_length=128)
    message_id = fields.CharField(max_length=64)
    text = fields.TextField(default="")  # what it shows now, so an unchanged edit is skipped
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "chat_card"
        unique_together = (("request", "chat"),)


class AccessRequest(Model):
    """A stranger who wrote to the bot: refused once, and put before the admins."""

    id = fields.IntField(primary_key=True)
    platform = fields.CharField(max_length=16)
    external_id = fields.CharField(max_length=64)
    display_name = fields.CharField(max_length=255, default="")
    chat = fields.CharField(max_length=128)
    decision = fields.CharField(max_length=16, null=True)  # approved, declined
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "access_request"
        unique_together = (("platform", "external_id"),)
