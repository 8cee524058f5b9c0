"""How templates name custom fields: ``custom.key`` or ``site.custom.key`` (and contact, opportunity), as pure rules."""

from __future__ import annotations

import difflib
import re

from jinja2 import nodes

CUSTOM_PREFIX = "custom."
# Where a custom field can live, in the order ``custom.key`` looks for it when several records have the key.
SCOPES = ("contact", "opportunity", "site")
CUSTOM_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")


def flat_name(field: str) -> str:
    """The render variable of a field: ``custom.x`` is ``custom__x``, ``site.custom.x`` is ``site_custom__x``."""
    scope, _, rest = field.partition(CUSTOM_PREFIX)
    return f"{scope.rstrip('.')}_custom__{rest}" if scope else f"custom__{rest}"


def _key_of(node: nodes.Node) -> str | None:
    key = node.attr if isinstance(node, nodes.Getattr) else getattr(getattr(node, "arg", None), "value", None)
    return key if isinstance(key, str) and CUSTOM_KEY.match(key) else None


def custom_field(node: nodes.Node) -> str | None:
    """The field name (``custom.key`` or ``<scope>.custom.key``) a node refers to, else None."""
    if not isinstance(node, nodes.Getattr | nodes.Getitem):
        return None
    key, inner = _key_of(node), node.node
    if key is None:
        return None
    if isinstance(inner, nodes.Name) and inner.name == "custom":
        return CUSTOM_PREFIX + key
    if (isinstance(inner, nodes.Getattr) and inner.attr == "custom" and isinstance(inner.node, nodes.Name)
            and inner.node.name in SCOPES):
        return f"{inner.node.name}.{CUSTOM_PREFIX}{key}"
    return None


def names_custom(node: nodes.Node) -> bool:
    """Whether a node is an attempt at a custom field (``custom.<bad>``, ``site.custom``), for a clearer message."""
    if isinstance(node, nodes.Name):
        return node.name == "custom"
    if isinstance(node, nodes.Getattr | nodes.Getitem):
        inner = node.node
        if isinstance(inner, nodes.Name):
            return inner.name == "custom" or (inner.name in SCOPES and getattr(node, "attr", "") == "custom")
        return names_custom(inner)
    return False


def split_field(field: str) -> tuple[str, str] | None:
    """(scope or "", key) of a ``custom.key`` / ``<scope>.custom.key`` field name, else None."""
    scope, found, key = field.rpartition(CUSTOM_PREFIX)
    return (scope.rstrip("."), key) if found else None


def undefined_keys(fields: list[str], defined: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(field, why) for each custom field a template names that no definition has, with the closest defined key.

    defined maps a scope (contact, opportunity, site) to its defined keys. Where no keys are defined at all
    (for ``custom.x``) or none for the scope (for ``site.custom.x``), names are not checked, as before fields
    could be defined.
    """
    every = sorted({key for keys in defined.values() for key in keys})
    found = []
    for field in dict.fromkeys(fields):
        parts = split_field(field)
        if parts is None:
            continue
        scope, key = parts
        known = sorted(defined.get(scope, [])) if scope else every
        if not known or key in known:
            continue
        prefix = f"{scope}.{CUSTOM_PREFIX}" if scope else CUSTOM_PREFIX
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"did you mean {prefix}{close[0]}?" if close else f"defined: {', '.join(prefix + k for k in known[:10])}"
        found.append((field, f"{field} is not a defined custom field; {hint}"))
    return found
