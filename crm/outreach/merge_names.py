"""How templates name custom fields: ``custom.key`` or ``site.custom.key`` (and contact, opportunity), as pure rules."""

from __future__ import annotations

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
