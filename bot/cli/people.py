"""`outpost person add|list|remove`: the household from the shell."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from bot.cli.output import Output, table
from bot.i18n import DEFAULT, languages
from core import errors
from core.app import Outpost
from core.services.household import Household, Role


def _accounts(args: argparse.Namespace) -> dict[str, str]:
    found = {p: getattr(args, p) for p in ("telegram", "discord") if getattr(args, p, None)}
    for platform, external in found.items():
        if not external.lstrip("-").isdigit():
            raise errors.UserError(
                f"{platform} id {external!r} is not a number",
                key="error.bad_account_id",
                platform=platform,
                id=external,
            )
    if not found:
        raise errors.UserError("no account given", key="cli.person_needs_account")
    return found


async def add(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    language = args.language.lower() if args.language else DEFAULT
    if language not in languages():
        raise errors.UserError(
            f"unknown language {language!r}",
            key="error.unknown_language",
            language=language,
            known=", ".join(languages()),
        )
    person = await Household().add_person(args.name, Role(args.role), _accounts(args), language)
    out.data({"name": person.name, "role": person.role.value, "language": person.language})
    out.say("cli.person_added", name=person.name, role=args.role)
    return 0


async def list_(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    rows = await Household().people()
    out.data(
        [
            {
                "name": p.name,
                "role": p.role.value,
                "language": p.language,
                "accounts": {a.platform: a.user_id for a in p.accounts},
            }
            for p in rows
        ]
    )
    if not rows:
        out.say("cli.no_people")
        return 0
    lines = [
        [
            p.name,
            p.role.value,
            p.language,
            ", ".join(f"{a.platform}:{a.user_id}" for a in p.accounts),
        ]
        for p in rows
    ]
    out.text(table(["NAME", "ROLE", "LANGUAGE", "ACCOUNTS"], lines))
    return 0


async def remove(app: Outpost, args: argparse.Namespace, out: Output) -> int:
    await Household().remove_person(args.name)
    out.data({"name": args.name, "removed": True})
    out.say("cli.person_removed", name=args.name)
    return 0


Leaf = Callable[..., argparse.ArgumentParser]  # main's `_leaf(sub, name, run, **kw)`


def register(sub: argparse._SubParsersAction, leaf: Leaf, parser_class: type) -> None:  # type: ignore[type-arg]
    """`person add|list|remove` under the main parser."""
    person = sub.add_parser("person", help="who may use Outpost from a chat")
    actions = person.add_subparsers(dest="action", required=True, parser_class=parser_class)
    added = leaf(actions, "add", add, help="add a person with their chat accounts")
    added.add_argument("name")
    added.add_argument("--telegram", metavar="ID", help="Telegram user id")
    added.add_argument("--discord", metavar="ID", help="Discord user id")
    added.add_argument("--role", choices=[r.value for r in Role], required=True)
    added.add_argument("--language", help="e.g. de; default en")
    leaf(actions, "list", list_, help="list the household")
    leaf(actions, "remove", remove, help="remove a person").add_argument("name")
