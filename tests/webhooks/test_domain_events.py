"""Domain events that reach webhooks from the features' own code paths: a card moved, an import finished."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from crm.api import webhooks
from crm.campaigns import pipeline
from crm.extensions import db
from tests.campaigns.factories import OpportunityFactory
from tests.prospects.samples import SAMPLES
from tests.support.announcing import announce_now

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _hook(team, httpserver, name):
    httpserver.expect_request("/hook").respond_with_data("")
    webhooks.create_endpoint(team.workspace_id, url=httpserver.url_for("/hook"), events=[name])


def _bodies(httpserver) -> list[dict]:
    return [request.get_json() for request, _ in httpserver.log]


def test_moving_a_card_sends_opportunity_stage_changed(hooks_app, team, httpserver):
    with hooks_app.app_context():
        _hook(team, httpserver, "opportunity.stage_changed")
        opp = OpportunityFactory(workspace_id=team.workspace_id, stage="replied")
        db.session.commit()
        pipeline.move(opp, "negotiating", role="owner", actor_id=team.user_ids["owner"])
        pipeline.move(opp, "negotiating", role="owner", actor_id=team.user_ids["owner"])  # no change, no event
        (body,) = _bodies(httpserver)
        assert body["type"] == "opportunity.stage_changed"
        assert body["data"]["opportunity_id"] == opp.id and body["data"]["campaign_id"] == opp.campaign_id
        assert (body["data"]["from_stage"], body["data"]["to_stage"]) == ("replied", "negotiating")
        assert body["data"]["site_domain"] == opp.site.domain  # enough to act on without calling back


def test_a_live_link_event_carries_the_link_itself(hooks_app, team, httpserver):
    from crm import events
    from tests.links.factories import BacklinkFactory

    with hooks_app.app_context():
        _hook(team, httpserver, "backlink.live")
        link = BacklinkFactory(workspace_id=team.workspace_id)
        db.session.commit()
        announce_now(events.link_live, team.workspace_id, backlink_id=link.id, opportunity_id=None, campaign_id=None)
        announce_now(events.link_live, team.rival_workspace_id, backlink_id=link.id, opportunity_id=None,
                     campaign_id=None)
        (body,) = _bodies(httpserver)
        assert body["data"]["backlink_id"] == link.id
        assert (body["data"]["source_url"], body["data"]["target_url"]) == (link.source_url, link.target_url)


def test_an_import_sends_import_finished_with_its_counts(hooks_app, runner, team, httpserver):
    with hooks_app.app_context():
        _hook(team, httpserver, "import.finished")
    result = runner.invoke(args=["import", str(SAMPLES / "ahrefs-backlinks-v3.csv"), "--workspace", "Acme"])
    assert result.exit_code == 0, result.output
    runner.invoke(args=["import", str(SAMPLES / "ahrefs-backlinks-v3.csv"), "--workspace", "Acme", "--dry-run"])
    (body,) = _bodies(httpserver)  # a dry run imports nothing and announces nothing
    assert body["type"] == "import.finished" and body["data"]["format"] == "ahrefs_backlinks"
    assert body["data"]["new"] > 0 and body["data"]["errors"] == 0


def _launched(team):
    """A campaign whose two pitches went out; the cards are pitched."""
    from crm.campaigns import launching
    from crm.outreach import sending
    from tests.outreach.world import build

    world = build(team.workspace_id, people=2)
    launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None, MONDAY)
    assert sending.send_due(now=MONDAY, workers=1)["sent"] == 2
    return world


def _reply_to(row, text="Thanks, interested!"):
    from crm.mail.incoming import InboundMail

    return InboundMail(from_email=row.to_email, from_name="", recipients=(row.reply_to,), subject=f"Re: {row.subject}",
                       text=text, html="", headers={}, message_id=f"<r{row.id}@mail.example>")


def test_a_reply_moves_the_card_and_sends_one_stage_changed_with_the_reason(hooks_app, team, httpserver):
    from crm.campaigns.models import Opportunity
    from crm.outreach import inbound
    from crm.outreach.models import OutboundMessage

    with hooks_app.app_context():
        world = _launched(team)
        _hook(team, httpserver, "opportunity.stage_changed")
        pitch = db.session.scalar(select(OutboundMessage).order_by(OutboundMessage.id).limit(1))
        assert db.session.get(Opportunity, pitch.opportunity_id).stage == "pitched"
        assert inbound.receive(world.workspace_id, _reply_to(pitch), now=MONDAY + timedelta(hours=2))["kind"] == "human"
        assert db.session.get(Opportunity, pitch.opportunity_id).stage == "replied"
        (body,) = _bodies(httpserver)
        assert body["data"]["opportunity_id"] == pitch.opportunity_id
        assert (body["data"]["from_stage"], body["data"]["to_stage"]) == ("pitched", "replied")
        assert body["data"]["reason"] == "reply received"
        inbound.receive(world.workspace_id, _reply_to(pitch), now=MONDAY + timedelta(hours=3))  # the same mail again
        assert len(_bodies(httpserver)) == 1


def test_a_stage_change_that_is_rolled_back_sends_nothing(hooks_app, team, httpserver):
    with hooks_app.app_context():
        _hook(team, httpserver, "opportunity.stage_changed")
        opp = OpportunityFactory(workspace_id=team.workspace_id, stage="pitched")
        db.session.commit()
        pipeline.set_stage(opp, "replied", actor_id=None, reason="reply received")
        db.session.rollback()
        db.session.commit()  # a later commit does not send what was undone
        assert db.session.get(type(opp), opp.id).stage == "pitched"
        with db.session.begin_nested():
            pipeline.set_stage(opp, "replied", actor_id=None, reason="reply received")
            db.session.rollback()  # only the savepoint
        pipeline.set_stage(opp, "negotiating", actor_id=team.user_ids["owner"])
        db.session.commit()
        (body,) = _bodies(httpserver)
        assert (body["data"]["from_stage"], body["data"]["to_stage"], body["data"]["reason"]) == (
            "pitched", "negotiating", "")


def test_an_unsubscribe_whose_caller_then_fails_sends_no_webhook(hooks_app, team, httpserver):
    from crm import events
    from crm.outreach import stopping
    from crm.outreach.suppression import find
    from tests.prospects.factories import ContactFactory

    with hooks_app.app_context():
        _hook(team, httpserver, "contact.unsubscribed")
        first, second = ContactFactory(workspace_id=team.workspace_id), ContactFactory(workspace_id=team.workspace_id)
        db.session.commit()
        second_email = second.email
        try:  # as the inbound path does: block, queue the announcement, then fail before the commit
            stopping.block_address(team.workspace_id, second_email, "unsubscribe", "reply asked to stop")
            events.announce(events.unsubscribe, team.workspace_id, contact_id=second.id, email=second_email)
            raise RuntimeError("the caller fails before committing")
        except RuntimeError:
            db.session.rollback()
        db.session.commit()
        assert _bodies(httpserver) == [] and find(team.workspace_id, second_email) is None
        assert stopping.unsubscribe(team.workspace_id, first.id, "unsubscribe page", email=first.email) == first.email
        (body,) = _bodies(httpserver)  # sent once the unsubscribe was saved
        assert body["data"]["contact_id"] == first.id
        assert find(team.workspace_id, first.email) is not None
