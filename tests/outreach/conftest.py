"""Shared outreach test values: a realistic pitch message as the outbox would build it."""

import pytest

from crm.outreach.mail import Address, OutgoingMessage, make_message_id, unsubscribe_headers
from crm.outreach.tokens import reply_address, unsubscribe_token

SECRET = "outreach-tests-secret"


@pytest.fixture
def make_message():
    """Build a first pitch to one contact; keyword arguments replace any field."""

    def build(**changes) -> OutgoingMessage:
        key = changes.pop("idempotency_key", "campaign:4/step:0/contact:17")
        token = unsubscribe_token(SECRET, 3, 17)
        values = {
            "sender": Address("sam@agency.example", "Sam Rivera"),
            "recipient": Address("ana@gardenblog.example", "Ana Müller"),
            "subject": "Quick idea for gardenblog.example",
            "text": "Hi Ana,\n\nI loved your raised beds article.\n\nSam",
            "idempotency_key": key,
            "reply_to": Address(reply_address(SECRET, 17, "replies.example"), "Sam Rivera"),
            "headers": unsubscribe_headers(f"https://crm.example/u/{token}", f"unsubscribe+{token}@replies.example"),
            "custom_args": {"outbound_id": "17", "workspace_id": "3"},
            "categories": ("outreach", "campaign-4"),
            "message_id": make_message_id(key, "agency.example"),
        }
        return OutgoingMessage(**{**values, **changes})

    return build


@pytest.fixture
def recipient_source():
    """Recipients come from the campaign's opportunities, as campaigns will supply them; restored afterwards."""
    from tests.outreach.world import opportunity_recipients, use_opportunity_recipients

    restore = use_opportunity_recipients()
    yield opportunity_recipients
    restore()


@pytest.fixture
def world(app, team, recipient_source):
    """Acme with a three-step sequence for a campaign of three opportunities."""
    from tests.outreach.world import build

    with app.app_context():
        return build(team.workspace_id)
