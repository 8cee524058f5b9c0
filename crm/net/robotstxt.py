"""A robots.txt file read by RFC 9309: groups per product token, merged; longest match wins; Allow wins ties."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

_TOKEN = re.compile(r"[A-Za-z_-]+")
_PCT = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SAFE_ASCII = frozenset(chr(c) for c in range(0x21, 0x7F)) - {"%"}


def _canonical(path: str) -> str:
    """One spelling for a path or pattern: non-ASCII as UTF-8 escapes, escapes in upper case, unreserved decoded."""
    out = []
    for ch in path:
        if ch in _SAFE_ASCII or ch == "%":
            out.append(ch)
        else:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))

    def fix(m: re.Match[str]) -> str:
        char = chr(int(m.group(1), 16))
        return char if char in _UNRESERVED else "%" + m.group(1).upper()

    return _PCT.sub(fix, "".join(out))


@lru_cache(maxsize=4096)
def _pattern(rule: str) -> re.Pattern[str]:
    anchored = rule.endswith("$")
    body = rule[:-1] if anchored else rule
    regex = ".*".join(re.escape(part) for part in body.split("*"))
    return re.compile(regex + ("$" if anchored else ""), re.S)


@dataclass
class _Group:
    agents: list[str] = field(default_factory=list)
    rules: list[tuple[bool, str]] = field(default_factory=list)  # (allow, canonical pattern)
    crawl_delay: float | None = None


def _agent_token(value: str) -> str:
    """The product token a User-agent line names ("Googlebot/2.1 (+http://...)" names "googlebot")."""
    value = value.strip()
    if value.startswith("*"):
        return "*"
    match = _TOKEN.match(value)
    return match.group(0).lower() if match else ""


class RobotsFile:
    """The parsed rules of one robots.txt."""

    def __init__(self, groups: list[_Group]) -> None:
        self._groups = groups

    @classmethod
    def parse(cls, text: str) -> RobotsFile:
        """Read the file's groups; lines that are not user-agent, allow, disallow or crawl-delay are ignored."""
        groups: list[_Group] = []
        current: _Group | None = None
        in_rules = False
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip()
            key, sep, value = line.partition(":")
            if not sep:
                continue
            key, value = key.strip().lower().replace("_", "-"), value.strip()
            if key in ("user-agent", "useragent", "user agent"):
                if current is None or in_rules:
                    current = _Group()
                    groups.append(current)
                    in_rules = False
                current.agents.append(_agent_token(value))
            elif key in ("allow", "disallow") and current is not None:
                in_rules = True
                if value:  # an empty rule matches nothing
                    current.rules.append((key == "allow", _canonical(value)))
            elif key == "crawl-delay" and current is not None:
                in_rules = True
                with contextlib.suppress(ValueError):
                    current.crawl_delay = float(value)
        return cls(groups)

    def _rules_for(self, token: str) -> tuple[list[tuple[bool, str]], float | None]:
        """The merged rules of every group naming the token, else of every "*" group."""
        token = token.strip().lower()
        for wanted in (token, "*"):
            groups = [g for g in self._groups if wanted in g.agents]
            if groups:
                delays = [g.crawl_delay for g in groups if g.crawl_delay is not None]
                return [rule for g in groups for rule in g.rules], (delays[0] if delays else None)
        return [], None

    def allowed(self, url: str, token: str) -> bool:
        """True when the token may fetch the URL: the longest matching rule decides, Allow on a tie."""
        parts = urlsplit(url)
        path = _canonical((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
        if path == "/robots.txt":
            return True
        best: tuple[int, bool] | None = None
        for allow, rule in self._rules_for(token)[0]:
            if _pattern(rule).match(path):
                candidate = (len(rule), allow)
                if best is None or candidate > best:
                    best = candidate
        return best is None or best[1]

    def crawl_delay(self, token: str) -> float | None:
        """The Crawl-delay the token's group asks for, if any."""
        return self._rules_for(token)[1]
