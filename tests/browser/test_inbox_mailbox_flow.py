"""A reply lands in the sender's own mailbox (Dovecot), the poll picks it up, the marketer answers it in the
thread, and the answer reaches the SMTP server (aiosmtpd) threaded onto the reply."""

from __future__ import annotations

import email
import email.policy
import json
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from crm.campaigns import launching
from crm.extensions import db
from crm.outreach import mailboxes, sending
from crm.outreach.models import OutboundMessage, SenderIdentity
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory
from tests.mail import mailbox
from tests.mail.dovecot import remove, start_dovecot
from tests.mail.smtpd import start_smtpd
from tests.outreach.world import build


@pytest.fixture
def servers():
    """A real IMAP server (Dovecot) and a real SMTP server (aiosmtpd, STARTTLS and AUTH) on loopback."""
    imap_server, smtp_server = start_dovecot(), start_smtpd()
    yield imap_server, smtp_server
    smtp_server.controller.stop()
    remove(imap_server)


@pytest.fixture
def pitched(live_app, servers):
    """Mia's workspace sent one pitch through her own SMTP account; her IMAP account is the Dovecot mailbox."""
    imap_server, smtp_server = servers
    live_app.config.update(SMTP_CA_FILE=str(smtp_server.cert), IMAP_CA_FILE=str(imap_server.cert),
                           PUBLIC_BASE_URL="https://crm.example.com", REPLY_DOMAIN="replies.example.com")
    with live_app.app_context():
        workspace = WorkspaceFactory(name="Green Acres", postal_address="9 Garden Row, Leeds LS1 1AA")
        MembershipFactory(user=UserFactory(email="mia@agency.example"), workspace=workspace, role="member")
        world = build(workspace.id, people=1)
        address = db.session.get(SenderIdentity, world.sender_id).from_email
        mailboxes.set_sender(workspace.id, address, smtp_url=(
            f"smtp://{quote(smtp_server.user)}:{quote(smtp_server.password, safe='')}@127.0.0.1:{smtp_server.port}"),
            imap_url=f"imaps://{quote(imap_server.user)}:{quote(imap_server.password)}@127.0.0.1:{imap_server.tls_port}")
        launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None)
        assert sending.send_due(workers=1)["sent"] == 1
        row = db.session.scalar(select(OutboundMessage))
        db.session.expunge(row)
    yield row


def test_a_reply_polled_from_the_mailbox_is_answered_from_the_thread_and_arrives_threaded(live_app, page, servers,
                                                                                        pitched):
    imap_server, smtp_server = servers
    assert len(smtp_server.messages) == 1  # the pitch went out through Mia's own SMTP account
    their_reply = mailbox.reply(pitched, "Hi Mia, yes please, send the outline over!")
    reply_id = email.message_from_bytes(their_reply, policy=email.policy.default)["Message-ID"]
    imap_server.append(their_reply)

    result = live_app.test_cli_runner().invoke(args=["outreach", "poll-inbox", "--workspace", "Green Acres"])
    counts = json.loads(result.output)
    assert result.exit_code == 0 and (counts["fetched"], counts["replies"], counts["errors"]) == (1, 1, 0)

    page.goto("/login")
    page.get_by_label("Email").fill("mia@agency.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/inbox")
    domain = pitched.to_email.split("@")[1]
    page.get_by_role("link", name=re.compile(re.escape(domain))).first.click()
    if "/inbox/contacts/" not in page.url and "/inbox/threads/" not in page.url:
        page.get_by_role("link", name="Open thread").first.click()
    expect(page.locator("main")).to_contain_text("yes please, send the outline over!")

    page.locator("textarea#body").fill("Great, here is the outline:\n1. Raised beds\n2. Soil")
    page.get_by_role("button", name="Send answer").click()
    expect(page.locator("main")).to_contain_text("Great, here is the outline")

    assert len(smtp_server.messages) == 2
    received = smtp_server.messages[-1]
    assert received.rcpt_tos == [pitched.to_email]
    answer = email.message_from_bytes(received.data, policy=email.policy.default)
    assert answer["In-Reply-To"] == reply_id
    assert answer["References"].split() == [pitched.message_id_header, reply_id]
    assert answer["Subject"].startswith("Re: ")
    assert b"Raised beds" in received.data
    assert not page.console_errors, page.console_errors
