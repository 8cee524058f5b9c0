"""Domain events that reach webhooks from the features' own code paths: a card moved, an import finished."""

from __future__ import annotations

from crm.api import webhooks
from crm.campaigns import pipeline
from crm.extensions import db
from tests.campaigns.factories import OpportunityFactory
from tests.prospects.samples import SAMPLES


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
        events.link_live.send(team.workspace_id, backlink_id=link.id, opportunity_id=None, campaign_id=None)
        events.link_live.send(team.rival_workspace_id, backlink_id=link.id, opportunity_id=None, campaign_id=None)
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
