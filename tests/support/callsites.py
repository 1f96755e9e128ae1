"""A static scan of the code's message call sites: which keys each can pass, with which params.

Recognised: `t(key, lang, **p)`, `out.t/say/error(key, **p)`, `ctx.say(key, **p)`,
`line(key, **p)`, `Text(key, {...})`, `ctx.button(key, action, payload, **p)`,
`Rejection(code, {...})`, and every `OutpostError` subclass raised with or without `key=`
(its class key, plus the params its constructors always pass, such as `service`).

A key is read from a constant, both arms of `a if c else b`, the constants of `a or "x"`, a
name bound in the function or the module, a lookup in a module's dict of keys, or an f-string
(every catalogue key its pattern matches). A key that is another object's attribute
(`err.key`) or the enclosing function's parameter is passed through: its origin is checked.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

FOLDERS = ("core", "adapters", "bot")
FUNCTIONS = {"t": set(), "line": set(), "Text": set()}  # name -> keywords that are no params
METHODS = {"t": set(), "say": set(), "error": set(), "button": {"payload"}}
LOGGERS = {"log", "logger", "logging"}  # log.error(...) is for the operator, not a key
ANY_PART = "[a-z0-9_]+"
_FUNCTION = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True, slots=True)
class Site:
    where: str  # path:line
    code: str  # the call, for the failure message
    keys: frozenset[str]  # every key the call can pass; empty when passed through
    params: frozenset[str]
    open: bool  # params also spread from a mapping the scan cannot read
    passed_through: bool  # the key is `x.key` or a parameter: checked where it was made


@dataclass(frozen=True, slots=True)
class ErrorClass:
    key: str | None
    implied: frozenset[str]  # params its __init__ always hands to the base class
    bases: tuple[str, ...]


def scan(root: Path, catalogue: Iterable[str]) -> list[Site]:
    trees = {path: ast.parse(path.read_text("utf-8")) for path in _files(root)}
    classes = _error_classes(trees.values())
    keys = frozenset(catalogue)
    sites: list[Site] = []
    for path, tree in trees.items():
        for scope, call in _calls(tree):
            where = f"{path.relative_to(root)}:{call.lineno}"
            site = _Reader(tree, scope, keys).site(call, classes, where)
            if site is not None:
                sites.append(site)
    return sites


def _files(root: Path) -> Iterator[Path]:
    for folder in FOLDERS:
        yield from sorted((root / folder).rglob("*.py"))


def _calls(tree: ast.Module) -> Iterator[tuple[ast.AST, ast.Call]]:
    """Each call with the innermost function (or the module) it sits in."""
    scopes: list[ast.AST] = [tree]
    scopes += [n for n in ast.walk(tree) if isinstance(n, _FUNCTION | ast.Lambda)]
    seen: set[int] = set()
    for scope in reversed(scopes):  # ast.walk is breadth first: inner functions come last
        for node in ast.walk(scope):
            if isinstance(node, ast.Call) and id(node) not in seen:
                seen.add(id(node))
                yield scope, node


def _error_classes(trees: Iterable[ast.Module]) -> dict[str, ErrorClass]:
    found = {
        node.name: _error_class(node)
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    return {name: cls for name, cls in found.items() if _descends(name, found)}


def _error_class(node: ast.ClassDef) -> ErrorClass:
    key = None
    implied: set[str] = set()
    for item in node.body:
        if isinstance(item, ast.Assign) and [ast.unparse(t) for t in item.targets] == ["key"]:
            if isinstance(item.value, ast.Constant) and isinstance(item.value.value, str):
                key = item.value.value
        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
            for call in ast.walk(item):
                if isinstance(call, ast.Call) and ast.unparse(call.func) == "super().__init__":
                    implied |= {k.arg for k in call.keywords if k.arg}
    bases = tuple(ast.unparse(b).rsplit(".", 1)[-1] for b in node.bases)
    return ErrorClass(key, frozenset(implied), bases)


def _descends(name: str, found: dict[str, ErrorClass]) -> bool:
    if name == "OutpostError":
        return True
    cls = found.get(name)
    return cls is not None and any(_descends(b, found) for b in cls.bases if b != name)


def _chain(name: str, classes: dict[str, ErrorClass]) -> Iterator[ErrorClass]:
    cls = classes.get(name)
    if cls is not None:
        yield cls
        for base in cls.bases:
            yield from _chain(base, classes)


class _Reader:
    """Reads key and param expressions within one function of one module."""

    def __init__(self, module: ast.Module, scope: ast.AST, catalogue: frozenset[str]) -> None:
        self.module = module
        self.scope = scope
        self.catalogue = catalogue

    def site(self, call: ast.Call, classes: dict[str, ErrorClass], where: str) -> Site | None:
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in classes:
            return self._error_site(call, list(_chain(name, classes)), where)
        if not call.args or isinstance(call.args[0], ast.Starred):
            return None
        if name == "Rejection":
            return self._mapping_site(call, where, prefix="rejection.")
        if isinstance(func, ast.Attribute) and ast.unparse(func.value) in LOGGERS:
            return None
        table = METHODS if isinstance(func, ast.Attribute) else FUNCTIONS
        if name not in table:
            return None
        if name == "Text":
            return self._mapping_site(call, where)
        params, open_ = self._keywords(call, table[name])
        return self._make(call, call.args[0], where, params, open_)

    def _make(
        self,
        call: ast.Call,
        node: ast.expr,
        where: str,
        params: frozenset[str],
        open_: bool,
        prefix: str = "",
    ) -> Site:
        keys = self.keys(node, prefix)
        through = not keys and self.passed_through(node)
        return Site(where, ast.unparse(call), keys, params, open_, through)

    def _mapping_site(self, call: ast.Call, where: str, prefix: str = "") -> Site:
        params, open_ = self.mapping(call.args[1] if len(call.args) > 1 else None)
        return self._make(call, call.args[0], where, params, open_, prefix)

    def _error_site(self, call: ast.Call, chain: list[ErrorClass], where: str) -> Site:
        params, open_ = self._keywords(call, {"key"})
        params |= frozenset().union(*(c.implied for c in chain))
        given = [k.value for k in call.keywords if k.arg == "key"]
        if given:
            return self._make(call, given[0], where, params, open_)
        default = next(c.key for c in chain if c.key is not None)
        return Site(where, ast.unparse(call), frozenset({default}), params, open_, False)

    def _keywords(self, call: ast.Call, skip: set[str]) -> tuple[frozenset[str], bool]:
        names = frozenset(k.arg for k in call.keywords if k.arg and k.arg not in skip)
        open_ = False
        for spread in (k.value for k in call.keywords if k.arg is None):
            more, unknown = self.mapping(spread)
            names |= more
            open_ = open_ or unknown
        return names, open_

    def mapping(self, node: ast.expr | None) -> tuple[frozenset[str], bool]:
        """The names a mapping holds: a dict literal, `dict(a=…)`, or a local name bound to one."""
        if node is None:
            return frozenset(), False
        if isinstance(node, ast.Dict):
            names: set[str] = set()
            for key in node.keys:
                found = self.keys(key) if key is not None else frozenset()
                if not found:
                    return frozenset(names), True
                names |= found
            return frozenset(names), False
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "dict" and not node.args:
            return frozenset(k.arg for k in node.keywords if k.arg), False
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self._returned(node.func.id)
        if isinstance(node, ast.Name):
            bound = self._bindings(node.id)
            if bound and all(isinstance(b, ast.Dict | ast.Call) for b in bound):
                results = [self.mapping(b) for b in bound]
                return frozenset.intersection(*(r[0] for r in results)), any(r[1] for r in results)
        return frozenset(), True

    def _returned(self, function: str) -> tuple[frozenset[str], bool]:
        """The names a module function's returned dict literals all hold."""
        for node in self.module.body:
            if isinstance(node, _FUNCTION) and node.name == function:
                returns = [r.value for r in ast.walk(node) if isinstance(r, ast.Return)]
                if returns and all(isinstance(r, ast.Dict) for r in returns):
                    found = [self.mapping(r) for r in returns]
                    return frozenset.intersection(*(f[0] for f in found)), any(f[1] for f in found)
        return frozenset(), True

    def keys(self, node: ast.expr, prefix: str = "") -> frozenset[str]:
        """Every string the expression can be; empty when the scan cannot tell."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return frozenset({prefix + node.value})
        if isinstance(node, ast.IfExp):
            arms = [self.keys(arm, prefix) for arm in (node.body, node.orelse)]
            return arms[0] | arms[1] if all(arms) else frozenset()
        if isinstance(node, ast.BoolOp):  # `grab.failure or "failure.unknown"`
            return frozenset().union(*(self.keys(v, prefix) for v in node.values))
        if isinstance(node, ast.JoinedStr):
            return self._pattern(node, prefix)
        if isinstance(node, ast.Name):
            found = [self.keys(b, prefix) for b in self._bindings(node.id)]
            return frozenset().union(*found) if found and all(found) else frozenset()
        return self._lookup(node, prefix)

    def _pattern(self, node: ast.JoinedStr, prefix: str) -> frozenset[str]:
        """The f-string's values when the scan knows each part, else the keys its shape fits."""
        parts = [
            frozenset({str(v.value)}) if isinstance(v, ast.Constant) else self._part(v)
            for v in node.values
        ]
        if all(parts):
            spelled = {prefix}
            for options in parts:
                spelled = {head + option for head in spelled for option in options}
            return frozenset(spelled)
        pattern = re.escape(prefix) + "".join(
            re.escape(str(v.value)) if isinstance(v, ast.Constant) else ANY_PART
            for v in node.values
        )
        matched = {k for k in self.catalogue if re.fullmatch(pattern, k)}
        return frozenset(matched or {pattern})  # a pattern nothing matches is reported

    def _part(self, value: ast.expr) -> frozenset[str]:
        if isinstance(value, ast.FormattedValue) and value.format_spec is None:
            return self.keys(value.value)
        return frozenset()

    def _lookup(self, node: ast.expr, prefix: str) -> frozenset[str]:
        """`TABLE[x]` or `TABLE.get(x, default)` over a module-level dict of strings."""
        table: ast.expr | None = None
        extra: frozenset[str] = frozenset()
        if isinstance(node, ast.Subscript):
            table = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "get":
                table = node.func.value
                if len(node.args) > 1:
                    extra = self.keys(node.args[1], prefix)
        if not isinstance(table, ast.Name):
            return frozenset()
        for bound in self._module_bindings(table.id):
            if isinstance(bound, ast.Dict):
                values = [self.keys(v, prefix) for v in bound.values]
                if all(values):
                    return frozenset().union(extra, *values)
        return frozenset()

    def passed_through(self, node: ast.expr) -> bool:
        """`err.key`, or a parameter of the enclosing function (a wrapper's key)."""
        if isinstance(node, ast.Attribute):
            return True
        if isinstance(node, ast.BoolOp):
            return any(self.passed_through(v) for v in node.values)
        if isinstance(node, ast.Name) and isinstance(self.scope, _FUNCTION | ast.Lambda):
            args = self.scope.args
            names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
            return node.id in names and not self._bindings(node.id)
        return False

    def _bindings(self, name: str) -> list[ast.expr]:
        """What `name = …` binds in the function, else at module level."""
        found = _assigned(name, ast.walk(self.scope))
        return found or self._module_bindings(name)

    def _module_bindings(self, name: str) -> list[ast.expr]:
        return _assigned(name, self.module.body)


def _assigned(name: str, nodes: Iterable[ast.AST]) -> list[ast.expr]:
    found: list[ast.expr] = []
    for node in nodes:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            found.append(node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            if isinstance(node.target, ast.Name) and node.target.id == name:
                found.append(node.value)
    return found
