"""Sandboxed rendering of user-written email templates over plain merge-field values.

The template language marketers get is deliberately small: merge fields (``{{ first_name }}``,
``{{ custom.budget }}``), a fallback for blank fields (``{{ first_name | default("there") }}`` or
``{{ first_name or "there" }}``), ``{% if %}``/``{% elif %}``/``{% else %}``, ``~`` to join text, and a
few text filters (upper, lower, title, capitalize, trim, truncate).

Limits are enforced in three layers:

* size: the source of the subject and body is capped before parsing, and every merge value is capped;
* shape: the parsed template is checked against an allow-list of node types, so loops, ``{% set %}``,
  macros, includes, imports, calls, attribute access and arithmetic never reach the compiler. With no
  loops and no assignment, a render does work linear in (source size x value size), which is what
  makes the time bound hold, and ``range(10**9)``, nested loops or ``'a' * 10**9`` are refused up front;
* output: rendering streams through ``Template.generate`` and stops as soon as the output passes its
  cap or the wall-clock deadline passes, so even a surprise cannot hold a worker for long.

Underneath it all, templates run in Jinja's ``ImmutableSandboxedEnvironment`` with ``StrictUndefined``
and no loader, over a plain dict of strings. The HTML part is never written by users:
``crm.mail.message.text_to_html`` derives it from the rendered text, escaping every character.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import StrictUndefined, Undefined, nodes, pass_context
from jinja2.exceptions import TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from crm.mail.message import text_to_html
from crm.outreach import template_errors
from crm.outreach.leftovers import unresolved_fields
from crm.outreach.merge_names import CUSTOM_PREFIX, custom_field, flat_name, names_custom
from crm.outreach.merge_values import Values, prepare

MAX_SUBJECT_SOURCE = 1_000
MAX_BODY_SOURCE = 20_000
MAX_SUBJECT_OUTPUT = 300
MAX_BODY_OUTPUT = 100_000
RENDER_SECONDS = 1.0

_ALLOWED_FILTERS = frozenset({"default", "d", "upper", "lower", "title", "capitalize", "trim", "truncate"})
_ALLOWED_TESTS = frozenset({"defined", "undefined", "none"})
_ALLOWED_COMPARISONS = frozenset({"eq", "ne"})
_MAX_INT_CONST = 10_000
_BLANKS_KEY = "crm:blank-fields"  # not an identifier, so no template can name it
_FIELD_CHECK_FILTER = "crm_merge_field"

_FRIENDLY_NAMES = {
    "For": "loops ({% for %})", "Assign": "variables ({% set %})", "AssignBlock": "variables ({% set %})",
    "Macro": "macros", "CallBlock": "call blocks", "Call": "function calls", "Include": "including other templates",
    "Import": "importing templates", "FromImport": "importing templates", "Extends": "extending other templates",
    "Block": "blocks", "FilterBlock": "filter blocks", "With": "{% with %} blocks", "Getattr": "attribute access",
    "Getitem": "indexing", "Slice": "slicing", "List": "lists", "Tuple": "tuples", "Dict": "dictionaries",
} | dict.fromkeys(("Mul", "Pow", "Add", "Sub", "Div", "FloorDiv", "Mod", "Neg", "Pos"), "arithmetic")


@dataclass(frozen=True)
class Problem:
    """One reason a template cannot be sent, worded for the person who wrote it."""

    code: str
    message: str
    part: str = "body"
    field: str | None = None


@dataclass(frozen=True)
class EmailTemplate:
    """The user-written source of one email: subject and plain-text body."""

    subject: str
    body: str


@dataclass(frozen=True)
class Rendered:
    """A rendered email, ready to become a message."""

    subject: str
    body: str

    def html(self) -> str:
        """The HTML part derived safely from the plain-text body."""
        return text_to_html(self.body)


class RenderError(Exception):
    """Raised when a template cannot be rendered; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{p.part}: {p.message}" for p in problems))


class _RefusedError(Exception):
    """A node the merge-field language does not offer; its one argument is the message."""


def _blank_to_fallback(value: object, fallback: object = "", boolean: bool = True) -> object:
    """Return the fallback when the value is missing or blank, which is what marketers mean by default."""
    del boolean  # accepted for Jinja compatibility; blank always counts as missing here
    if value is None or isinstance(value, Undefined) or not str(value).strip():
        return fallback
    return value


@pass_context  # pass_context keeps Jinja from folding this at compile time, when no render is running
def _check_printed(context, value: object, fields: str) -> object:
    """Record merge fields whose printed value came out blank; return the value unchanged."""
    if fields and not str(value).strip():
        context.get(_BLANKS_KEY).append(fields)
    return value


def _environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        autoescape=False,  # plain-text email; the HTML part escapes separately
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.clear()  # range, lipsum, cycler, joiner, namespace, dict are no use to a pitch
    allowed = {name: env.filters[name] for name in _ALLOWED_FILTERS}
    allowed["default"] = allowed["d"] = _blank_to_fallback
    env.filters.clear()
    env.filters.update({name: template_errors.guard(name, fn) for name, fn in allowed.items()})
    env.filters[_FIELD_CHECK_FILTER] = _check_printed
    env.tests = {name: env.tests[name] for name in _ALLOWED_TESTS}
    return env


_ENV = _environment()


def _refuse(node: nodes.Node) -> _RefusedError:
    kind = type(node).__name__
    what = _FRIENDLY_NAMES.get(kind, f"'{kind}' expressions")
    return _RefusedError(f"line {node.lineno}: {what} can't be used in email templates")


def _validate(node: nodes.Node, fields: set[str]) -> None:
    """Walk the parsed template, refusing anything outside the merge-field language; collect field names."""
    name = custom_field(node)
    if name is not None:
        fields.add(name)
        return
    if isinstance(node, nodes.Getattr | nodes.Getitem):
        if names_custom(node):
            raise _RefusedError(f"line {node.lineno}: custom field names are letters, digits and _, e.g. custom.budget")
        raise _refuse(node)
    if isinstance(node, nodes.Name):
        if node.ctx != "load":
            raise _refuse(node)
        if node.name == "custom":
            raise _RefusedError(f"line {node.lineno}: name a custom field, e.g. {{{{ custom.budget }}}}")
        fields.add(node.name)
        return
    if isinstance(node, nodes.Const):
        value = node.value
        if isinstance(value, bool) or value is None or isinstance(value, str | float):
            return
        if isinstance(value, int) and abs(value) <= _MAX_INT_CONST:
            return
        raise _RefusedError(f"line {node.lineno}: numbers in templates stay below {_MAX_INT_CONST}")
    if isinstance(node, nodes.Filter | nodes.Test):
        allowed = _ALLOWED_FILTERS if isinstance(node, nodes.Filter) else _ALLOWED_TESTS
        if node.name not in allowed or node.node is None:
            word = "filter" if isinstance(node, nodes.Filter) else "test"
            raise _RefusedError(f"line {node.lineno}: the '{node.name}' {word} can't be used in email templates")
        if node.kwargs or node.dyn_args or node.dyn_kwargs:
            raise _RefusedError(f"line {node.lineno}: give the '{node.name}' filter plain values only")
    elif isinstance(node, nodes.Operand):
        if node.op not in _ALLOWED_COMPARISONS:
            raise _RefusedError(f"line {node.lineno}: only == and != comparisons are available")
    elif not isinstance(
        node,
        nodes.Template | nodes.Output | nodes.TemplateData | nodes.If | nodes.CondExpr | nodes.And | nodes.Or
        | nodes.Not | nodes.Compare | nodes.Concat,
    ):
        raise _refuse(node)
    for child in node.iter_child_nodes():
        _validate(child, fields)


def _field_names(node: nodes.Node) -> list[str]:
    found: set[str] = set()
    _validate(node, found)
    return sorted(found)


def _has_fallback(node: nodes.Node) -> bool:
    """Whether a printed expression ends in its own fallback: ``| default(...)``, ``or "..."`` or an inline if."""
    while isinstance(node, nodes.Filter):
        if node.name in ("default", "d"):
            return True
        node = node.node
    return isinstance(node, nodes.Or) or (isinstance(node, nodes.CondExpr) and node.expr2 is not None)


class _Rewriter(NodeTransformer):
    """Turn custom.x into a flat name (so a field called "items" is never dict.items) and check printed blanks."""

    def visit_Getattr(self, node: nodes.Node) -> nodes.Node:  # noqa: N802 - Jinja's visitor naming
        name = custom_field(node)
        return nodes.Name(flat_name(name), "load", lineno=node.lineno) if name else self.generic_visit(node)

    visit_Getitem = visit_Getattr  # noqa: N815

    def visit_Output(self, node: nodes.Output) -> nodes.Output:  # noqa: N802
        wrapped = []
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                wrapped.append(child)
                continue
            if _has_fallback(child):  # the writer said what a blank becomes, even if that is nothing
                wrapped.append(self.visit(child))
                continue
            described = ", ".join(_field_names(child))
            wrapped.append(
                nodes.Filter(
                    self.visit(child), _FIELD_CHECK_FILTER, [nodes.Const(described)], [], None, None,
                    lineno=child.lineno,
                )
            )
        node.nodes = wrapped
        return node


# Every leftover pattern leftovers.unresolved_fields knows starts with one of these, so text without them has none.
_LEFTOVER_START = re.compile(r"[\[{%<*]")


def _leftovers(text: str, part: str) -> list[Problem]:
    if not _LEFTOVER_START.search(text):
        return []
    return [_unresolved(found, part) for found in unresolved_fields(text)]


def _stream(template, variables: dict, limit: int, part: str, deadline: float) -> str:
    """The rendered text, chunk by chunk, stopping at the size cap or the deadline; `variables` is the caller's own."""
    pieces: list[str] = []
    keep, clock = pieces.append, time.monotonic  # looked up once: this loop runs for every chunk of every message
    size = 0
    # Template.generate's own loop, without its per-chunk generator layer
    try:
        for chunk in template.root_render_func(template.new_context(variables, shared=True)):
            size += len(chunk)
            if size > limit:
                raise RenderError([Problem("too_long", f"the rendered {part} is longer than {limit} characters", part)])
            if clock() > deadline:
                raise RenderError([Problem("too_slow", f"the {part} took too long to render", part)])
            keep(chunk)
    except RenderError:
        raise
    except Exception:  # noqa: BLE001 - re-raised with the template's own line numbers, as generate does
        template.environment.handle_exception()
    return "".join(pieces)


def _unresolved(found: str, part: str) -> Problem:
    return Problem("unresolved", f"the {part} still holds an unresolved merge field: {found}", part)


@dataclass(frozen=True)
class _Compiled:
    template: object
    fields: tuple[str, ...]
    literal: str  # the template's own text, scanned for unresolved merge fields when it cannot render
    custom: tuple[tuple[str, str], ...]  # (field, render variable) of each custom field it names


@lru_cache(maxsize=256)  # a campaign renders one template for many contacts: parse and compile it once
def _compile(source: str) -> _Compiled:
    tree = _ENV.parse(source)
    fields = tuple(_field_names(tree))
    literal = "".join(n.data for n in tree.find_all(nodes.TemplateData))
    custom = tuple((name, flat_name(name)) for name in fields if CUSTOM_PREFIX in name)
    return _Compiled(_ENV.from_string(_Rewriter().visit(tree)), fields, literal, custom)


def _render_part(
    source: str, part: str, variables: dict, known: frozenset[str], deadline: float
) -> tuple[str | None, list[Problem]]:
    """Render one part; return its text (None when it cannot render) and the problems found."""
    source_limit, output_limit = (
        (MAX_SUBJECT_SOURCE, MAX_SUBJECT_OUTPUT) if part == "subject" else (MAX_BODY_SOURCE, MAX_BODY_OUTPUT)
    )
    if len(source) > source_limit:
        return None, [Problem("too_long", f"the {part} template is longer than {source_limit} characters", part)]
    try:
        compiled = _compile(source)
    except TemplateSyntaxError as exc:
        return None, [Problem("syntax", f"line {exc.lineno}: {exc.message}", part)]
    except _RefusedError as exc:
        return None, [Problem("not_allowed", str(exc), part)]
    except (RecursionError, MemoryError, SyntaxError):
        return None, [Problem("too_complex", f"the {part} template is nested too deeply", part)]
    except Exception as exc:  # noqa: BLE001 - whatever a user's source makes the compiler raise is their problem
        return None, [Problem("syntax", template_errors.describe(exc, part), part)]
    # a custom field a record leaves unset is blank (so `default` applies), never unknown
    unknown = [name for name in compiled.fields if name not in known and CUSTOM_PREFIX not in name]
    if unknown:
        return None, [
            Problem("unknown_field", f"unknown merge field {{{{ {name} }}}}", part, name) for name in unknown
        ] + _leftovers(compiled.literal, part)
    for name, variable in compiled.custom:
        if name not in known:
            variables[variable] = ""
    blanks: list[str] = []
    variables[_BLANKS_KEY] = blanks  # the caller's own copy, so one render's blanks never reach another
    try:
        text = _stream(compiled.template, variables, output_limit, part, deadline)
    except RenderError as exc:
        return None, list(exc.problems)
    except template_errors.FilterError as exc:
        return None, [Problem("bad_filter", template_errors.describe(exc, part), part)]
    except Exception as exc:  # noqa: BLE001 - a user's template must never take the page down, whatever it raises
        return None, [Problem("render", template_errors.describe(exc, part), part)]
    problems = [
        Problem("empty_field", f"{{{{ {fields} }}}} is empty for this contact and has no fallback", part, fields)
        for fields in dict.fromkeys(blanks)
    ]
    return text, problems + _leftovers(text, part)


def _render_both(subject: str, body: str, context: Mapping[str, object] | Values, time_limit: float) -> tuple[
    Rendered, list[Problem]
]:
    values = context if isinstance(context, Values) else prepare(context)
    variables, known = dict(values.variables), values.known  # a copy: rendering adds its own bookkeeping keys
    deadline = time.monotonic() + time_limit
    subject_text, problems = _render_part(subject, "subject", variables, known, deadline)
    body_text, body_problems = _render_part(body, "body", variables, known, deadline)
    # a newline from a merge value would break the Subject header, so the subject is folded onto one line
    folded = " ".join((subject_text or "").split())
    if subject_text is not None and not folded and not problems:
        problems.append(Problem("empty_subject", "the subject is empty", "subject"))
    return Rendered(folded, (body_text or "").replace("\r\n", "\n")), problems + body_problems


def attempt(subject: str, body: str, context: Mapping[str, object] | Values, *,
            time_limit: float = RENDER_SECONDS) -> tuple[Rendered, list[Problem]]:
    """Render subject and body (for a context or prepared Values) with every problem found (unusable if any)."""
    return _render_both(subject, body, context, time_limit)


def fields_used(source: str) -> list[str]:
    """The merge fields a template source names (custom ones as custom.key); RenderError when it does not parse."""
    try:
        return list(_compile(source).fields)
    except TemplateSyntaxError as exc:
        raise RenderError([Problem("syntax", f"line {exc.lineno}: {exc.message}")]) from exc
    except _RefusedError as exc:
        raise RenderError([Problem("not_allowed", str(exc))]) from exc
    except (RecursionError, MemoryError, SyntaxError) as exc:
        raise RenderError([Problem("too_complex", "the template is nested too deeply")]) from exc
    except Exception as exc:  # as in rendering: a clear message, whatever the source raised
        raise RenderError([Problem("syntax", template_errors.describe(exc, "template"))]) from exc


def check(template: EmailTemplate, context: Mapping[str, object], *, time_limit: float = RENDER_SECONDS) -> list[
    Problem
]:
    """Every reason this template cannot be sent to this contact; empty when it can."""
    return _render_both(template.subject, template.body, context, time_limit)[1]


def render(subject: str, body: str, context: Mapping[str, object], *, time_limit: float = RENDER_SECONDS) -> Rendered:
    """Render subject and body for one contact, raising RenderError with every problem found."""
    rendered, problems = _render_both(subject, body, context, time_limit)
    if problems:
        raise RenderError(problems)
    return rendered
