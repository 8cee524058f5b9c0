"""Inbound Parse per workspace: mail posted to one workspace's address never touches another's data."""

import hashlib
import hmac
import re

import pytest
from sqlalchemy import func, select

from crm.campaigns import launching
from crm.extensions import db
from crm.outreach import sending
from crm.outreach.models import Enrollment, InboundAddress, OutboundMessage, Reply, Suppression
from crm.outreach.tokens import unsubscribe_token
from crm.prospects.models import Contact
from tests.conftest import csrf_token
from tests.outreach.webhooks import inbound_url, parse_form
from tests.outreach.world import build

pytestmark = pytest.mark.both_databases


@pytest.fixture
def acme_sent(app, team):
    """Acme has sent two first pitches (file backend); Rival has sent nothing."""
    with app.app_context():
        world = build(team.workspace_id, people=2)
        launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None)
        sending.send_due(workers=1)
        messages = db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).all()
        db.session.expunge_all()
        return messages


def acme_untouched(app, workspace_id: int) -> None:
    """Nothing stored, stopped or suppressed in Acme."""
    with app.app_context():
        assert db.session.scalar(select(func.count(Reply.id))) == 0
        assert {e.status for e in db.session.scalars(select(Enrollment).where(
            Enrollment.workspace_id == workspace_id))} == {"active"}
        assert db.session.scalar(select(func.count(Suppression.id))) == 0
        assert {c.status for c in db.session.scalars(select(Contact).where(
            Contact.workspace_id == workspace_id))} == {"ok"}
        assert {m.status for m in db.session.scalars(select(OutboundMessage))} == {"sent"}


def test_a_reply_to_acme_posted_to_rivals_address_is_not_matched(app, client, team, acme_sent):
    first = acme_sent[0]
    rival = inbound_url(app, team.rival_workspace_id)
    forged = [
        parse_form(first, to="sam@agency.example"),  # only the sender's address: Acme mailed it
        parse_form(first),  # Acme's own reply token in the recipient
        parse_form(first, to="sam@agency.example", headers={"In-Reply-To": first.message_id_header}),
        parse_form(first, text="Please remove me from your list."),  # an unsubscribe request
        parse_form(first, sender="MAILER-DAEMON@mx.example", subject="Undeliverable: Raised beds",
                   to="sam@agency.example", headers={"In-Reply-To": first.message_id_header}),  # a bounce
    ]
    for form in forged:
        response = client.post(rival, data=form)
        assert response.status_code == 200 and response.json["result"] == "unmatched", response.json
    acme_untouched(app, team.workspace_id)
    # the same reply at Acme's own address is Acme's
    stored = client.post(inbound_url(app, team.workspace_id), data=parse_form(first, to="sam@agency.example"))
    assert stored.json["result"] == "stored" and stored.json["kind"] == "human"


def test_acmes_mailto_unsubscribe_posted_to_rivals_address_unsubscribes_no_one(app, client, team, acme_sent):
    second = acme_sent[1]
    token = unsubscribe_token(app.config["SECRET_KEY"], second.workspace_id, second.contact_id)
    form = parse_form(to=f"unsubscribe+{token}@replies.agency.example", sender=second.to_email, text="")
    assert client.post(inbound_url(app, team.rival_workspace_id), data=form).json["result"] == "unmatched"
    acme_untouched(app, team.workspace_id)
    assert client.post(inbound_url(app, team.workspace_id), data=form).json["result"] == "unsubscribed"


def test_the_old_shared_address_is_gone(app, client, acme_sent):
    shared = hmac.new(app.config["SECRET_KEY"].encode(), b"crm.outreach.inbound-parse.v1",
                      hashlib.sha256).hexdigest()[:40]
    response = client.post(f"/webhooks/sendgrid/inbound/{shared}", data=parse_form(acme_sent[0]))
    assert response.status_code == 404
    acme_untouched(app, acme_sent[0].workspace_id)


INBOUND_RE = re.compile(r"http://localhost(/webhooks/sendgrid/inbound/[\w-]+)")


def _shown_address(client) -> str:
    return INBOUND_RE.search(client.get("/outreach/settings").get_data(as_text=True)).group(1)


def test_each_workspace_has_its_own_address(app, team):
    assert inbound_url(app, team.workspace_id) != inbound_url(app, team.rival_workspace_id)
    assert inbound_url(app, team.workspace_id) == inbound_url(app, team.workspace_id)  # shown again, not remade


def test_an_owner_rotates_the_address_and_the_old_one_stops_answering(app, as_role, client, acme_sent):
    owner = as_role("owner")
    old = _shown_address(owner)
    token = csrf_token(owner, "/outreach/settings")
    response = owner.post("/outreach/settings/inbound/rotate", data={"csrf_token": token}, follow_redirects=True)
    assert response.status_code == 200 and "old one no longer works" in response.get_data(as_text=True)
    new = _shown_address(owner)
    assert new != old
    assert client.post(old, data=parse_form(acme_sent[0])).status_code == 404
    acme_untouched(app, acme_sent[0].workspace_id)
    assert client.post(new, data=parse_form(acme_sent[0])).json["result"] == "stored"


def test_only_owners_may_rotate(app, as_role, client, team):
    before = inbound_url(app, team.workspace_id)
    for role in ("admin", "member", "viewer"):
        other = as_role(role)
        token = csrf_token(other, "/outbox")
        assert other.post("/outreach/settings/inbound/rotate", data={"csrf_token": token}).status_code == 403
    owner = as_role("owner")
    assert owner.post("/outreach/settings/inbound/rotate").status_code == 400  # no CSRF token
    assert inbound_url(app, team.workspace_id) == before
    assert client.post(before, data=parse_form()).json["result"] == "unmatched"  # still answers


def test_the_secret_is_stored_only_hashed_and_sealed(app, client, team):
    url = inbound_url(app, team.workspace_id)
    secret = url.rsplit("/", 1)[1]
    with app.app_context():
        row = db.session.scalars(select(InboundAddress).where(InboundAddress.workspace_id == team.workspace_id)).one()
        assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in row.secret_sealed
    # under another SECRET_KEY the sealed copy cannot be opened: a new address is made, the old one is gone
    app.config["SECRET_KEY"] = "another-secret-key-that-is-long-enough-9876543210"
    renewed = inbound_url(app, team.workspace_id)
    assert renewed != url
    assert client.post(url, data=parse_form()).status_code == 404
    assert client.post(renewed, data=parse_form()).status_code == 200
