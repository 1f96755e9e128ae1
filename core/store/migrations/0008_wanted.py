"""Migration 0008: what a request needs to be watched for, not only grabbed once.

When it was last looked for and why nothing fitted (the wanted list), whether its title vanished
from the catalogue, a series' episodes as child requests with their air dates, the runtime,
format and track list the catalogue gave, and which import an upgrade grab replaces.

Written in the form `tortoise makemigrations` generates; edit only with care, it is history.
Columns are added, nullable or with a database default, so older rows keep every reference.
"""

# ruff: noqa: RUF012
from tortoise import fields, migrations
from tortoise.fields.data import JSON_DUMPS, JSON_LOADS
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0007_seeding")]

    initial = False

    operations = [
        ops.AddField(
            model_name="MediaRequest",
            name="searched_at",
            field=fields.DatetimeField(null=True),
        ),
        ops.AddField(
            model_name="MediaRequest",
            name="wanted_reasons",
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=JSON_LOADS),
        ),
        ops.AddField(
            model_name="MediaRequest",
            name="told_wanted",
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name="MediaRequest",
            name="vanished",
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name="MediaRequest",
            name="parent_id",
            field=fields.IntField(null=True, db_index=True),
        ),
        ops.AddField(
            model_name="MediaRequest",
            name="watch",
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name="MediaRequest",
            name="air_date",
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name="MediaRequest",
            name="runtime",
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name="MediaRequest",
            name="media_format",
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.AddField(
            model_name="MediaRequest",
            name="tracks",
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=JSON_LOADS),
        ),
        ops.AddField(
            model_name="Grab",
            name="upgrade_of",
            field=fields.IntField(null=True),
        ),
    ]
