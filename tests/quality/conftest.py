"""Shared builders for the link quality tests."""

import pytest

from crm.quality import LinkFacts


def live_link(**overrides) -> LinkFacts:
    """A healthy, followed, in-content link on a decent page; tests change one thing at a time."""
    values = {
        "status": "live",
        "rel": (),
        "placement": "content",
        "outbound_links": 12,
        "word_count": 1200,
        "language": "en",
        "target_language": "en",
        "metrics": {"dr": 48, "traffic": 1200},
        "relevance": 0.25,
    }
    values.update(overrides)
    return LinkFacts(**values)


@pytest.fixture(scope="session")
def make_link():
    """The builder, as a fixture (session-scoped: it holds no state, and hypothesis tests use it too)."""
    return live_link
