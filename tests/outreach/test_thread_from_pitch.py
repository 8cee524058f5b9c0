"""A conversation's thread exists from the first pitch (waiting), a reply joins it, and someone who joins the
workspace later sees the threads needing a reply as unread."""

import pytest
from sqlalchemy import func, select

from crm.accounts import workspaces
from crm.extensions import db
from crm.outreach.models import Thread, ThreadUnread
from tests.outreach.test_inbound_webhook import sent  # noqa: F401 - the fixture: pitches sent in two campaigns
from tests.outreach.test_threads import _reply

pytestmark = pytest.mark.both_databases


def _threads(app, row) -> list[Thread]:
    with app.app_context():
        found = db.session.scalars(select(Thread).where(Thread.contact_id == row.contact_id)).all()
        db.session.expunge_all()
        return found


def test_a_pitch_makes_a_waiting_thread_and_the_reply_joins_it(app, client, sent):  # noqa: F811
    (pitched,) = _threads(app, sent[0])
    assert pitched.state == "waiting" and pitched.last_outbound_at == sent[0].sent_at
    assert pitched.opportunity_id == sent[0].opportunity_id and pitched.campaign_id == sent[0].campaign_id
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Thread)) == len({(m.contact_id, m.opportunity_id)
                                                                                   for m in sent})
    _reply(app, client, sent[0])
    (replied,) = _threads(app, sent[0])
    assert replied.id == pitched.id and replied.state == "needs_reply"
    assert replied.last_outbound_at == sent[0].sent_at and replied.last_inbound_at is not None


def test_a_newcomer_sees_the_threads_needing_a_reply_as_unread(app, client, team, sent):  # noqa: F811
    _reply(app, client, sent[0])
    with app.app_context():
        waiting = db.session.scalar(select(Thread.id).where(Thread.state == "needs_reply"))
        newcomer = workspaces.create_user("new@acme.example", "a long enough password 1", workspace="Acme",
                                          role="member")
        marked = db.session.scalars(select(ThreadUnread.thread_id).where(ThreadUnread.user_id == newcomer.id)).all()
        assert marked == [waiting]  # only the one needing a reply, not the threads still waiting for the contact
