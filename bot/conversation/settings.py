"""Settings that hold secrets (/addindexer, /addclient): admins only, private chats only.

Every reply asks the frontend to delete the message that held the secret, even a refusal.
"""

from __future__ import annotations

from bot.conversation.context import Ctx, line
from bot.views import Reply, Text, View
from bot.wording import checked_url
from core import errors
from core.services.health import check
from core.store.integrations import add_integration, remove_integration
from core.store.models import IntegrationCategory

SECRET_COMMANDS = frozenset({"addindexer", "addclient"})


def _answer(*lines: Text) -> list[Reply]:
    return [Reply(View(lines), delete_trigger=True)]


async def secret_command(ctx: Ctx, name: str, args: str) -> list[Reply]:
    if not ctx.sender.private:
        return _answer(line("secret.private_only"))
    if not ctx.member.admin:
        return _answer(line("secret.admin_only"))
    words = args.split()
    try:
        if name == "addindexer" and len(words) == 3:
            return await _add(ctx, IntegrationCategory.INDEXER, "torznab", words, None)
        if name == "addclient" and len(words) == 4:
            return await _add(ctx, IntegrationCategory.CLIENT, "qbittorrent", words, words[2])
    except errors.OutpostError as err:
        return _answer(Text(err.key, err.params))
    return _answer(line(f"secret.usage_{name}"))


async def _add(
    ctx: Ctx, category: IntegrationCategory, kind: str, words: list[str], username: str | None
) -> list[Reply]:
    """Store it, test it, and keep it only if it works (as `outpost … add` does)."""
    name, url, secret = words[0], checked_url(words[1]), words[-1]
    field = "api_key" if category is IntegrationCategory.INDEXER else "password"
    options = {"category": "outpost"} if category is IntegrationCategory.CLIENT else {}
    row = await add_integration(
        ctx.services.box,
        name=name,
        category=category,
        kind=kind,
        url=url,
        username=username,
        secrets={field: secret},
        options=options,
    )
    health = await check(row.name, category, ctx.services.build(row))
    if health.error is not None:
        await remove_integration(row.name, category)
        return _answer(
            line("secret.failed", name=name), Text(health.error.key, health.error.params)
        )
    return _answer(line("secret.added", name=name))
