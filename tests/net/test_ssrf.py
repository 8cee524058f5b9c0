"""The address rule under attack: crafted URLs aimed at loopback listeners that count every connection."""

from __future__ import annotations

import pytest

from crm.net import FetchPolicy
from tests.net.servers import MapResolver

# Production rules (no private networks), only quicker to give up.
STRICT = FetchPolicy(per_host_delay=0.0, connect_timeout=2.0, total_timeout=5.0)

# {p} is the IPv4 listener's port, {p6} the IPv6 listener's (the IPv4 one where ::1 is missing).
BLOCKED = [
    "http://127.0.0.1:{p}/",
    "http://127.1:{p}/",
    "http://2130706433:{p}/",
    "http://017700000001:{p}/",
    "http://0x7f000001:{p}/",
    "http://0x7f.1:{p}/",
    "http://0177.0.0.1:{p}/",
    "http://127.000.000.001:{p}/",
    "http://127.0.0.1.:{p}/",
    "http://%31%32%37.0.0.1:{p}/",
    "http://\uff11\uff12\uff17.\uff10.\uff10.\uff11:{p}/",  # full-width digits
    "http://\u2460\u2461\u2466.0.0.1:{p}/",  # circled digits
    "HTTP://127.0.0.1:{p}/",
    "http:/\\127.0.0.1:{p}/",
    "http://127.0.0.1:{p}\\@example.com/",
    "http://:@127.0.0.1:{p}/",
    "http://127.0.0.2:{p}/",
    "http://127.255.255.254:{p}/",
    "http://0.0.0.0:{p}/",
    "http://0:{p}/",
    "http://[::1]:{p6}/",
    "http://[0:0:0:0:0:0:0:1]:{p6}/",
    "http://[::]:{p6}/",
    "http://[::ffff:127.0.0.1]:{p}/",
    "http://[::ffff:7f00:1]:{p}/",
    "http://[0:0:0:0:0:ffff:127.0.0.1]:{p}/",
    "http://[::127.0.0.1]:{p}/",
    "http://[64:ff9b::7f00:1]:{p}/",
    "http://[64:ff9b::127.0.0.1]:{p}/",
    "http://[64:ff9b:1::7f00:1]:{p}/",
    "http://[2002:7f00:1::]:{p}/",
    "http://[2002:c0a8:101::1]:{p}/",
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]:{p}/",  # Teredo
    "http://10.0.0.1:{p}/",
    "http://10.255.255.254/",
    "http://172.16.0.1/",
    "http://172.31.255.254:{p}/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://0xa9fea9fe/latest/meta-data/",  # 169.254.169.254 in hex
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://100.64.0.1/",
    "http://100.127.255.254/",
    "http://198.18.0.1/",
    "http://198.19.255.254/",
    "http://192.0.2.10/",
    "http://198.51.100.7/",
    "http://203.0.113.9/",
    "http://224.0.0.1/",
    "http://255.255.255.255/",
    "http://240.0.0.1/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[ff02::1]/",
    "http://[2001:db8::1]/",
    "http://inward.test:{p}/",
    "http://INWARD.test.:{p}/",
    "http://\u24d8\u24dd\u24e6\u24d0\u24e1\u24d3.test:{p}/",  # circled letters spelling "inward"
    "http://mixed.test:{p}/",
    "http://mixed6.test:{p}/",
    "http://metadata.test/",
    "http://nat64.test:{p}/",
]

INVALID = [
    "http://user:pass@127.0.0.1:{p}/",
    "http://example.com@127.0.0.1:{p}/",
    "http://user@inward.test:{p}/",
    "https://admin:admin@inward.test/",
    "file:///etc/passwd",
    "file://127.0.0.1/etc/passwd",
    "gopher://127.0.0.1:{p}/_GET%20/",
    "ftp://127.0.0.1:{p}/",
    "dict://127.0.0.1:{p}/info",
    "ws://127.0.0.1:{p}/",
    "data:text/html,<h1>hi</h1>",
    "javascript:fetch('http://127.0.0.1/')",
    "//127.0.0.1:{p}/",
    "http://",
    "",
]


def _resolver() -> MapResolver:
    return MapResolver(
        {
            "inward.test": ["127.0.0.1"],
            "mixed.test": ["93.184.216.34", "127.0.0.1"],  # one public answer does not whitewash a private one
            "mixed6.test": ["2606:2800:220:1:248:1893:25c8:1946", "::ffff:127.0.0.1"],
            "metadata.test": ["169.254.169.254"],
            "nat64.test": ["64:ff9b::a00:1"],  # 10.0.0.1 through NAT64
        }
    )


def _fill(template: str, listener, listener6) -> str:
    return template.format(p=listener.port, p6=(listener6 or listener).port)


def _hits(listener, listener6) -> int:
    return listener.hits + (listener6.hits if listener6 else 0)


@pytest.mark.parametrize("template", BLOCKED)
def test_inward_addresses_are_refused_without_a_connection(template, make_fetcher, listener, listener6):
    fetcher = make_fetcher(_resolver(), base=STRICT)
    result = fetcher.fetch(_fill(template, listener, listener6))
    assert result.error == "blocked_address", (result.error, result.error_detail)
    assert result.status is None and result.body == b""
    assert _hits(listener, listener6) == 0


@pytest.mark.parametrize("template", INVALID)
def test_urls_that_are_never_fetched(template, make_fetcher, listener, listener6):
    fetcher = make_fetcher(_resolver(), base=STRICT)
    result = fetcher.fetch(_fill(template, listener, listener6))
    assert result.error == "invalid_url", (result.error, result.error_detail)
    assert _hits(listener, listener6) == 0


def test_credentials_stay_refused_when_private_networks_are_allowed(make_fetcher, listener):
    fetcher = make_fetcher(_resolver())
    result = fetcher.fetch(f"http://user:secret@127.0.0.1:{listener.port}/")
    assert result.error == "invalid_url"
    assert listener.hits == 0


def test_localhost_through_the_system_resolver_is_refused(make_fetcher, listener):
    fetcher = make_fetcher(base=STRICT)  # the real resolver: localhost comes from the hosts file
    for url in (f"http://localhost:{listener.port}/", f"http://LocalHost:{listener.port}/"):
        assert fetcher.fetch(url).error == "blocked_address"
    assert listener.hits == 0


@pytest.mark.parametrize(
    "template",
    [
        "http://127.1:{p}/",
        "http://2130706433:{p}/",
        "http://0x7f.1:{p}/",
        "http://127.000.000.001:{p}/",
        "http://inward.test:{p}/",
        "http://[::1]:{p6}/",
    ],
)
def test_the_same_urls_do_reach_the_listener_when_private_networks_are_allowed(
    template, make_fetcher, listener, listener6
):
    """Proves the suite above can fail: these URLs really lead to the counting listener."""
    fetcher = make_fetcher(_resolver(), allow_private_networks=True)
    result = fetcher.fetch(_fill(template, listener, listener6), check_robots=False)
    assert result.error is None and result.status == 200
    assert result.body == b"<html><body>reached</body></html>"
    assert _hits(listener, listener6) == 1


def test_an_allowed_network_opens_only_itself(make_fetcher, listener, make_raw):
    outer = make_raw(host="127.0.0.2")
    fetcher = make_fetcher(base=STRICT.replace(allowed_networks=("127.0.0.2/32",)))
    assert fetcher.fetch(outer.url("/"), check_robots=False).status == 200
    assert fetcher.fetch(f"http://127.0.0.1:{listener.port}/", check_robots=False).error == "blocked_address"
    assert (outer.hits, listener.hits) == (1, 0)


def test_dns_is_asked_once_and_the_checked_address_is_the_one_connected(make_fetcher, listener, make_raw):
    """DNS rebinding: the second answer points inward, but no second lookup happens."""
    public = make_raw(host="127.0.0.2")  # stands in for a public host through allowed_networks
    answers = iter([["127.0.0.2"], ["127.0.0.1"]])
    resolver = MapResolver({"rebind.test": lambda: next(answers)})
    fetcher = make_fetcher(resolver, base=STRICT.replace(allowed_networks=("127.0.0.2/32",)))
    url = f"http://rebind.test:{public.port}/"
    first = fetcher.fetch(url, check_robots=False)
    assert first.status == 200 and resolver.lookups == ["rebind.test"]
    assert (public.hits, listener.hits) == (1, 0)
    second = fetcher.fetch(url, check_robots=False)  # now the answer is 127.0.0.1: refused, nothing connects
    assert second.error == "blocked_address"
    assert (public.hits, listener.hits) == (1, 0)


REDIRECT_TARGETS = [
    ("http://127.0.0.1:{p}/", "blocked_address"),
    ("http://2130706433:{p}/", "blocked_address"),
    ("http://[::ffff:127.0.0.1]:{p}/", "blocked_address"),
    ("http://inner.test:{p}/", "blocked_address"),
    ("//127.0.0.1:{p}/scheme-relative", "blocked_address"),
    ("http://169.254.169.254/latest/meta-data/", "blocked_address"),
    ("file:///etc/passwd", "invalid_url"),
    ("gopher://127.0.0.1:{p}/", "invalid_url"),
    ("http://user:pw@public.test:{public}/", "invalid_url"),
]


@pytest.mark.parametrize(("location", "error"), REDIRECT_TARGETS)
def test_every_redirect_hop_meets_the_same_rules(location, error, make_fetcher, make_server, listener):
    """The first hop is allowed (its address is in allowed_networks); the redirect it sends points inward."""
    outer = make_server("127.0.0.2")
    target = location.format(p=listener.port, public=outer.port)
    outer.expect_request("/go").respond_with_data("", status=302, headers={"Location": target})
    resolver = MapResolver({"public.test": ["127.0.0.2"], "inner.test": ["127.0.0.1"]})
    fetcher = make_fetcher(resolver, base=STRICT.replace(allowed_networks=("127.0.0.2/32",)))
    result = fetcher.fetch(f"http://public.test:{outer.port}/go")
    assert result.error == error, result.error_detail
    assert [hop.status for hop in result.redirects] == [302]
    assert listener.hits == 0


def test_a_redirect_within_the_allowed_network_is_followed(make_fetcher, make_server):
    outer = make_server("127.0.0.2")
    outer.expect_request("/go").respond_with_data("", status=302, headers={"Location": "/here"})
    outer.expect_request("/here").respond_with_data("<p>here</p>", content_type="text/html")
    fetcher = make_fetcher(
        MapResolver({"public.test": ["127.0.0.2"]}), base=STRICT.replace(allowed_networks=("127.0.0.2/32",))
    )
    result = fetcher.fetch(f"http://public.test:{outer.port}/go")
    assert result.error is None and result.body == b"<p>here</p>"
    assert result.final_url == f"http://public.test:{outer.port}/here"


def test_proxy_settings_in_the_environment_are_ignored(monkeypatch, make_fetcher, make_server, make_raw):
    proxy = make_raw(host="127.0.0.3")
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, proxy.url("/"))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    site = make_server()
    site.expect_request("/").respond_with_data("<p>direct</p>", content_type="text/html")
    result = make_fetcher().fetch(site.url_for("/"))
    assert result.body == b"<p>direct</p>"
    assert proxy.hits == 0
