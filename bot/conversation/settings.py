"""Settings that hold secrets (/addindexer, /addclient): admins only, private chats only.

`/addindexer KIND NAME FIELD…` takes the kind's declared settings in order; the older form
without a kind (`/addindexer NAME URL KEY`) means the category's default kind. A secret left out
of the command is asked for through the frontend's private input (Telegram deletes each answer,
Discord uses a modal, the console reads it without echo). Every reply asks the frontend to
delete the message that may have held a secret, even a refusal.

The wording follows how the sender's frontend takes secrets (`Sender.secret_input`): only a
chat that deletes the messages says "I deleted your message". Discord's modal and ephemeral
answers are private in a guild channel too, so there the command works outside a DM, but a
secret typed into the command itself is refused: it is asked for in the modal instead.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.conversation.context import Ctx, line
from bot.conversation.tokens import Tap
from bot.views import CHAT, FORM, PROMPT, Reply, Text, View
from core import errors
from core.declare import FieldInfo
from core.messages import Field
from core.registry import DEFAULT_KINDS, kinds
from core.services.integrations import IntegrationCategory, fields_for

SECRET_COMMANDS = frozenset({"addindexer", "addclient"})
PRIVATE_ADD = "private.add"  # the action of the token that carries a half-given add
# the prompt before the private input, by how the frontend takes it (`Sender.secret_input`)
ASK_KEY = {CHAT: "secret.ask", FORM: "secret.ask_form", PROMPT: "secret.ask_prompt"}
CATEGORY_OF = {"addindexer": IntegrationCategory.INDEXER, "addclient": IntegrationCategory.CLIENT}


def _answer(*lines: Text) -> list[Reply]:
    return [Reply(View(lines), delete_trigger=True)]


async def secret_command(ctx: Ctx, name: str, args: str) -> list[Reply]:
    deletes = ctx.sender.deletes_secrets
    if not ctx.sender.confidential:
        return _answer(line("secret.private_only"))
    if not ctx.member.admin:
        return _answer(line("secret.admin_only" if deletes else "secret.admin_only_plain"))
    category = CATEGORY_OF[name]
    try:
        parsed = _parse(category, args.split())
        if parsed is None:
            shown = usage(name, category)
            return _answer(line(f"secret.usage_{name}" if deletes else "secret.usage", usage=shown))
        if not ctx.sender.private and _secrets_given(category, *parsed):
            return _answer(line("secret.not_in_command"))
        return await _add_or_ask(ctx, category, *parsed)
    except errors.OutpostError as err:
        return _answer(Text(err.key, err.params))


def _secrets_given(
    category: IntegrationCategory, kind: str | None, name: str, values: dict[str, Any]
) -> bool:
    declared = fields_for(category, kind or DEFAULT_KINDS[category])
    return any(f.secret and f.name in values for f in declared)


async def _add_or_ask(
    ctx: Ctx, category: IntegrationCategory, kind: str | None, name: str, values: dict[str, Any]
) -> list[Reply]:
    """Add it now, or first ask privately for the secrets the command left out."""
    declared = fields_for(category, kind or DEFAULT_KINDS[category])
    how = ctx.sender.secret_input
    field_key = "secret.ask_field" if how == CHAT else "secret.field"
    missing = tuple(
        Field(f.name, Text(field_key, {"field": f.name.replace("_", " ")}))
        for f in declared
        if f.secret and f.name not in values
    )
    if not missing:
        return await _add(ctx, category, kind, name, values)
    payload = {"category": category.value, "kind": kind, "name": name, "values": values}
    prompt = line(ASK_KEY.get(how, "secret.ask"), name=name)
    asked = await ctx.ask(PRIVATE_ADD, missing, prompt, payload=payload)
    return [dataclasses.replace(reply, delete_trigger=True) for reply in asked]


async def private_add(ctx: Ctx, tap: Tap, values: dict[str, str]) -> list[Reply]:
    """The secrets asked for by `_add_or_ask`: "-" leaves one unset."""
    if not ctx.member.admin:
        deletes = ctx.sender.deletes_secrets
        return _answer(line("secret.admin_only" if deletes else "secret.admin_only_plain"))
    given = {k: v.strip() for k, v in values.items() if v.strip() not in ("", "-")}
    p = tap.payload
    category = IntegrationCategory(p["category"])
    try:
        return await _add(ctx, category, p["kind"], p["name"], {**p["values"], **given})
    except errors.OutpostError as err:
        return _answer(Text(err.key, err.params))


async def _add(
    ctx: Ctx, category: IntegrationCategory, kind: str | None, name: str, values: dict[str, Any]
) -> list[Reply]:
    """Store it, test it, and keep it only if it works (the same service as `outpost … add`)."""
    deletes = ctx.sender.deletes_secrets
    try:
        await ctx.services.integrations.add(category, name, kind, values)
    except errors.AdapterError as err:  # the test failed: it was not kept
        failed = line("secret.failed" if deletes else "secret.failed_plain", name=name)
        return _answer(failed, Text(err.key, err.params))
    return _answer(line("secret.added" if deletes else "secret.added_plain", name=name))


def _parse(
    category: IntegrationCategory, words: list[str]
) -> tuple[str | None, str, dict[str, Any]] | None:
    """(kind, name, values) from `KIND NAME FIELD…` or the kind-less `NAME URL …`; None: usage."""
    if len(words) >= 3 and "://" in words[1]:
        kind, rest = None, words  # the older form: the second word is already the URL
    elif len(words) >= 2 and words[0].lower() in kinds(category):
        kind, rest = words[0].lower(), words[1:]
    else:
        return None
    declared = fields_for(category, kind or DEFAULT_KINDS[category])
    values = _fill(declared, rest[1:])
    return None if values is None else (kind, rest[0], values)


def _fill(declared: tuple[FieldInfo, ...], words: list[str]) -> dict[str, Any] | None:
    """Words to settings in declaration order; a repeatable last field takes the rest."""
    values: dict[str, Any] = {}
    for index, f in enumerate(declared):
        if index >= len(words):
            return values
        values[f.name] = words[index:] if f.many else words[index]
        if f.many:
            return values
    return values if len(words) <= len(declared) else None


def usage(command: str, category: IntegrationCategory) -> str:
    """`/addindexer torznab NAME URL [API_KEY] …`, one form per kind that loads."""
    forms = []
    for kind in kinds(category):
        try:
            declared = fields_for(category, kind)
        except errors.OutpostError:
            continue
        words = [f.name.upper() if f.required else f"[{f.name.upper()}]" for f in declared]
        forms.append(" ".join([f"/{command}", kind, "NAME", *words]))
    return " | ".join(forms)
