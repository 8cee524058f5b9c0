"""Reading social profiles and verification verdicts as email finders write them."""

from __future__ import annotations

import pytest

from crm.prospects import contactinfo


@pytest.mark.parametrize(("cell", "status"), [
    ("valid", "valid"), ("Deliverable", "valid"), ("accept_all", "accept_all"), ("Catch-all", "accept_all"),
    ("INVALID", "invalid"), ("undeliverable", "invalid"), ("unknown", "unknown"), ("who knows", "unknown"),
    ("webmail", "webmail"), ("yes", "valid"), ("no", "unknown"),  # a "Verified" column: no is not invalid
])  # fmt: skip
def test_verdicts_read_in_their_usual_words(cell, status):
    assert contactinfo.parse_verification(cell) == status


@pytest.mark.parametrize("cell", ["jane_roe", "@jane_roe", "https://twitter.com/jane_roe", "x.com/jane_roe/",
                                  "https://x.com/@jane_roe?lang=en"])
def test_twitter_handles_and_profile_addresses_give_the_handle(cell):
    assert contactinfo.parse_twitter(cell) == "jane_roe"
    assert contactinfo.twitter_url("jane_roe") == "https://x.com/jane_roe"


@pytest.mark.parametrize("cell", ["jane roe", "https://facebook.com/jane", "a_handle_that_is_far_too_long"])
def test_what_is_not_a_handle_is_refused(cell):
    with pytest.raises(ValueError, match="not an X/Twitter handle"):
        contactinfo.parse_twitter(cell)


def test_linkedin_profiles_come_out_as_addresses():
    assert contactinfo.parse_linkedin("linkedin.com/in/jane-roe") == "https://www.linkedin.com/in/jane-roe"
    assert contactinfo.parse_linkedin("https://uk.linkedin.com/in/jane") == "https://www.linkedin.com/in/jane"
    assert contactinfo.parse_linkedin("jane-roe-42") == "https://www.linkedin.com/in/jane-roe-42"
    with pytest.raises(ValueError, match="not a LinkedIn profile"):
        contactinfo.parse_linkedin("https://example.com/jane")
