"""Harmful-link flags for the disavow review, and the Google disavow file built from what a user picks."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from crm.quality.components import trust
from crm.quality.facts import LinkFacts
from crm.quality.score import QualityScore
from crm.quality.trust import MARKER_LABELS

LOW_SCORE_BELOW = 15
STRONG_SPAM_TRUST = 0.3

_SPACE = re.compile(r"\s+")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def harm_flags(
    facts: LinkFacts, score: QualityScore | int | None, *, low_score_below: int = LOW_SCORE_BELOW
) -> list[str]:
    """Reasons a link may hurt more than help, in a fixed order; empty when nothing is wrong."""
    flags = [f"{topic} content" for topic in facts.spam_topics]
    flags += [f"link farm: {MARKER_LABELS.get(marker, marker)}" for marker in facts.link_farm_markers]
    reading = trust(facts)
    if reading.value <= STRONG_SPAM_TRUST:
        flags.append(f"strong spam signals: {reading.note}")
    value = score.score if isinstance(score, QualityScore) else score
    if value is not None and value < low_score_below:
        flags.append(f"very low score ({value} < {low_score_below})")
    return flags


def normalise_domain(domain: str) -> str:
    """A host name lower-cased and in IDNA (punycode) form; ValueError when it is not a usable domain."""
    host = (domain or "").strip().rstrip(".").lower()
    if not host or "." not in host or _SPACE.search(host):
        raise ValueError(f"not a domain name: {domain!r}")
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"not a valid international domain name: {domain!r}") from None
    labels = ascii_host.split(".")
    if not all(_LABEL.match(label) for label in labels) or len(ascii_host) > 253:
        raise ValueError(f"not a domain name: {domain!r}")
    if all(label.isdigit() for label in labels):
        raise ValueError(f"an IP address cannot be disavowed as a domain: {domain!r}")
    return ascii_host


def normalise_url(url: str) -> tuple[str, str]:
    """A disavowable http(s) URL with its host normalised and fragment dropped, and that host."""
    url = (url or "").strip()
    if not url or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise ValueError(f"not a URL that can be disavowed: {url!r}")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = normalise_domain(parts.hostname)
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"not a valid port in {url!r}") from None
    netloc = host if port is None else f"{host}:{port}"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{netloc}{parts.path or '/'}{query}", host


@dataclass(frozen=True)
class DisavowEntry:
    """One thing to disavow: "domain:example.com" or a full URL, with an optional reason kept as a comment."""

    target: str
    comment: str = ""


def _comment(text: str) -> str:
    """A single comment line; newlines would otherwise smuggle extra directives into the file."""
    return "# " + _SPACE.sub(" ", text).strip()


def _covered(host: str, domains: set[str] | dict[str, object], *, strict: bool = False) -> bool:
    """True when a host is one of the domains (unless strict) or a subdomain of one."""
    labels = host.split(".")
    # Walking the host's own suffixes keeps this linear in the list size, not quadratic.
    return any(".".join(labels[i:]) in domains for i in range(1 if strict else 0, len(labels)))


def disavow_file(entries: Iterable[DisavowEntry | str], *, header: Iterable[str] = ()) -> str:
    """The text of a Google disavow file: comments, then domain: lines, then URLs; deduplicated and sorted."""
    notes = [_comment(line) for line in header if line.strip()]
    domains: dict[str, list[str]] = {}
    urls: dict[str, tuple[str, list[str]]] = {}
    for entry in entries:
        if isinstance(entry, str):
            if entry.lstrip().startswith("#"):
                notes.append(_comment(entry.lstrip()[1:]))
                continue
            entry = DisavowEntry(entry)
        target, why = entry.target.strip(), [_comment(entry.comment)] if entry.comment.strip() else []
        if target.lower().startswith("domain:"):
            reasons = domains.setdefault(normalise_domain(target[len("domain:"):]), [])
        elif "://" in target:
            url, host = normalise_url(target)
            reasons = urls.setdefault(url, (host, []))[1]
        else:
            raise ValueError(f"expected 'domain:example.com' or a full URL, not {entry.target!r}")
        reasons += [line for line in why if line not in reasons]
    # A domain line covers its subdomains and every URL on them, so those lines would only add noise.
    kept = sorted(d for d in domains if not _covered(d, domains, strict=True))
    lines = list(dict.fromkeys(notes))
    for domain in kept:
        lines += domains[domain] + [f"domain:{domain}"]
    for url in sorted(urls):
        host, reasons = urls[url]
        if not _covered(host, domains):
            lines += [*reasons, url]
    return "".join(line + "\n" for line in lines)
