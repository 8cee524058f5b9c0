"""The fetch policy read from settings, and the settings it refuses."""

from __future__ import annotations

import pytest

from crm.net import FetchPolicy


def test_defaults_are_safe_and_polite():
    policy = FetchPolicy()
    assert policy.allow_private_networks is False
    assert policy.per_host_concurrency == 2 and policy.max_redirects == 5
    assert policy.product_token == "OutreachCRM-LinkChecker"


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("true", True), ("On", True), ("0", False), ("", False)])
def test_allow_private_networks_comes_from_the_environment(raw, expected):
    assert FetchPolicy.from_mapping({"FETCH_ALLOW_PRIVATE_NETWORKS": raw}).allow_private_networks is expected


def test_settings_are_read_by_name():
    policy = FetchPolicy.from_mapping(
        {
            "FETCH_USER_AGENT": "AgencyBot/3.1 (+https://agency.test/bot)",
            "FETCH_TOTAL_TIMEOUT": "12.5",
            "FETCH_PER_HOST_CONCURRENCY": "4",
            "FETCH_PER_HOST_DELAY": "1",
            "FETCH_ALLOWED_NETWORKS": "10.8.0.0/16, fd12::/16",
            "UNRELATED": "x",
        }
    )
    assert policy.user_agent.startswith("AgencyBot/3.1") and policy.product_token == "AgencyBot"
    assert (policy.total_timeout, policy.per_host_concurrency, policy.per_host_delay) == (12.5, 4, 1.0)
    assert policy.allowed_networks == ("10.8.0.0/16", "fd12::/16")


@pytest.mark.parametrize(
    "settings",
    [
        {"FETCH_ALLOW_PRIVATE_NETWORKS": "maybe"},
        {"FETCH_TOTAL_TIMEOUT": "0"},
        {"FETCH_PER_HOST_CONCURRENCY": "0"},
        {"FETCH_MAX_REDIRECTS": "-1"},
        {"FETCH_ALLOWED_NETWORKS": "not-a-net"},
        {"FETCH_USER_AGENT": "  "},
    ],
)
def test_unusable_settings_are_refused(settings):
    with pytest.raises(ValueError, match=r"FETCH_|must|empty|network|yes/no"):
        FetchPolicy.from_mapping(settings)
