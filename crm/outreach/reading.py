"""How a message body is read on screen: the new words first, the quoted history folded away.

Pure functions on plain text; the template escapes what they return, so nothing from mail becomes markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ATTRIBUTION = re.compile(r"^\s*(on\s.+\swrote:|le\s.+\sa écrit\s?:|am\s.+\sschrieb\s.+:)\s*$", re.IGNORECASE)
_ORIGINAL = re.compile(r"^\s*-{2,}\s*(original message|forwarded message)\s*-{2,}\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class ReadableBody:
    """A body split into what the writer wrote now and the history they quoted ("" when none)."""

    fresh: str
    quoted: str


def _is_quote(line: str) -> bool:
    return line.lstrip().startswith(">")


def split_quoted(text: str) -> ReadableBody:
    """Split off the trailing quoted history: "> " lines, an "On ... wrote:" line above them, or an
    "Original Message" separator and all below it. Quotes answered inline stay in the fresh part."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start = len(lines)
    for index, line in enumerate(lines):
        if _ORIGINAL.match(line):
            start = index
            break
    index = start
    while index > 0 and (_is_quote(lines[index - 1]) or not lines[index - 1].strip()):
        index -= 1
    if any(_is_quote(line) for line in lines[index:start]) or start < len(lines):
        start = index
    while start > 0 and not lines[start - 1].strip():
        start -= 1
    if start > 0 and _ATTRIBUTION.match(lines[start - 1]):
        start -= 1
    elif start > 1 and _ATTRIBUTION.match(" ".join(lines[start - 2:start])):  # attribution wrapped over two lines
        start -= 2
    if not any(line.strip() for line in lines[start:]):
        start = len(lines)
    fresh, quoted = "\n".join(lines[:start]).strip("\n"), "\n".join(lines[start:]).strip("\n")
    if not fresh.strip() and quoted:  # nothing but a quote: show it rather than an empty message
        return ReadableBody(quoted, "")
    return ReadableBody(fresh, quoted)


def quote_for_reply(text: str, author: str, when: str) -> str:
    """The composer's starting text: an attribution line and the message's fresh part quoted with "> "."""
    body = split_quoted(text).fresh
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in body.split("\n"))
    return f"\n\nOn {when}, {author} wrote:\n{quoted}\n"
