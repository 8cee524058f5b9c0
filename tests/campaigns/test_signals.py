"""Stages and tasks that move on their own when outreach and links announce events (sent as they send them)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm import events
from crm.campaigns import pipeline, tasklist
from crm.campaigns.models import Opportunity, Task
from crm.extensions import db
from crm.timeline import Activity
from tests.campaigns.factories import CampaignFactory, OpportunityFactory, TaskFactory
from tests.links.factories import BacklinkFactory
from tests.support.announcing import announce_now

pytestmark = pytest.mark.both_databases


@pytest.fixture
def card(app, team):
    """A function making an opportunity in Acme at a stage, owned by the member; returns its id."""

    def make(stage="prospect", **kw):
        with app.app_context():
            return OpportunityFactory(workspace_id=team.workspace_id, stage=stage,
                                      owner_id=team.user_ids["member"], **kw).id

    return make


def fresh(app, opportunity_id) -> Opportunity:
    """The opportunity as committed (a new session sees only what handlers saved)."""
    db.session.remove()
    return db.session.get(Opportunity, opportunity_id)


def tasks_of(opportunity_id) -> list[Task]:
    return list(db.session.scalars(select(Task).where(Task.opportunity_id == opportunity_id).order_by(Task.id)))


def sent(ws, opp, step=1):
    announce_now(events.message_sent, ws, message_id=1, campaign_id=opp.campaign_id, opportunity_id=opp.id,
                 contact_id=None,
                             step=step)


def test_a_sent_message_pitches_a_prospect_and_says_so_on_the_timeline(app, team, card):
    opp_id = card("prospect")
    with app.app_context():
        sent(team.workspace_id, db.session.get(Opportunity, opp_id))
        opp = fresh(app, opp_id)
        assert opp.stage == "pitched"
        row = db.session.scalar(select(Activity).where(Activity.opportunity_id == opp_id,
                                                       Activity.kind == "stage_changed"))
        assert row.summary == "Moved from Prospect to Pitched: message sent (step 1)"
        assert row.actor_id is None and row.data["by"] == "event"


def test_a_late_sent_event_never_pulls_a_negotiating_card_back(app, team, card):
    opp_id = card("replied")
    with app.app_context():
        opp = db.session.get(Opportunity, opp_id)
        pipeline.move(opp, "negotiating", role="member", actor_id=team.user_ids["member"])
        sent(team.workspace_id, opp, step=2)  # a follow-up queued before the person moved the card
        assert fresh(app, opp_id).stage == "negotiating"


def test_a_human_reply_moves_to_replied_and_makes_one_reply_waiting_task(app, team, card):
    opp_id = card("pitched")
    with app.app_context():
        opp = db.session.get(Opportunity, opp_id)
        for _ in range(2):  # the same reply announced twice makes one task
            announce_now(events.reply_received, team.workspace_id, reply_id=42, kind="human",
                         campaign_id=opp.campaign_id,
                                       opportunity_id=opp_id, contact_id=None)
        opp = fresh(app, opp_id)
        assert opp.stage == "replied"
        tasks = tasks_of(opp_id)
        assert [(t.title, t.origin, t.kind, t.assignee_id, t.done_at) for t in tasks] == [
            (f"Reply waiting from {opp.site.domain}", "reply:42", "reply_waiting", team.user_ids["member"], None)
        ]
        assert tasks[0].due_on is not None and tasks[0].campaign_id == opp.campaign_id


def test_automatic_replies_change_nothing(app, team, card):
    opp_id = card("pitched")
    with app.app_context():
        for kind in ("out_of_office", "unsubscribe", "bounce"):
            announce_now(events.reply_received, team.workspace_id, reply_id=7, kind=kind, campaign_id=None,
                                       opportunity_id=opp_id, contact_id=None)
        assert fresh(app, opp_id).stage == "pitched" and tasks_of(opp_id) == []


def test_a_reply_reopens_no_response_but_not_declined(app, team, card):
    silent, declined = card("no_response"), card("declined")
    with app.app_context():
        for n, opp_id in enumerate((silent, declined)):
            announce_now(events.reply_received, team.workspace_id, reply_id=100 + n, kind="human", campaign_id=None,
                                       opportunity_id=opp_id, contact_id=None)
        assert fresh(app, silent).stage == "replied"
        assert fresh(app, declined).stage == "declined"
        assert len(tasks_of(declined)) == 1  # the reply still waits for someone


def test_a_live_link_makes_the_card_live_and_won(app, team, card):
    opp_id = card("negotiating")
    with app.app_context():
        announce_now(events.link_live, team.workspace_id, backlink_id=5, opportunity_id=opp_id, campaign_id=None)
        opp = fresh(app, opp_id)
        assert opp.stage == "live" and opp.won_at is not None


def test_a_lost_link_closes_the_card_with_a_task_and_a_returning_link_reopens_it(app, team, card):
    opp_id = card("live")
    with app.app_context():
        for _ in range(2):
            announce_now(events.link_lost, team.workspace_id, backlink_id=9, opportunity_id=opp_id, campaign_id=None,
                                  reasons=["link_missing"])
        opp = fresh(app, opp_id)
        assert opp.stage == "lost"
        [task] = tasks_of(opp_id)
        assert task.title == f"The link on {opp.site.domain} was removed" and task.origin == "link-lost:9"
        announce_now(events.link_live, team.workspace_id, backlink_id=9, opportunity_id=opp_id, campaign_id=None)
        assert fresh(app, opp_id).stage == "live"  # the verifier closed it, the verifier reopens it


def test_a_card_a_person_closed_as_lost_stays_lost(app, team, card):
    opp_id = card("live")
    with app.app_context():
        opp = db.session.get(Opportunity, opp_id)
        pipeline.move(opp, "lost", role="member", actor_id=team.user_ids["member"])
        announce_now(events.link_live, team.workspace_id, backlink_id=3, opportunity_id=opp_id, campaign_id=None)
        assert fresh(app, opp_id).stage == "lost"


def test_a_link_lost_again_after_its_task_was_done_reopens_the_task(app, team, card):
    opp_id = card("live")
    with app.app_context():
        announce_now(events.link_lost, team.workspace_id, backlink_id=4, opportunity_id=opp_id, campaign_id=None,
                     reasons=[])
        [task] = tasks_of(opp_id)
        tasklist.complete_task(task, role="member", actor_id=team.user_ids["member"])
        announce_now(events.link_live, team.workspace_id, backlink_id=4, opportunity_id=opp_id, campaign_id=None)
        announce_now(events.link_lost, team.workspace_id, backlink_id=4, opportunity_id=opp_id, campaign_id=None,
                     reasons=[])
        db.session.remove()
        [task] = tasks_of(opp_id)
        assert task.done_at is None


def test_a_lost_link_of_a_campaign_without_a_card_still_makes_a_task(app, team):
    with app.app_context():
        campaign_id = CampaignFactory(workspace_id=team.workspace_id, owner_id=team.user_ids["admin"]).id
        announce_now(events.link_lost, team.workspace_id, backlink_id=77, opportunity_id=None, campaign_id=campaign_id,
                              reasons=["http_404"])
        db.session.remove()
        task = db.session.scalar(select(Task).where(Task.origin == "link-lost:77"))
        assert task.campaign_id == campaign_id and task.assignee_id == team.user_ids["admin"]
        assert task.title == "A link of this campaign is gone: the page no longer works"
        assert "#77" not in task.title and "page_error" not in task.notes


def test_a_changed_link_is_noted_and_a_worse_one_makes_a_task(app, team, card):
    opp_id = card("live")
    with app.app_context():
        announce_now(events.link_changed, team.workspace_id, backlink_id=6, opportunity_id=opp_id, campaign_id=None,
                                 old_status="live", new_status="live_nofollow")
        announce_now(events.link_changed, team.workspace_id, backlink_id=6, opportunity_id=opp_id, campaign_id=None,
                                 old_status="live_nofollow", new_status="live")
        db.session.remove()
        notes = db.session.scalars(select(Activity.summary).where(Activity.opportunity_id == opp_id,
                                                                  Activity.kind == "link_changed")).all()
        assert sorted(notes) == ["Link went from Live to Live, nofollow", "Link went from Live, nofollow to Live"]
        assert [t.kind for t in tasks_of(opp_id)] == ["link_changed"]
        assert fresh(app, opp_id).stage == "live"


def test_events_from_another_workspace_or_campaign_are_ignored(app, team, card):
    opp_id = card("prospect")
    with app.app_context():
        opp = db.session.get(Opportunity, opp_id)
        other_campaign = CampaignFactory(workspace_id=team.workspace_id).id
        announce_now(events.message_sent, team.rival_workspace_id, message_id=1, campaign_id=None,
                     opportunity_id=opp_id,
                                 contact_id=None, step=1)
        announce_now(events.reply_received, team.rival_workspace_id, reply_id=1, kind="human", campaign_id=None,
                                   opportunity_id=opp_id, contact_id=None)
        announce_now(events.link_live, team.workspace_id, backlink_id=1, opportunity_id=opp_id,
                     campaign_id=other_campaign)
        announce_now(events.message_sent, team.workspace_id, message_id=1, campaign_id=None, opportunity_id=None,
                                 contact_id=None, step=1)
        assert fresh(app, opp.id).stage == "prospect"
        assert db.session.scalar(select(Task.id)) is None


def test_a_handler_commits_its_own_change_together_with_an_existing_task(app, team, card):
    opp_id = card("pitched")
    with app.app_context():
        TaskFactory(workspace_id=team.workspace_id, origin="reply:5", title="Already there")
        announce_now(events.reply_received, team.workspace_id, reply_id=5, kind="human", campaign_id=None,
                                   opportunity_id=opp_id, contact_id=None)
        assert fresh(app, opp_id).stage == "replied"
        assert db.session.scalars(select(Task.title).where(Task.origin == "reply:5")).all() == ["Already there"]


def test_a_lost_link_task_names_the_page_and_our_page_in_words(app, team, card):
    opp_id = card("live")
    with app.app_context():
        opp = db.session.get(Opportunity, opp_id)
        link = BacklinkFactory(workspace_id=team.workspace_id, campaign_id=opp.campaign_id, opportunity_id=opp_id,
                               source_url="https://www.example.com/post/", target_url="https://shop.example/guide",
                               source_domain="example.com", status="missing")
        db.session.commit()
        link_id = link.id
        announce_now(events.link_lost, team.workspace_id, backlink_id=link_id, opportunity_id=opp_id,
                              campaign_id=opp.campaign_id, reasons=["no_link"])
        db.session.remove()
        [task] = tasks_of(opp_id)
        assert task.title == "The link on example.com/post to our /guide was removed"
        assert "no_link" not in task.notes and "Our link is not on the page." in task.notes
        assert f"#{link_id}" not in task.title + task.notes


def test_a_page_gone_task_says_so(app, team, card):
    opp_id = card("live")
    with app.app_context():
        opp = db.session.get(Opportunity, opp_id)
        link = BacklinkFactory(workspace_id=team.workspace_id, campaign_id=opp.campaign_id, opportunity_id=opp_id,
                               source_url="https://blog.example/old-post", target_url="https://shop.example/",
                               source_domain="blog.example", status="page_error")
        db.session.commit()
        announce_now(events.link_lost, team.workspace_id, backlink_id=link.id, opportunity_id=opp_id,
                              campaign_id=opp.campaign_id, reasons=["http_410"])
        db.session.remove()
        [task] = tasks_of(opp_id)
        assert task.title == "The link on blog.example/old-post to our shop.example is gone: the page no longer works"
        assert "410" in task.notes and "http_410" not in task.notes


def test_a_lost_link_task_closes_itself_with_a_note_when_the_link_is_live_again(app, team, card):
    opp_id = card("live")
    with app.app_context():
        campaign_id = db.session.get(Opportunity, opp_id).campaign_id
        link_id = BacklinkFactory(workspace_id=team.workspace_id, campaign_id=campaign_id,
                                  opportunity_id=opp_id, status="missing").id
        db.session.commit()
        announce_now(events.link_lost, team.workspace_id, backlink_id=link_id, opportunity_id=opp_id,
                              campaign_id=campaign_id, reasons=["no_link"])
        db.session.remove()
        [task] = tasks_of(opp_id)
        assert task.done_at is None
        announce_now(events.link_live, team.workspace_id, backlink_id=link_id, opportunity_id=opp_id,
                              campaign_id=campaign_id)
        db.session.remove()
        [task] = tasks_of(opp_id)
        assert task.done_at is not None
        assert f"Closed automatically: the link was verified live again on {task.done_at:%d %b %Y}." in task.notes
        assert fresh(app, opp_id).stage == "live"
        assert tasklist.open_tasks(team.workspace_id, opportunity_id=opp_id) == []


def test_a_live_link_closes_only_its_own_lost_task(app, team, card):
    opp_id = card("live")
    with app.app_context():
        for backlink_id in (31, 32):
            announce_now(events.link_lost, team.workspace_id, backlink_id=backlink_id, opportunity_id=opp_id,
                                  campaign_id=None, reasons=[])
        announce_now(events.link_live, team.workspace_id, backlink_id=31, opportunity_id=opp_id, campaign_id=None)
        db.session.remove()
        done = {t.origin: t.done_at is not None for t in tasks_of(opp_id)}
        assert done == {"link-lost:31": True, "link-lost:32": False}


def test_automatic_moves_announce_the_stage_change_once_after_saving_it(app, team, card):
    opp_id = card("live")
    heard = []

    def listener(workspace_id, **kw):
        with db.engine.connect() as other:  # what another connection sees: the move is committed
            saved = other.scalar(select(Opportunity.stage).where(Opportunity.id == kw["opportunity_id"]))
        heard.append((workspace_id, kw["from_stage"], kw["to_stage"], kw["reason"], saved))

    with app.app_context(), events.stage_changed.connected_to(listener):
        for _ in range(2):  # the second lost report changes nothing and announces nothing
            announce_now(events.link_lost, team.workspace_id, backlink_id=9, opportunity_id=opp_id, campaign_id=None,
                                  reasons=["link_missing"])
        announce_now(events.link_live, team.workspace_id, backlink_id=9, opportunity_id=opp_id, campaign_id=None)
    assert heard == [(team.workspace_id, "live", "lost", "link lost (Link missing)", "lost"),
                     (team.workspace_id, "lost", "live", "link verified live", "live")]
