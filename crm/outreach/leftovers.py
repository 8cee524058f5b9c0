"""Merge fields another tool or a draft left in text ([First Name], {first_name}, %NAME%, *|FNAME|*)."""

from __future__ import annotations

import re

_MERGE_WORDS = frozenset((
    "name", "names", "first", "last", "full", "firstname", "lastname", "fname", "lname", "company", "website", "site",
    "domain", "url", "link", "page", "title", "article", "blog", "anchor", "text", "your", "their", "his", "her", "my",
    "sender", "recipient", "contact", "email", "keyword", "topic", "niche", "insert", "here", "author", "editor",
    "brand", "business", "city", "date", "position", "role", "owner",
))
_BRACKETED = re.compile(r"\[\s*([A-Za-z][A-Za-z _'-]{0,40}?)\s*\]")
_LEFTOVER_PATTERNS = (
    # bounded, so text full of unmatched "{{" cannot make the scan quadratic
    re.compile(r"\{\{.{0,200}?\}\}|\{%.{0,200}?%\}", re.S),  # Jinja-style, e.g. from a pasted value
    re.compile(r"(?<!\{)\{\s*[A-Za-z_][\w .-]{0,40}\}(?!\})"),  # {first_name}
    re.compile(r"%[A-Za-z_][A-Za-z0-9_]{0,40}%"),  # %FIRSTNAME%
    re.compile(r"<<\s*[A-Za-z_][\w .-]{0,40}>>"),  # <<name>>
    re.compile(r"\*\|[A-Za-z0-9_:]+\|\*"),  # *|FNAME|* from other mail tools
)


def unresolved_fields(text: str) -> list[str]:
    """Merge fields another tool or a draft left in text, like [First Name], {first_name} or %NAME%."""
    found: list[str] = []
    for match in _BRACKETED.finditer(text):
        words = [w.removesuffix("'s") for w in re.split(r"[\s_'-]+", match.group(1).lower()) if w]
        # a vocabulary keeps "[Guide]" or "[2024 update]" in a page title from blocking a send
        if "_" in match.group(1) or (words and all(w in _MERGE_WORDS for w in words)):
            found.append(match.group(0))
    for pattern in _LEFTOVER_PATTERNS:
        found += [m.group(0) for m in pattern.finditer(text)]
    return list(dict.fromkeys(found))
