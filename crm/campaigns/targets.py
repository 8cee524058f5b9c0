"""Target pages on our own site and the anchors wanted for each, written one per line (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from crm.net import urls

MAX_TARGETS = 50
MAX_ANCHORS = 20


@dataclass(frozen=True)
class Target:
    """A page we want links to, and the anchor texts we would like."""

    url: str
    anchors: tuple[str, ...]


def parse_targets(text: str | None) -> list[Target]:
    """Read lines like 'https://shop.example/boots | hiking boots, best boots'; ValueError names the bad line."""
    targets: list[Target] = []
    seen: set[str] = set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        raw_url, _, raw_anchors = line.partition("|")
        raw_url = raw_url.strip()
        parsed = urls.parse(raw_url)
        if parsed is None or parsed.protocol not in urls.WEB_SCHEMES:
            raise ValueError(f"Line {number}: {raw_url!r} is not a full web address (start it with https://).")
        url = parsed.href
        if url in seen:
            raise ValueError(f"Line {number}: {url} is listed twice.")
        seen.add(url)
        anchors = tuple(dict.fromkeys(a.strip() for a in raw_anchors.split(",") if a.strip()))
        if len(anchors) > MAX_ANCHORS:
            raise ValueError(f"Line {number}: at most {MAX_ANCHORS} anchors per page.")
        if any(len(a) > 200 for a in anchors):
            raise ValueError(f"Line {number}: an anchor text is longer than 200 characters.")
        targets.append(Target(url, anchors))
    if len(targets) > MAX_TARGETS:
        raise ValueError(f"At most {MAX_TARGETS} target pages per campaign.")
    return targets


def format_targets(targets: list[tuple[str, list[str]]]) -> str:
    """The text form of (url, anchors) pairs, for editing."""
    return "\n".join(f"{url} | {', '.join(anchors)}" if anchors else url for url, anchors in targets)
