"""The address rule and fetch-URL parsing on their own (pure functions, no network)."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.net import FetchPolicy, UnsafeURL, is_global_address, parse_fetch_url
from crm.net.addresses import check_addresses, embedded_ipv4

PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "100.63.255.255",
    "100.128.0.0",
    "172.32.0.1",
    "198.20.0.1",
]
INWARD = [
    "0.0.0.0",
    "127.0.0.1",
    "10.1.2.3",
    "172.16.5.4",
    "192.168.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "198.18.0.1",
    "192.0.2.1",
    "224.0.0.251",
    "255.255.255.255",
    "::",
    "::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::127.0.0.1",
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "64:ff9b:1::808:808",
    "2002:0808:0808::1",
    "2002:7f00:1::",
    "2001::1",
    "2001:db8::1",
    "fd00:ec2::254",
    "fe80::1",
    "fe80::1%1",
    "fc00::1",
    "ff02::1",
    "100::1",
    "3fff::1",
]


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address):
    assert is_global_address(address)


@pytest.mark.parametrize("address", INWARD)
def test_inward_addresses_fail(address):
    assert not is_global_address(address)


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_an_ipv4_address_and_its_ipv6_disguises_get_one_verdict(number):
    v4 = ipaddress.IPv4Address(number)
    mapped = ipaddress.IPv6Address(0xFFFF << 32 | number)
    nat64 = ipaddress.IPv6Address(0x0064FF9B << 96 | number)
    assert is_global_address(mapped) == is_global_address(nat64) == is_global_address(v4)
    assert embedded_ipv4(mapped) == embedded_ipv4(nat64) == v4


@given(
    st.sampled_from(
        [
            "10.0.0.0/8",
            "127.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "169.254.0.0/16",
            "100.64.0.0/10",
            "198.18.0.0/15",
            "fc00::/7",
            "fe80::/10",
            "2002::/16",
        ]
    ),
    st.integers(min_value=0),
)
def test_every_address_of_an_inward_block_fails(block, offset):
    network = ipaddress.ip_network(block)
    assert not is_global_address(network[offset % network.num_addresses])


def test_one_inward_answer_refuses_the_whole_dns_answer():
    answer = [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.5")]
    assert "10.0.0.5" in check_addresses(answer)
    assert check_addresses(answer, allow_private=True) is None
    nets = FetchPolicy(allowed_networks=("10.0.0.0/24",)).networks()
    assert check_addresses(answer, allowed_networks=nets) is None


@pytest.mark.parametrize(
    ("url", "host", "port", "path"),
    [
        ("http://0x7f.1/", "127.0.0.1", 80, "/"),
        ("http://2130706433:8080/a?b=1#frag", "127.0.0.1", 8080, "/a?b=1"),
        ("https://B\u00fccher.Example/x y", "xn--bcher-kva.example", 443, "/x%20y"),
        ("http://[::FFFF:127.0.0.1]/", "::ffff:7f00:1", 80, "/"),
        ("HTTP://example.com.", "example.com.", 80, "/"),
    ],
)
def test_fetch_urls_are_read_as_browsers_read_them(url, host, port, path):
    target = parse_fetch_url(url)
    assert (target.host, target.port, target.path) == (host, port, path)
    assert "#" not in target.url


def test_the_origin_and_politeness_key_ignore_case_and_trailing_dots():
    target = parse_fetch_url("http://Example.COM.:8080/x")
    assert target.host_key == "example.com" and target.origin == "http://example.com:8080"


@pytest.mark.parametrize(
    "url", ["ftp://a.test/", "http://u:p@a.test/", "http://u@a.test/", "not a url", "", "http://a.test/" + "x" * 9000]
)
def test_urls_never_fetched_raise(url):
    with pytest.raises(UnsafeURL):
        parse_fetch_url(url)
