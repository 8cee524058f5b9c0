"""Any failure inside a user's template as a sentence naming it: guarded filters and the line it happened on."""

from __future__ import annotations

import functools
from collections.abc import Callable

from jinja2.exceptions import SecurityError, TemplateError, UndefinedError

MAX_DETAIL = 160  # an exception's own words can be long or quote a whole value; the message stays readable


class FilterError(Exception):
    """A filter refused the values it was given; the one argument says which filter and why."""


def _detail(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"


def guard(name: str, fn: Callable) -> Callable:
    """Wrap a filter so any error it raises becomes FilterError naming it (Jinja's pass_* markers are kept)."""

    @functools.wraps(fn)  # copies jinja_pass_arg, so Jinja still hands over the environment or context
    def guarded(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (TemplateError, FilterError):
            raise
        except Exception as exc:  # noqa: BLE001 - a user's arguments can make a filter raise anything
            raise FilterError(f"the '{name}' filter can't use these values ({_detail(exc)})") from None

    return guarded


def template_line(exc: BaseException) -> int | None:
    """The template line an error was raised on, from the frames Jinja rewrites into template positions."""
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def describe(exc: BaseException, part: str) -> str:
    """A message for the person who wrote the template: what went wrong in which part, and where."""
    where = template_line(exc)
    prefix = f"line {where}: " if where else ""
    if isinstance(exc, FilterError):
        return f"{prefix}{exc}"
    if isinstance(exc, UndefinedError):
        return f"{prefix}{_detail(exc)}"
    if isinstance(exc, SecurityError):
        return f"{prefix}the {part} tried something email templates can't do"
    if isinstance(exc, RecursionError | MemoryError):
        return f"the {part} template is too complex to render"
    if isinstance(exc, TemplateError):
        return f"{prefix}the {part} could not be rendered ({_detail(exc)})"
    return f"{prefix}the {part} could not be rendered ({type(exc).__name__}: {_detail(exc)})"
