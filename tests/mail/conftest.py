"""Fixtures for the mail tests: a realistic pitch message, a real Dovecot on loopback, pitches sent to reply to."""

from urllib.parse import quote

import pytest
from sqlalchemy import select

from crm.campaigns import launching
from crm.extensions import db
from crm.mail.message import Address, OutgoingMessage, make_message_id, unsubscribe_headers
from crm.outreach import mailboxes, sending
from crm.outreach.models import OutboundMessage, SenderIdentity
from crm.outreach.tokens import reply_address, unsubscribe_token
from tests.mail.dovecot import remove, start_dovecot
from tests.outreach.world import build

SECRET = "outreach-tests-secret"


@pytest.fixture
def dovecot():
    """A fresh Dovecot with one user and an empty mailbox (INBOX and a \\Junk folder); stopped afterwards."""
    server = start_dovecot()
    yield server
    remove(server)


def connect_mailbox(app, sender_email: str, server, scheme: str = "imaps") -> None:
    """Give a sender identity the test server's mailbox, as `senders set --imap` does."""
    port = server.tls_port if scheme == "imaps" else server.port
    app.config.update(IMAP_CA_FILE=str(server.cert))
    with app.app_context():
        sender = db.session.scalar(select(SenderIdentity).where(SenderIdentity.from_email == sender_email))
        mailboxes.set_sender(sender.workspace_id, sender_email,
                             imap_url=f"{scheme}://{quote(server.user)}:{quote(server.password)}@127.0.0.1:{port}")


@pytest.fixture
def pitched(app, team, dovecot):
    """Acme sent three first pitches from a sender whose mailbox is the test Dovecot."""
    with app.app_context():
        world = build(team.workspace_id, people=3)
        launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None)
        sending.send_due(workers=1)
        sender = db.session.get(SenderIdentity, world.sender_id)
        connect_mailbox(app, sender.from_email, dovecot)
        rows = db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).all()
        db.session.expunge_all()
        return rows


@pytest.fixture
def smtpd():
    """A real SMTP server on loopback with STARTTLS and AUTH; stopped afterwards."""
    from tests.mail.smtpd import start_smtpd

    server = start_smtpd()
    yield server
    server.controller.stop()


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
