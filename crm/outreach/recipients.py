"""Who a sequence goes to, as plain Recipient values, and their merge fields as the renderer takes them.

Outreach never imports campaigns (DESIGN §2): campaigns lists a campaign's recipients (crm.campaigns.recipients)
and hands them down, to the launch, the template preview, the dry render and the demo alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from crm.outreach.merge_names import CUSTOM_PREFIX, SCOPES


@dataclass(frozen=True)
class Recipient:
    """One person to enrol: the opportunity it serves, the contact and site, and the merge fields (strings).

    contact_id is None for a card that has no contact yet: it is listed on the launch checklist, never enrolled.
    """

    opportunity_id: int | None
    contact_id: int | None
    site_id: int
    context: dict[str, str] = field(default_factory=dict)


_CUSTOM_WORD = CUSTOM_PREFIX.rstrip(".")
_SCOPE_SEP = "." + CUSTOM_PREFIX


def basic_context(contact, site) -> dict[str, str]:
    """Merge fields outreach knows by itself from a contact and its site (names, domain, custom fields)."""
    context = {
        "first_name": (contact.first_name or "").strip(),
        "last_name": (contact.last_name or "").strip(),
        "site_domain": site.domain if site is not None else "",
    }
    for scope, record in (("contact", contact), ("site", site)):
        for key, value in (getattr(record, "custom_fields", None) or {}).items():
            if isinstance(key, str) and value is not None:
                context[f"{scope}.{CUSTOM_PREFIX}{key}"] = str(value)
    return context


def render_context(context: Mapping[str, object], sender_name: str = "") -> dict[str, object]:
    """The dict the renderer takes: ``custom.x`` and ``site.custom.x`` keys folded into dicts, sender name filled in.

    ``custom.x`` given outright wins; otherwise it is the first non-blank of the contact's, the opportunity's
    and the site's field ``x``.
    """
    flat: dict[str, object] = {}
    custom: dict[str, str] = {}
    scoped: dict[str, dict[str, str]] = {scope: {} for scope in SCOPES}
    for key, value in context.items():
        text = value if type(value) is str else "" if value is None else str(value)
        if _CUSTOM_WORD not in key:  # names, domain, page fields: most keys, and never a custom one
            flat[key] = text
            continue
        scope, _, rest = key.partition(_SCOPE_SEP)
        if key.startswith(CUSTOM_PREFIX):
            custom[key[len(CUSTOM_PREFIX):]] = text
        elif rest and scope in scoped:
            scoped[scope][rest] = text
        elif key == "custom" and isinstance(value, Mapping):
            custom.update({str(k): "" if v is None else str(v) for k, v in value.items()})
        else:
            flat[key] = text
    for scope in SCOPES:  # contact first, then opportunity, then site
        for key, text in scoped[scope].items():
            if text.strip() and not custom.get(key, "").strip():
                custom[key] = text
            custom.setdefault(key, "")
    flat.update({f"{scope}_custom": values for scope, values in scoped.items() if values})
    if sender_name and not str(flat.get("sender_name", "")).strip():
        flat["sender_name"] = sender_name
    flat["custom"] = custom
    return flat


def storable_context(context: Mapping[str, object]) -> dict[str, str]:
    """The merge fields as a flat dict of strings for the enrollment row (``custom.x`` keys kept flat)."""
    stored: dict[str, str] = {}
    for key, value in context.items():
        if key == "custom" and isinstance(value, Mapping):
            stored.update({CUSTOM_PREFIX + str(k): "" if v is None else str(v) for k, v in value.items()})
        else:
            stored[str(key)] = "" if value is None else str(value)
    return stored
