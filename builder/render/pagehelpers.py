"""What makes the templates cheap to render: each page's links from one prefix, and a cheaper escape.

Rendering is most of a large build, and most of rendering was jinja calling back into
Python. Every `link(...)` from a template made a new context for the call; here the
context of a page knows the page, so that `link` is a plain function bound to it and
`root` is the page's way back to the site's root ("../../" from a claim page), which
templates put before a path of `urls` (`{{ root }}{{ source.id|source_url }}`). And each
`{{ value }}` was escaped by `markupsafe.escape`, which makes a `Markup` of every piece
of every page; `PageEnvironment` compiles templates to escape output the same way, into
a plain string.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection, Iterable, MutableMapping
from functools import cache
from pathlib import PurePath
from types import FunctionType, ModuleType
from typing import TYPE_CHECKING, Any

from jinja2 import nodes, pass_context
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing
from jinja2.visitor import NodeTransformer
from markupsafe import Markup, escape

from builder.render import urls

if TYPE_CHECKING:
    from builder.analyse.analysis import VariantAnalysis


def linker(from_url: str) -> Any:
    """`urls.relative` from one page, its prefix computed once."""
    prefix = urls.root(from_url)

    def link(target: str) -> str:
        if "#" in target:
            return urls.relative(from_url, target)
        return prefix + target or "./"

    return link


@pass_context
def context_link(context: Context, target: str) -> str:
    """The global `link`: from the page being rendered to `target` (a path of `urls`)."""
    return urls.relative(context["page_url"], target)


class PageContext(Context):
    """A template context that gives `root` and a `link` bound to its page (its `page_url`).

    `link` stays a global (a function of the context), so that a template that renders without
    a page fails as it did; within a page it resolves to the page's own, which jinja calls
    without making a new context for each call.
    """

    def resolve_or_missing(self, key: str) -> Any:
        if key in self.vars:
            return self.vars[key]
        parent = self.parent
        if key in parent:
            value = parent[key]
            if value is context_link and "page_url" in parent:
                return self._bound("link", linker)
            return value
        if key == "root" and "page_url" in parent:
            return self._bound("root", urls.root)
        return missing

    def _bound(self, name: str, make: Any) -> Any:
        made = self.__dict__.setdefault("_made", {})
        if name not in made:
            made[name] = make(self.parent["page_url"])
        return made[name]


def with_verdict(items: Iterable[VariantAnalysis], verdicts: Collection[str]) -> list[VariantAnalysis]:
    """The items whose verdict is one of `verdicts` (`selectattr("verdict", "in", ...)` for less)."""
    return [item for item in items if item.verdict in verdicts]


def escaped(value: Any) -> str:
    """What a template outputs for `{{ value }}`: `markupsafe.escape(value)`, made a str.

    The same characters for the same values: a plain string is escaped by the function that
    `markupsafe.escape` calls for it, but not then made into a `Markup` (the page joins its
    pieces as strings anyway); markup is output as it is, and a whole number as its digits; anything
    else goes to `escape`.
    """
    kind = value.__class__
    if kind is str:
        return _escape_str(value)
    if kind is Markup:
        return value
    if kind is int:  # a count: digits, perhaps a minus, which escaping leaves as they are
        return str(value)
    return escape(value)


try:
    from markupsafe import _escape_inner as _escape_str  # markupsafe 3 (in C when it can be)
except ImportError:  # pragma: no cover - markupsafe 2, whose escape is all C

    def _escape_str(value: str) -> str:
        return str(escape(value))


class _OutputCodeGenerator(CodeGenerator):
    """Compiles each autoescaped `{{ ... }}` to `environment.escaped(...)` instead of `escape(...)`."""

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("environment.escaped(")
        if finalize.src is not None:
            self.write(finalize.src)


class PageEnvironment(ImmutableSandboxedEnvironment):
    """The environment of the pages: contexts that know their page, and a cheaper escape of output.

    Sandboxed, as Jinja's own sandbox makes it: a template (the site's own, from a contributor's branch
    that a reviewer runs `factsheet diff` on) reaches no attribute that starts with `_`, no function's
    globals and no method that changes a list or a dict, so it cannot run code or reach the operating
    system; an attempt is a `SecurityError`, reported at the template's line like any template error.
    """

    context_class = PageContext
    code_generator_class = _OutputCodeGenerator
    escaped = staticmethod(escaped)
    helpers: frozenset[int] = frozenset()
    """The environment's own functions that take no context (`_`, `ngettext`, `tally`...): called as they
    are, without the sandbox's checks and a context's dispatch of each call, which the interface's words
    (dozens of calls on every page) made a large part of rendering. They are factsheet's, not a template's."""

    translated: Callable[[str], str] | None = None
    """The catalog's word for a message, when this environment speaks one: each `_("...")` of a template
    without values is then its translation, written into the compiled template (`_parse`) rather than
    looked up on every page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.public = _public_attributes()
        """The desk's own records, by type, with the public attributes that are read without the sandbox's
        checks (`getattr`)."""
        self.paths = _paths()
        """What templates read of `urls` without the sandbox's checks."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        # Jinja chains a template's globals over the environment's, so that a global set later reaches the
        # templates loaded before; but every page copies its globals into a new context, item by item through
        # the chain. An environment of pages is complete before its first template is loaded (`environment`)
        # and never changed after, so one flat dict says the same and is copied whole.
        return {**self.globals, **(d or {})}

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        if self.translated is None or _assigns_gettext(tree):
            return tree
        return _ConstantMessages(self.translated).visit(tree)  # type: ignore[no-any-return]

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        # By identity, the environment's own helpers (held by its globals); by their module, the functions of
        # `urls` and a page's `link` (`linker`), which make paths of strings (no template can define either),
        # but one that takes the template's context (`context_link`), which jinja's own call passes.
        if id(__obj) in __self.helpers or (
            __obj.__class__ is FunctionType and __obj.__module__ in _OURS and "jinja_pass_arg" not in __obj.__dict__
        ):
            kwargs.pop("_block_vars", None)  # what jinja passes for a context to keep, as `Context.call` drops it
            kwargs.pop("_loop_vars", None)
            return __obj(*args, **kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # No module is reachable from a template, whatever a module given to the templates (`urls`)
        # happens to import: a module's functions (`os.system`) are callables the sandbox would allow.
        # Nor is anything of a path but its text: `site.root.joinpath(...).write_text(...)` would read
        # or write any file of the machine that builds.
        if isinstance(obj, PurePath) or isinstance(value, ModuleType):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def getattr(self, obj: Any, attribute: str) -> Any:
        # The desk's own data (claims, figures, analyses: frozen records of values, and no module) is most of
        # what a page reads; its public attributes are safe without the sandbox's checks of each access, which
        # were most of a claim page's time. What they hold is checked as the sandbox checks it: a path among
        # them (`site.root`) gives nothing but its text (`is_safe_attribute`), a dict no method that changes it.
        # Hundreds of reads a page: the names and the paths are the environment's own, not looked up by a call,
        # and a name is found in its type's set, which is cheaper than telling a public name by its first letter.
        if attribute in self.public.get(obj.__class__, ()):
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass
        elif obj is urls and attribute in self.paths:  # a page's links: dozens of reads of `urls` a page
            return self.paths[attribute]
        return super().getattr(obj, attribute)


_GETTEXT = frozenset({"_", "gettext"})


def _assigns_gettext(tree: nodes.Template) -> bool:
    """Whether a template gives `_` or `gettext` a meaning of its own (`{% set _ = ... %}`, a loop or a
    macro's argument of that name): its calls are then not the catalog's."""
    return any(name.name in _GETTEXT for name in tree.find_all(nodes.Name) if name.ctx in ("store", "param"))


_PLACE = re.compile(r"(%\(\w+\)s|%%)")


class _ConstantMessages(NodeTransformer):
    """The catalog looked up, and each message cut into its words and its values, once, when a template is
    compiled rather than on every page: `{{ _("as of %(date)s", date=d) }}` compiles as `as of {{ d }}` would
    (in the site's language), `_("Claims")` anywhere as its translation, marked safe as the call returns it.
    A message elsewhere with values (`{% set by = _("...", x=...) %}`) is left to the call."""

    def __init__(self, translated: Callable[[str], str]) -> None:
        self.translated = translated

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        children: list[nodes.Expr] = []
        for child in node.nodes:
            child = self.visit(child)
            pieces = self._pieces(child) if isinstance(child, nodes.Call) else None
            children.extend(pieces if pieces is not None else [child])
        node.nodes = children
        return node

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        node = self.generic_visit(node)  # the values first: they may be messages too
        if node.kwargs:
            return node
        pieces = self._pieces(node)
        if pieces is None:
            return node
        text = "".join(piece.data for piece in pieces if isinstance(piece, nodes.TemplateData))
        return nodes.MarkSafe(nodes.Const(text)).set_lineno(node.lineno)

    def _pieces(self, node: nodes.Call) -> list[nodes.Expr] | None:
        """The message of a `_()` call as words (`TemplateData`: markup, as the call takes the catalog's) and
        values (output as any `{{ value }}`, escaped); None when it is not one, or cannot be cut exactly."""
        if not (
            isinstance(node.node, nodes.Name)
            and node.node.name in _GETTEXT
            and len(node.args) == 1
            and isinstance(node.args[0], nodes.Const)
            and isinstance(node.args[0].value, str)
            and node.dyn_args is None
            and node.dyn_kwargs is None
        ):
            return None
        values = {keyword.key: keyword.value for keyword in node.kwargs}
        pieces: list[nodes.Expr] = []
        for piece in _PLACE.split(self.translated(node.args[0].value)):
            if piece == "%%":
                pieces.append(nodes.TemplateData("%"))
            elif piece.startswith("%("):
                value = values.get(piece[2:-2])
                if value is None:
                    return None  # a place without a value: the call says so when it runs
                pieces.append(value)
            elif "%" in piece:
                return None  # a stray `%`: the call says so when it runs
            elif piece:
                pieces.append(nodes.TemplateData(piece))
        for piece in pieces:
            piece.set_lineno(node.lineno)
        return pieces


_OURS = frozenset({urls.__name__, __name__})
"""The modules whose functions a template may be handed (`urls`' paths, `linker`'s `link`) and calls as they are."""


@cache
def _paths() -> dict[str, object]:
    """What templates read of `urls`: its paths and the functions it defines, which make paths of ids; not
    what it imports (a module, or a function of another one), which stays the sandbox's to refuse."""
    return {
        name: value
        for name, value in vars(urls).items()
        if not name.startswith("_")
        and (isinstance(value, str) or (isinstance(value, FunctionType) and value.__module__ == urls.__name__))
    }


@cache
def _public_attributes() -> dict[type, frozenset[str]]:
    """The records of the desk's data that pages read (every dataclass of the model and its analysis), each
    with its public attributes: its fields, and whatever its class defines (properties, methods) but its
    names that start with `_`."""
    from builder.analyse import analysis
    from builder.check import dates, interval, model, units

    modules = (analysis, dates, interval, model, units)
    return {
        kind: frozenset(
            name
            for name in (*(field.name for field in dataclasses.fields(kind)), *dir(kind))
            if not name.startswith("_")
        )
        for module in modules
        for kind in vars(module).values()
        if isinstance(kind, type) and dataclasses.is_dataclass(kind) and kind.__module__ == module.__name__
    }
