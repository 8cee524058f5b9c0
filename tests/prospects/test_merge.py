"""Merging two sites moves everything about the merged one, including other features' rows, and folds clashes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select

from crm.extensions import db
from crm.prospects import merging
from crm.prospects.models import Contact, Site, SiteMetric, SitePage
from crm.timeline import Activity
from tests.accounts.factories import WorkspaceFactory
from tests.prospects.factories import ContactFactory, SiteFactory, SiteMetricFactory, TagFactory

pytestmark = pytest.mark.both_databases

JAN, JUN = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC)


def _add(table_name: str, **values) -> int:
    table = db.metadata.tables[table_name]
    return db.session.execute(insert(table).values(**values).returning(table.c.id)).scalar_one()


def _rows(table_name: str, **where) -> list:
    table = db.metadata.tables[table_name]
    return db.session.execute(select(table).where(*(table.c[k] == v for k, v in where.items()))).all()


@pytest.fixture
def pair(ctx):
    ws = WorkspaceFactory().id
    keep = SiteFactory(workspace_id=ws, domain="widgets.com", dr=None, da=30, notes="Keep me.")
    drop = SiteFactory(workspace_id=ws, domain="widgets-shop.com", homepage="https://widgets-shop.com/", dr=44,
                       status="blocked", notes="Old domain.", last_contacted_at=JUN)
    shared, own = TagFactory(workspace_id=ws, name="Shared"), TagFactory(workspace_id=ws, name="Only dropped")
    keep.tags, drop.tags = [shared], [shared, own]
    ContactFactory(site=drop, email="ann@widgets-shop.com")
    ContactFactory(site=drop, email="info@widgets-shop.com")
    for site, url in ((keep, "https://widgets.com/a"), (drop, "https://widgets.com/a"), (drop, "https://b.com/x")):
        db.session.add(SitePage(workspace_id=ws, site_id=site.id, url=url))
    SiteMetricFactory(site=keep, name="da", value=30, source="moz", measured_at=JUN)
    SiteMetricFactory(site=drop, name="da", value=25, source="moz", measured_at=JUN)  # clashes: the kept one stands
    SiteMetricFactory(site=drop, name="dr", value=40, source="ahrefs", measured_at=JAN)
    SiteMetricFactory(site=drop, name="dr", value=44, source="ahrefs", measured_at=JUN)
    db.session.add(Activity(workspace_id=ws, kind="note", summary="called them", site_id=drop.id))
    both = _add("campaign", workspace_id=ws, name="Both", kind="guest_post", status="active", currency="USD",
                description="")
    alone = _add("campaign", workspace_id=ws, name="Only the dropped site", kind="guest_post", status="active",
                 currency="USD", description="")
    kept_opp = _add("opportunity", workspace_id=ws, campaign_id=both, site_id=keep.id, stage="prospect", notes="")
    dropped_opp = _add("opportunity", workspace_id=ws, campaign_id=both, site_id=drop.id, stage="replied",
                       notes="They want $50.", price_cents=5000)
    _add("opportunity", workspace_id=ws, campaign_id=alone, site_id=drop.id, stage="pitched", notes="")
    task = _add("task", workspace_id=ws, title="Answer them", kind="manual", site_id=drop.id,
                opportunity_id=dropped_opp, notes="")
    link = _add("backlink", workspace_id=ws, source_url="https://widgets-shop.com/post",
                source_domain="widgets-shop.com", target_url="https://us.example/", site_id=drop.id,
                opportunity_id=dropped_opp, expected_anchor="", expected_rel="", acquisition="outreach",
                currency="USD", status="unchecked", check_count=0, score_explanation="", etag="", last_modified="")
    db.session.add(Activity(workspace_id=ws, kind="reply", summary="they replied", opportunity_id=dropped_opp))
    db.session.commit()
    return {"ws": ws, "keep": keep.id, "drop": drop.id, "both": both, "alone": alone, "kept_opp": kept_opp,
            "dropped_opp": dropped_opp, "task": task, "link": link}


def test_everything_moves_to_the_kept_site(pair):
    keep, drop = db.session.get(Site, pair["keep"]), db.session.get(Site, pair["drop"])
    moved = merging.merge(keep, drop)
    assert moved["contacts"] == 2 and moved["opportunities_folded"] == 1
    assert db.session.get(Site, pair["drop"]) is None
    keep = db.session.get(Site, pair["keep"])
    assert sorted(c.email for c in keep.contacts) == ["ann@widgets-shop.com", "info@widgets-shop.com"]
    assert sorted(p.url for p in keep.pages) == ["https://b.com/x", "https://widgets-shop.com/", "https://widgets.com/a"]
    assert sorted(t.name for t in keep.tags) == ["Only dropped", "Shared"]
    metrics = {(m.name, m.measured_at.month): m.value for m in keep.metrics}
    assert metrics == {("da", 6): 30.0, ("dr", 1): 40.0, ("dr", 6): 44.0}
    assert (keep.dr, keep.da) == (44.0, 30.0)  # newest values, from the measurements
    assert keep.status == "blocked"  # the cautious status wins
    assert keep.last_contacted_at == JUN and "From widgets-shop.com:\nOld domain." in keep.notes
    summaries = db.session.scalars(select(Activity.summary).where(Activity.site_id == keep.id)).all()
    assert "called them" in summaries and "Merged widgets-shop.com into this site" in summaries


def test_other_features_rows_follow_and_shared_campaigns_fold_into_one_opportunity(pair):
    merging.merge(db.session.get(Site, pair["keep"]), db.session.get(Site, pair["drop"]))
    opportunities = _rows("opportunity", site_id=pair["keep"])
    assert sorted(o.campaign_id for o in opportunities) == sorted([pair["both"], pair["alone"]])
    assert not _rows("opportunity", id=pair["dropped_opp"])
    (folded,) = [o for o in opportunities if o.campaign_id == pair["both"]]
    assert folded.id == pair["kept_opp"] and folded.stage == "replied"  # the further stage of the two
    assert folded.price_cents == 5000 and "From widgets-shop.com: They want $50." in folded.notes
    (task,) = _rows("task", id=pair["task"])
    assert (task.site_id, task.opportunity_id) == (pair["keep"], pair["kept_opp"])
    (link,) = _rows("backlink", id=pair["link"])
    assert (link.site_id, link.opportunity_id) == (pair["keep"], pair["kept_opp"])
    reply = db.session.scalar(select(Activity).where(Activity.summary == "they replied"))
    assert reply.opportunity_id == pair["kept_opp"]


def test_a_site_cannot_merge_into_itself_or_across_workspaces(pair):
    keep = db.session.get(Site, pair["keep"])
    with pytest.raises(merging.MergeError, match="into itself"):
        merging.merge(keep, keep)
    stranger = SiteFactory()
    with pytest.raises(merging.MergeError, match="this workspace"):
        merging.merge(keep, stranger)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Contact)) == 2
    assert db.session.scalar(select(func.count()).select_from(SiteMetric)) == 4
