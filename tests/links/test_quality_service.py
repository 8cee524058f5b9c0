"""The score of each check from real pages: site metrics, page signals, TF-IDF relevance kept per workspace."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.db import utcnow
from crm.extensions import db
from crm.links import verification
from crm.links.models import Backlink, IdfState, LinkCheck, PageText
from crm.prospects.models import Site
from tests.accounts.factories import WorkspaceFactory
from tests.links import farm as pages
from tests.links.factories import BacklinkFactory

pytestmark = pytest.mark.both_databases


def _shop_hits(farm) -> int:
    return sum(1 for request, _ in farm.shop.log if request.path == "/running-shoes/")


@pytest.fixture
def workspace_id(farm_app):
    with farm_app.app_context():
        workspace = WorkspaceFactory()
        db.session.add(Site(workspace_id=workspace.id, domain="farm-pages.com", dr=55, da=45, traffic=12_000))
        db.session.commit()
        return workspace.id


def _components(check: LinkCheck) -> dict:
    return {c["name"]: c for c in check.score_detail["components"]}


def test_checks_use_the_sites_metrics_page_signals_and_relevance(farm, farm_app, workspace_id):
    with farm_app.app_context():
        backlink_id = BacklinkFactory(workspace_id=workspace_id, source_url=farm.url("/live"),
                                      source_domain="farm-pages.com", target_url=farm.target).id
        shop_before = _shop_hits(farm)
        verification.verify_backlinks([backlink_id], resolver=pages.resolver)
        backlink = db.session.get(Backlink, backlink_id)
        check = backlink.checks[0]
        components = _components(check)
        assert backlink.site_id is not None
        assert components["authority"]["raw"] == {"dr": 55, "da": 45}
        assert components["popularity"]["raw"] == 12_000
        assert components["relevance"]["raw"] > 0.1  # a marathon post and a running shoe page
        assert check.score_detail["shared_terms"] and "shoe" in check.score_detail["shared_terms"]
        assert backlink.score == check.score and backlink.score_explanation == check.score_detail["explanation"]
        assert backlink.harm_reasons == []
        state = db.session.scalar(select(IdfState).where(IdfState.workspace_id == workspace_id))
        assert state.model["documents"] == 1
        texts = {row.url: row for row in db.session.scalars(select(PageText))}
        assert "Running shoes for marathon training" in texts[farm.target].text
        assert "Marathon training takes months" in texts[farm.url("/live")].text
        assert _shop_hits(farm) == shop_before + 1

        # Checked again: the page counts once in the IDF, and our page's text is reused for a week.
        verification.verify_backlinks([backlink_id], resolver=pages.resolver)
        db.session.expire_all()
        assert db.session.scalar(select(IdfState.model).where(IdfState.workspace_id == workspace_id))[
            "documents"] == 1
        assert _shop_hits(farm) == shop_before + 1
        verification.verify_backlinks([backlink_id], resolver=pages.resolver, now=utcnow() + timedelta(days=8))
        assert _shop_hits(farm) == shop_before + 2


def test_configured_weights_change_the_score_and_spam_pages_are_flagged(farm, farm_app, workspace_id):
    path = f"/casino-{uuid.uuid4().hex}"
    spam = " ".join(["Best online casino bonus, free spins and jackpot slot machines, casino poker."] * 20)
    farm.blog.expect_request(path).respond_with_data(
        pages.page(pages.link(farm.target) + f"<p>{spam}</p>", title="Casino bonus"), content_type="text/html")
    farm_app.config["QUALITY_WEIGHTS"] = {"relevance": 0, "authority": 50}
    with farm_app.app_context():
        backlink_id = BacklinkFactory(workspace_id=workspace_id, source_url=farm.url(path),
                                      target_url=farm.target).id
        verification.verify_backlinks([backlink_id], resolver=pages.resolver)
        backlink = db.session.get(Backlink, backlink_id)
        components = _components(backlink.checks[0])
        assert components["relevance"]["points"] == 0 and components["authority"]["weight"] == 50
        assert "casino content" in backlink.harm_reasons


def test_a_bad_weights_setting_fails_the_run_with_a_clear_message(farm, farm_app, workspace_id):
    farm_app.config["QUALITY_WEIGHTS"] = {"luck": 10}
    with farm_app.app_context():
        backlink_id = BacklinkFactory(workspace_id=workspace_id, source_url=farm.url("/live"),
                                      target_url=farm.target).id
        run = verification.start_run(workspace_id, [backlink_id])
        run = verification.run_verification(run.id, resolver=pages.resolver)
        assert run.state == "failed" and "unknown score weight 'luck'" in run.error
        assert db.session.get(Backlink, backlink_id).check_count == 0


@pytest.mark.parametrize(("setting", "expected"), [
    ('{"authority": 40}', {"authority": 40}), ("", None), (None, None), ({"trust": 1}, {"trust": 1})])
def test_weights_come_from_a_mapping_or_a_json_string(setting, expected):
    from crm.links.scoring import configured_weights

    assert configured_weights({"QUALITY_WEIGHTS": setting}) == expected


@pytest.mark.parametrize("setting", ["authority=40", "[1, 2]"])
def test_weights_that_are_not_an_object_are_refused_clearly(setting):
    from crm.links.scoring import configured_weights

    with pytest.raises(ValueError, match="QUALITY_WEIGHTS must be a JSON object"):
        configured_weights({"QUALITY_WEIGHTS": setting})
