"""`links verify` agrees with Chromium (scripting off) on every link of 320 generated pages, and near misses miss."""

from __future__ import annotations

import csv
import json
import random
import re
from functools import cache
from urllib.parse import unquote_plus, urlsplit, urlunsplit

import pytest
from pytest_httpserver import HTTPServer

from tests.browser import pagegen

PAGES = 320
TARGETS_PER_PAGE = 10  # distinct link targets checked per page, each with its equivalent form and three near misses
# What the browser says about each link: its resolved URL, rel, the text a reader reads (block boundaries
# by computed style count as spaces; scripts, styles, embedded and form content do not count), the images'
# alt, whether a reader can see it, and whether it only exists because scripting is off (<noscript>).
RECORD_LINKS = """() => {
  const BLOCK = new Set(['block', 'list-item', 'table', 'table-row-group', 'table-header-group',
    'table-footer-group', 'table-row', 'table-cell', 'table-caption', 'flex', 'grid', 'flow-root']);
  const SKIP = new Set(['script', 'style', 'template', 'noscript', 'svg', 'iframe', 'object', 'embed', 'canvas',
    'select', 'textarea', 'button', 'datalist']);
  const text = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return node.data;
    if (node.nodeType !== Node.ELEMENT_NODE || SKIP.has(node.localName)) return '';
    if (node.localName === 'br') return ' ';
    const inner = Array.from(node.childNodes, text).join('');
    return BLOCK.has(getComputedStyle(node).display) ? ` ${inner} ` : inner;
  };
  return Array.from(document.querySelectorAll('a[href], area[href]'), (a) => {
    const area = a.localName === 'area';
    const shown = area ? a.parentElement.checkVisibility({visibilityProperty: true})
                       : a.checkVisibility({visibilityProperty: true});
    return {
      href: a.href, rel: a.getAttribute('rel') || '',
      text: area ? (a.getAttribute('alt') || '') : Array.from(a.childNodes, text).join(''),
      alts: Array.from(a.querySelectorAll('img[alt]'), (img) => img.getAttribute('alt')),
      hidden: !shown || a.closest('[aria-hidden="true" i]') !== null,
      noscript: a.closest('noscript') !== null,
    };
  });
}"""
TRACKING = re.compile(r"^(utm_.*|gclid|fbclid|msclkid|mc_cid|mc_eid)$", re.I)
VERIFY_SETTINGS = {"FETCH_ALLOW_PRIVATE_NETWORKS": True, "FETCH_PER_HOST_DELAY": 0.0,
                   "FETCH_PER_HOST_CONCURRENCY": 8, "FETCH_TOTAL_TIMEOUT": 10.0}


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _rel(value: str) -> list[str]:
    ascii_lower = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
    return sorted({token for token in re.split(r"[\t\n\f\r ]+", value.translate(ascii_lower)) if token})


def _anchor(link: dict) -> str:
    return _collapse(link["text"]) or " ".join(a for a in (_collapse(x) for x in link["alts"]) if a)


@cache
def _page_key(url: str):
    """What names a page to its server: host without www, port, path without one trailing slash, the query."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").removeprefix("www.")
    path = unquote_plus(parts.path.replace("+", "%2B")).removesuffix("/")
    params: dict[str, list[str]] = {}
    for piece in filter(None, parts.query.split("&")):
        name, _, value = piece.partition("=")
        name, value = unquote_plus(name), unquote_plus(value)
        if not TRACKING.match(name):
            params.setdefault(name, []).append(value)
    port = parts.port if parts.port not in ({"http": 80, "https": 443}[parts.scheme], None) else None
    return (host, port, path), {name: sorted(values) for name, values in params.items()}


def _links_to(link_url: str, target: str) -> bool:
    """A link names the target page: same page, the target's own query values, extra parameters allowed."""
    link, wanted = _page_key(link_url), _page_key(target)
    if link is None or wanted is None or link[0] != wanted[0]:
        return False
    return all(link[1].get(name) == values for name, values in wanted[1].items())


def _expected(links: list[dict], target: str) -> dict:
    """The browser's answer: is the page linked, and by which copy (the first one a reader sees)."""
    copies = [link for link in links if not link["noscript"] and _links_to(link["href"], target)]
    if not copies:
        return {"found": False}
    pool = [link for link in copies if not link["hidden"]] or copies
    best = pool[0]
    return {"found": True, "rel": _rel(best["rel"]), "anchor_text": _anchor(best), "hidden": best["hidden"]}


def _equivalent_form(target: str) -> str:
    """The target as another site owner would write the same page: other scheme, www toggled, slash toggled."""
    parts = urlsplit(target)
    scheme = "http" if parts.scheme == "https" else "https"
    netloc = parts.netloc.removeprefix("www.") if parts.netloc.startswith("www.") else "www." + parts.netloc
    if parts.hostname and parts.hostname.replace(".", "").isdigit():
        netloc = parts.netloc  # an address has no www
    path = parts.path.removesuffix("/") if parts.path.endswith("/") and parts.path != "/" else parts.path + "/"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def _near_misses(target: str) -> list[str]:
    """The target with another query value, another path and another host: pages the link does not name."""
    parts = urlsplit(target)
    if not parts.hostname or parts.scheme not in ("http", "https"):
        return []
    query = parts.query
    if "=" in query and not TRACKING.match(query.split("=", 1)[0]):
        name, _, rest = query.partition("=")
        other_query = f"{name}=zz{rest}"
    else:
        other_query = f"{query}&variant=9" if query else "variant=9"
    path = parts.path.rstrip("/") + "-other"
    if parts.hostname.replace(".", "").isdigit():
        other_host = parts.netloc.replace(parts.hostname, "127.0.0.9")
    else:
        labels = parts.netloc.split(".")
        labels[0] = "other" + labels[0]
        other_host = ".".join(labels)
    return [urlunsplit((parts.scheme, parts.netloc, parts.path, other_query, "")),
            urlunsplit((parts.scheme, parts.netloc, path, query, "")),
            urlunsplit((parts.scheme, other_host, parts.path, query, ""))]


@pytest.fixture(scope="module")
def site():
    """A loopback server with the generated pages and a robots.txt that lets everyone in."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    server.server.block_on_close = False
    origin = f"http://127.0.0.1:{server.port}"
    pages = pagegen.generate(origin, PAGES)
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n", content_type="text/plain")
    # The pages load nothing else (images, frames): Chromium asks for no other address.
    csp = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}
    for page in pages:
        server.expect_request(page.path).respond_with_data(page.body, content_type=page.content_type, headers=csp)
    yield origin, pages
    server.stop()


@pytest.fixture(scope="module")
def seen_by_chromium(browser, site):
    """Every link on every page as Chromium's DOM has it, one context for all pages, scripting off."""
    origin, pages = site
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    seen = {}
    for page in pages:
        tab.goto(origin + page.path, wait_until="domcontentloaded")
        seen[origin + page.path] = tab.evaluate(RECORD_LINKS)
    context.close()
    return seen


def test_links_verify_agrees_with_chromium_on_every_pair(app, seen_by_chromium, tmp_path):
    pairs, expected, near = [], [], 0
    rnd = random.Random(7)
    for source, links in seen_by_chromium.items():
        targets = list(dict.fromkeys(link["href"] for link in links if link["href"].startswith(("http://", "https://"))))
        for target in rnd.sample(targets, min(TARGETS_PER_PAGE, len(targets))):
            for candidate in (target, _equivalent_form(target), *_near_misses(target)):
                wanted = _expected(links, candidate)
                near += candidate not in (target, _equivalent_form(target)) and not wanted["found"]
                pairs.append((source, candidate))
                expected.append(wanted)
    assert len(seen_by_chromium) >= 300 and len(pairs) >= 3000 and near >= 3 * PAGES * 2
    csv_path = tmp_path / "pairs.csv"
    with csv_path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source_url", "target_url"])
        writer.writerows(pairs)
    app.config.update(VERIFY_SETTINGS)
    result = app.test_cli_runner().invoke(args=["links", "verify", "--input", str(csv_path)])
    assert result.exit_code == 0, result.output[-2000:]
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == len(pairs)
    wrong = []
    for (source, target), want, got in zip(pairs, expected, lines, strict=True):
        have = {"found": got["found"]}
        if got["found"]:
            have.update(rel=got["rel"], anchor_text=got["anchor_text"], hidden=got["hidden"])
        if have != want:
            wrong.append(f"{source} -> {target}: browser {want}, verify {have} ({got['status']}, {got['reasons']})")
    assert not wrong, f"{len(wrong)} of {len(pairs)} pairs disagree:\n" + "\n".join(wrong[:25])
