"""Reply-To and unsubscribe tokens: short, opaque, unforgeable, and intact after a mail system lowercases them."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.outreach.tokens import (
    IdSigner,
    TokenError,
    UnsubscribeRef,
    read_reply_token,
    read_unsubscribe_token,
    reply_address,
    reply_token,
    token_from_address,
    unsubscribe_token,
)

SECRET = "test-secret-key"


def test_reply_address_round_trip_survives_lowercasing_and_uppercasing():
    address = reply_address(SECRET, 123456, "Replies.Example.com")
    local, domain = address.split("@")
    assert domain == "replies.example.com"
    assert re.fullmatch(r"reply\+[a-z2-7]+", local) and len(local) <= 64
    for seen in (address, address.upper(), f"Ana via CRM <{address.upper()}>"):
        token = token_from_address(seen, "replies.example.com")
        assert read_reply_token(SECRET, token) == 123456


def test_reply_address_for_another_domain_or_mailbox_is_not_ours():
    address = reply_address(SECRET, 5, "replies.example.com")
    assert token_from_address(address, "other.example.com") is None
    assert token_from_address("ana@replies.example.com", "replies.example.com") is None
    assert token_from_address("reply+@replies.example.com", "replies.example.com") is None


def test_token_carries_no_readable_id_or_address():
    token = unsubscribe_token(SECRET, 42, 987654)
    assert "987654" not in token and "42" not in token
    assert read_unsubscribe_token(SECRET, token) == UnsubscribeRef(42, 987654)
    assert read_unsubscribe_token(SECRET, token.upper()) == UnsubscribeRef(42, 987654)


@pytest.mark.parametrize("message_id", [77, 300, 2**40])
def test_any_altered_character_is_refused(message_id):
    token = reply_token(SECRET, message_id)
    for position in range(len(token)):
        for replacement in "a7":
            if token[position] == replacement:
                continue
            altered = token[:position] + replacement + token[position + 1 :]
            with pytest.raises(TokenError):
                read_reply_token(SECRET, altered)


@pytest.mark.parametrize("garbage", ["", "!!!", "a", "0189", "a" * 65, "abc=def"])
def test_garbage_is_refused(garbage):
    with pytest.raises(TokenError):
        read_reply_token(SECRET, garbage)


def test_another_secret_cannot_read_or_forge():
    with pytest.raises(TokenError):
        read_reply_token("another-secret", reply_token(SECRET, 1))


def test_a_reply_token_is_not_an_unsubscribe_token():
    with pytest.raises(TokenError):
        read_unsubscribe_token(SECRET, IdSigner(SECRET, "crm.outreach.reply-to.v1").sign(1, 2))
    with pytest.raises(TokenError):
        read_reply_token(SECRET, unsubscribe_token(SECRET, 1, 2))


def test_rotated_keys_still_read_old_tokens():
    old = unsubscribe_token("old-secret", 3, 4)
    assert read_unsubscribe_token(["old-secret", "new-secret"], old) == UnsubscribeRef(3, 4)
    new = unsubscribe_token(["old-secret", "new-secret"], 3, 4)
    with pytest.raises(TokenError):
        read_unsubscribe_token("old-secret", new)


def test_ids_must_be_non_negative_integers():
    with pytest.raises(ValueError):
        reply_token(SECRET, -1)
    with pytest.raises(ValueError):
        IdSigner(SECRET, "x").sign()


@given(st.lists(st.integers(min_value=0, max_value=2**63), min_size=1, max_size=4))
def test_any_ids_round_trip_in_lowercase(ids):
    signer = IdSigner(SECRET, "purpose")
    token = signer.sign(*ids)
    assert token == token.lower()
    assert signer.unsign(token.upper()) == tuple(ids)


@given(st.integers(min_value=0, max_value=2**63))
def test_reply_local_part_fits_the_64_character_limit(message_id):
    assert len(reply_address(SECRET, message_id, "r.example").split("@")[0]) <= 64


def test_too_many_ids_are_refused_when_signing():
    with pytest.raises(ValueError):
        IdSigner(SECRET, "x").sign(*([2**63] * 8))
