"""`outpost` entry point: parse the command line, run one command, errors as one clear line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from bot.cli import fields, integrations, library, people, profiles, searching, system
from bot.cli.output import Output
from bot.console.command import chat
from bot.i18n import pick_language, t
from core import errors
from core.domain import MediaKind
from core.redact import configure_logging
from core.registry import kinds as kinds_of
from core.runtime import Timing
from core.services.integrations import IntegrationCategory

log = logging.getLogger("outpost")
Command = Callable[..., Awaitable[int]]
DEFAULT_TIMING = Timing()


class Parser(argparse.ArgumentParser):
    """argparse that ends a bad command line with one line, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--data-dir", default=default, help="where Outpost keeps its data")
    parser.add_argument(
        "--json",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="print JSON for scripts",
    )


if TYPE_CHECKING:  # generic only in the stubs
    SubParsers = argparse._SubParsersAction[Parser]


def _leaf(sub: SubParsers, name: str, run: object, **kw: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, **kw)
    _common(parser, top=False)
    parser.set_defaults(run=run)
    return parser


def _actions(sub: SubParsers, name: str, help_: str, **defaults: str) -> SubParsers:
    """`outpost NAME <action>`: a group whose action is required."""
    parser = sub.add_parser(name, help=help_)
    parser.set_defaults(**defaults)
    actions: SubParsers = parser.add_subparsers(dest="action", required=True, parser_class=Parser)
    return actions


def _kind_help(category: IntegrationCategory) -> dict[str, str]:
    known = kinds_of(category)  # names only: no adapter is imported for this
    return {"metavar": "{" + ",".join(known) + "}", "help": "one of: " + ", ".join(known)}


def _integration_group(sub: SubParsers, group: str, detailed: bool) -> None:
    """`detailed`: this group is the command, so its adapters are loaded for their settings."""
    category = IntegrationCategory(group)
    actions = _actions(sub, group, f"configure {group}s", group=group)
    add = _leaf(actions, "add", integrations.add, help=f"add and test a {group}")
    add.add_argument("name")
    add.add_argument("--kind", required=True, **_kind_help(category))
    add.add_argument("--no-test", action="store_true", help="save without testing")
    if detailed:
        fields.add_options(add, category)
    _leaf(actions, "list", integrations.list_, help=f"list {group}s")
    for action, run in (("test", integrations.test), ("remove", integrations.remove)):
        _leaf(actions, action, run, help=f"{action} a {group}").add_argument("name")
    if category is IntegrationCategory.INDEXER:
        _leaf(actions, "sync", integrations.sync, help="mirror Prowlarr's indexers now")
        _leaf(actions, "stats", integrations.stats, help="Prowlarr's statistics per indexer")


def _provider_group(sub: SubParsers, detailed: bool) -> None:
    category = IntegrationCategory.PROVIDER
    actions = _actions(sub, "provider", "configure metadata providers", group="provider")
    pset = _leaf(actions, "set", integrations.provider_set, help="set a provider's key")
    pset.add_argument("kind", **_kind_help(category))
    pset.add_argument("--no-test", action="store_true", help="save without testing")
    if detailed:
        fields.add_options(pset, category)
    _leaf(
        actions, "list", integrations.list_, help="list providers (keyless ones are on by default)"
    )
    ptest = _leaf(actions, "test", integrations.test, help="test a provider with a live call")
    ptest.add_argument("name", **_kind_help(category))
    for action in ("disable", "enable"):
        switch = _leaf(actions, action, integrations.provider_switch, help=f"{action} a provider")
        switch.add_argument("kind", **_kind_help(category))


def _search_group(sub: SubParsers, kinds: list[str]) -> None:
    actions = _actions(sub, "search", "search titles or releases")
    media = _leaf(actions, "media", searching.search_media, help="find titles")
    media.add_argument("query")
    media.add_argument("--kind", choices=kinds)
    releases = _leaf(actions, "releases", searching.search_releases, help="find releases")
    releases.add_argument("query")
    releases.add_argument("--kind", choices=kinds)
    releases.add_argument("--season", type=int)
    releases.add_argument("--episode", type=int)
    releases.add_argument("--all", action="store_true", help="show rejected releases too")
    releases.add_argument(
        "--runtime", type=int, metavar="MIN", help="the title's minutes, for the size sanity"
    )
    releases.add_argument(
        "--media",
        metavar="PROVIDER:ID",
        help="the title `search media` found (its provider and id): its credits name the files",
    )


def _library_group(sub: SubParsers, kinds: list[str]) -> None:
    actions = _actions(sub, "library", "where finished downloads go")
    lset = _leaf(actions, "set", library.set_root, help="set the library folder of a kind")
    lset.add_argument("kind", choices=kinds)
    lset.add_argument("path")
    _leaf(actions, "list", library.list_roots, help="list the library folders")
    lname = _leaf(actions, "naming", library.set_naming, help="set a kind's file-name template")
    lname.add_argument("kind", choices=kinds)
    lname.add_argument("template", help="e.g. '{title} ({year})/{title} ({year}).{ext}'")
    lmode = _leaf(actions, "mode", library.set_mode, help="hardlink, copy, or hardlink only")
    lmode.add_argument("mode", choices=["hardlink-or-copy", "hardlink-only", "copy"])


RUN_TIMING = (
    ("--poll-interval", DEFAULT_TIMING.interval, "seconds between polls of the download clients"),
    (
        "--stall-after",
        DEFAULT_TIMING.stall_after,
        "seconds without progress before a download counts as stalled",
    ),
    (
        "--fail-after",
        DEFAULT_TIMING.fail_after,
        "seconds without progress before a download is failed and replaced",
    ),
    ("--sync-every", DEFAULT_TIMING.sync_indexers, "seconds between syncs of Prowlarr's indexers"),
)


def _service_commands(sub: SubParsers) -> None:
    _leaf(sub, "doctor", system.doctor, help="test every configured service")
    run = _leaf(sub, "run", system.run, help="run the service")
    talk = _leaf(sub, "chat", chat, help="run the service and talk to it in this terminal")
    for parser in (run, talk):
        for flag, default, help_ in RUN_TIMING:
            parser.add_argument(flag, type=float, default=default, metavar="S", help=help_)
    hist = _leaf(sub, "history", system.history, help="what Outpost told whom")
    hist.add_argument("--limit", type=int, default=50)
    actions = _actions(sub, "secrets", "manage the encryption of stored secrets")
    _leaf(actions, "rotate", system.rotate, help="re-encrypt every secret with the newest key")


def command_of(argv: Sequence[str]) -> str | None:
    """The command word of `argv` (skipping the top-level options), without parsing it all."""
    words = iter(argv)
    for word in words:
        if word == "--data-dir":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def build_parser(argv: Sequence[str] | None = None) -> Parser:
    """The parser; a settings group's options are built only when that group is the command."""
    command = command_of(sys.argv[1:] if argv is None else argv)
    parser = Parser(prog="outpost", description="Outpost, the household media concierge.")
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    kinds = [k.value for k in MediaKind]
    _integration_group(sub, "indexer", command == "indexer")
    _integration_group(sub, "client", command == "client")
    _provider_group(sub, command == "provider")
    _search_group(sub, kinds)
    _library_group(sub, kinds)
    profiles.register(_actions(sub, "profile", "which release qualities each kind takes"), _leaf)
    grab = _leaf(sub, "grab", searching.grab, help="send a found release to a client")
    grab.add_argument("ref")
    grab.add_argument("--client")
    _leaf(sub, "queue", searching.queue, help="what is downloading")
    parse = _leaf(sub, "parse", None, help="show what Outpost reads in release names")
    parse.add_argument("titles", nargs="+", metavar="TITLE")
    _service_commands(sub)
    people.register(sub, _leaf, Parser)
    return parser


async def _run(command: Command, args: argparse.Namespace, out: Output) -> int:
    from core.app import Outpost  # the store is imported only for commands that need it
    from core.store.database import resolve_data_dir

    def translate(key: str, /, **params: object) -> str:
        return t(key, out.lang, **params)

    async with Outpost(resolve_data_dir(args.data_dir), translate=translate) as app:
        return await command(app, args, out)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser(argv).parse_args(argv)
    out = Output(json_mode=args.json, lang=pick_language())
    configure_logging(logging.INFO if args.command == "run" else logging.WARNING)
    try:
        if args.command == "parse":
            return searching.parse_titles(args, out)
        return asyncio.run(_run(args.run, args, out))
    except errors.OutpostError as err:
        out.error(err.key, **err.params)
        log.debug("command failed: %s", err)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception:
        incident = secrets.token_hex(3)
        log.exception("incident %s", incident)
        out.error("error.internal", incident=incident)
        return 70


def entry() -> NoReturn:
    sys.exit(main())


if __name__ == "__main__":
    entry()
