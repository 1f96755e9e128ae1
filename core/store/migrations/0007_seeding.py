"""Migration 0007: a grab's seeding obligation (a private tracker's seed time) and when it
completed, for the seed-time guard and the queue.

Written in the form `tortoise makemigrations` generates; edit only with care, it is history.
"""

# ruff: noqa: RUF012
from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0006_credits")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Grab",
            name="seed_seconds",
            field=fields.FloatField(null=True),
        ),
        ops.AddField(
            model_name="Grab",
            name="completed_at",
            field=fields.DatetimeField(null=True),
        ),
    ]
