"""RFC 9309 as a table: groups, product tokens, merging, wildcards, longest match, Allow on ties, escapes."""

from __future__ import annotations

import pytest

from crm.net.robotstxt import RobotsFile

CASES = [
    # (robots.txt, path, agent, allowed)
    # Groups and product tokens: case-insensitive, the token's own group beats "*", no prefix matching.
    ("User-agent: *\nDisallow: /\n\nUser-agent: Googlebot\nAllow: /", "/x", "Googlebot", True),
    ("User-agent: *\nDisallow: /\n\nUser-agent: Googlebot\nAllow: /", "/x", "OutreachCRM-LinkChecker", False),
    ("User-agent: *\nDisallow: /\nUser-agent: a\nAllow: /", "/x", "a", True),
    ("User-agent: GOOGLEBOT\nDisallow: /", "/x", "Googlebot", False),
    ("User-agent: googlebot/2.1 (+http://www.google.com/bot.html)\nDisallow: /", "/x", "Googlebot", False),
    ("User-agent: Google\nDisallow: /", "/x", "Googlebot", True),
    ("User-agent: Googlebot-News\nDisallow: /", "/x", "Googlebot", True),
    ("User-agent: Googlebot-News\nDisallow: /\n\nUser-agent: *\nDisallow: /private", "/private", "Googlebot", False),
    ("User-agent: a\nUser-agent: b\nDisallow: /", "/x", "B", False),
    ("User-agent: other\nDisallow: /", "/x", "Googlebot", True),
    ("", "/x", "Googlebot", True),
    ("Disallow: /\n", "/x", "Googlebot", True),  # rules before any group belong to nobody
    # Groups for the same agent merge.
    ("User-agent: a\nDisallow: /x\n\nUser-agent: b\nDisallow: /\n\nUser-agent: a\nDisallow: /y", "/y", "a", False),
    ("User-agent: a\nDisallow: /x\n\nUser-agent: b\nDisallow: /\n\nUser-agent: a\nDisallow: /y", "/x", "a", False),
    ("User-agent: a\nDisallow: /x\n\nUser-agent: b\nDisallow: /\n\nUser-agent: a\nDisallow: /y", "/z", "a", True),
    # Longest match wins; on a tie Allow wins.
    ("User-agent: *\nAllow: /p\nDisallow: /p/q", "/p/q", "a", False),
    ("User-agent: *\nDisallow: /p\nAllow: /p/q", "/p/q/r", "a", True),
    ("User-agent: *\nDisallow: /folder\nAllow: /folder", "/folder/page", "a", True),
    ("User-agent: *\nAllow: /folder\nDisallow: /folder", "/folder/page", "a", True),
    ("User-agent: *\nAllow: /page\nDisallow: /*.htm", "/page.htm", "a", False),
    ("User-agent: *\nAllow: /$\nDisallow: /", "/", "a", True),
    ("User-agent: *\nAllow: /$\nDisallow: /", "/page", "a", False),
    # Wildcards: * is any run of characters, $ ends the pattern; the query is part of the path.
    ("User-agent: *\nDisallow: /*.gif$", "/images/a.gif", "a", False),
    ("User-agent: *\nDisallow: /*.gif$", "/images/a.gif?x=1", "a", True),
    ("User-agent: *\nDisallow: /*.gif$", "/images/a.gifs", "a", True),
    ("User-agent: *\nDisallow: /fish*", "/fishheads/yummy.html", "a", False),
    ("User-agent: *\nDisallow: /*?sessionid=", "/shop?sessionid=1&lang=en", "a", False),
    ("User-agent: *\nDisallow: /*?sessionid=", "/shop?lang=en&sessionid=1", "a", True),
    ("User-agent: *\nDisallow: /*?sessionid=", "/shop?lang=en", "a", True),
    ("User-agent: *\nDisallow: /*/reviews$", "/shoes/reviews", "a", False),
    ("User-agent: *\nDisallow: /Fish", "/fish", "a", True),  # paths are case-sensitive
    ("User-agent: *\nDisallow:", "/x", "a", True),
    # Escapes: non-ASCII and escape case compare as one spelling; /robots.txt is always allowed.
    ("User-agent: *\nDisallow: /foo/ツ", "/foo/%E3%83%84", "a", False),
    ("User-agent: *\nDisallow: /foo/%E3%83%84", "/foo/%e3%83%84", "a", False),
    ("User-agent: *\nDisallow: /a%2Dz", "/a-z", "a", False),
    ("User-agent: *\nDisallow: /a%2fz", "/a/z", "a", True),  # an escaped slash is another path
    ("User-agent: *\nDisallow: /", "/robots.txt", "a", True),
    # Syntax forgiveness: comments, odd spacing and case of keys, CRLF.
    ("user-AGENT :  *   # everyone\r\ndisallow : /tmp # old\r\n", "/tmp/x", "a", False),
]


@pytest.mark.parametrize(("text", "path", "agent", "allowed"), CASES)
def test_rfc9309_rules(text, path, agent, allowed):
    assert RobotsFile.parse(text).allowed(f"https://site.example{path}", agent) is allowed


def test_crawl_delay_belongs_to_the_agents_group():
    rules = RobotsFile.parse("User-agent: *\nCrawl-delay: 5\n\nUser-agent: fastbot\nCrawl-delay: 0.5\nDisallow:")
    assert rules.crawl_delay("fastbot") == 0.5
    assert rules.crawl_delay("other") == 5
    assert RobotsFile.parse("User-agent: *\nCrawl-delay: soon").crawl_delay("a") is None
