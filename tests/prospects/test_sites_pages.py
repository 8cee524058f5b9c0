"""The sites list and bulk actions in the browser's terms: what each role sees and may change."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, insert, select

from crm.extensions import db
from crm.prospects.models import Site, Tag
from crm.timeline import Activity
from tests.conftest import csrf_token
from tests.prospects.factories import SiteFactory, TagFactory


@pytest.fixture
def sites(app, team):
    with app.app_context():
        made = [SiteFactory(workspace_id=team.workspace_id, domain=f"site{i:02d}.com", dr=i) for i in range(60)]
        SiteFactory(workspace_id=team.rival_workspace_id, domain="rival-only.com", dr=99)
        return [s.id for s in made]


def _listed(html: str) -> list[str]:
    return re.findall(r'<a href="/sites/\d+">([^<]+)</a>', html)


def test_list_pages_filters_and_sorts(as_role, sites):
    client = as_role("viewer")
    html = client.get("/sites").get_data(as_text=True)
    assert _listed(html)[:3] == ["site59.com", "site58.com", "site57.com"] and len(_listed(html)) == 50
    assert "60 in all" in html and "rival-only.com" not in html
    assert _listed(client.get("/sites?page=2").get_data(as_text=True)) == [f"site{i:02d}.com" for i in range(9, -1, -1)]
    assert _listed(client.get("/sites?dr_min=10&dr_max=12&dir=asc").get_data(as_text=True)) == [
        "site10.com", "site11.com", "site12.com"]
    html = client.get("/sites?q=site0&sort=domain").get_data(as_text=True)
    assert _listed(html)[0] == "site00.com" and "10 match" in html
    assert "Minimum DR must be a number" in client.get("/sites?dr_min=x").get_data(as_text=True)


def test_viewers_see_no_bulk_controls_and_cannot_post_them(as_role, sites):
    client = as_role("viewer")
    html = client.get("/sites").get_data(as_text=True)
    assert 'name="site_ids"' not in html and "Import" not in re.sub(r"<title>.*?</title>", "", html)
    token = csrf_token(client, "/sites")
    response = client.post("/sites/bulk", data={"csrf_token": token, "action": "status", "status": "blocked",
                                                "site_ids": sites[:3]})
    assert response.status_code == 403
    assert client.get("/sites/import").status_code == 403
    assert client.post(f"/sites/{sites[0]}/edit", data={"csrf_token": token, "status": "blocked"}).status_code == 403


def _bulk(client, **data):
    data.setdefault("csrf_token", csrf_token(client, "/sites"))
    return client.post("/sites/bulk", data=data)


def test_bulk_tag_untag_owner_and_status(app, as_role, team, sites):
    client = as_role("member")
    response = _bulk(client, action="tag", tag="Gardening", site_ids=sites[:3])
    assert response.status_code == 302
    with app.app_context():
        tagged = db.session.scalar(select(Tag).where(Tag.name == "Gardening"))
        assert sorted(s.id for s in tagged.sites) == sites[:3]
    html = client.get(response.location).get_data(as_text=True)
    assert "Add a tag: done for 3 site(s)." in html
    _bulk(client, action="untag", tag="gardening", site_ids=sites[:2])
    _bulk(client, action="owner", owner=str(team.user_ids["member"]), site_ids=sites[:2])
    _bulk(client, action="status", status="do_not_contact", site_ids=sites[1:3])
    with app.app_context():
        rows = {s.id: s for s in db.session.scalars(select(Site).where(Site.id.in_(sites[:4])))}
        assert [len(rows[i].tags) for i in sites[:4]] == [0, 0, 1, 0]
        assert [rows[i].owner_id for i in sites[:4]] == [team.user_ids["member"]] * 2 + [None, None]
        assert [rows[i].status for i in sites[:4]] == ["active", "do_not_contact", "do_not_contact", "active"]
        timeline = db.session.scalars(select(Activity.summary).where(Activity.site_id == sites[1])).all()
        assert "Status set to Do not contact (bulk action)" in timeline


def test_bulk_on_everything_the_filters_match(app, as_role, sites):
    client = as_role("member")
    _bulk(client, action="status", status="blocked", scope="all", query="dr_min=50")
    with app.app_context():
        blocked = db.session.scalar(select(func.count()).where(Site.status == "blocked"))
        assert blocked == 10


def test_bulk_is_all_or_nothing(app, as_role, team, sites):
    client = as_role("member")
    with app.app_context():
        foreign = SiteFactory(workspace_id=team.rival_workspace_id).id
    response = _bulk(client, action="status", status="blocked", site_ids=[*sites[:3], foreign])
    assert "no longer exist" in client.get(response.location).get_data(as_text=True)
    html = client.get(_bulk(client, action="owner", owner="999999", site_ids=sites[:3]).location).get_data(as_text=True)
    assert "Choose an owner from this workspace. Nothing was changed." in html
    _bulk(client, action="status", status="nonsense", site_ids=sites[:3])
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Site.status != "active")) == 0
        assert db.session.scalar(select(func.count()).where(Site.owner_id.is_not(None))) == 0


def test_export_selected_sites(as_role, sites):
    client = as_role("member")
    response = _bulk(client, do="export", site_ids=sites[:2])
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Domain,Name,Homepage,Status") and [line.split(",")[0] for line in lines[1:]] == [
        "site00.com", "site01.com"]


def test_export_follows_the_filters_and_viewers_may_export(as_role, sites):
    response = as_role("viewer").get("/sites/export?dr_min=55&sort=domain")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="sites-')
    rows = response.get_data(as_text=True).lstrip("\ufeff").splitlines()[1:]
    assert [r.split(",")[0] for r in rows] == [f"site{i}.com" for i in range(55, 60)]
    assert rows[0].split(",")[6] == "55"  # DR as the tools write it, not 55.0


def test_add_to_campaign_appears_only_when_campaigns_take_sites(app, as_role, team, sites):
    html = as_role("member").get("/sites").get_data(as_text=True)
    if "campaigns.add_sites" not in app.view_functions:
        assert "Add to campaign" not in html

        def add_sites():
            return "added"

        app.add_url_rule("/campaigns/add-sites", "campaigns.add_sites", add_sites, methods=["POST"])
    with app.app_context():
        table = db.metadata.tables["campaign"]
        db.session.execute(insert(table).values(workspace_id=team.workspace_id, name="Spring guest posts",
                                                kind="guest_post", status="active", currency="USD", description="",
                                                created_at=func.now(), updated_at=func.now()))
        db.session.execute(insert(table).values(workspace_id=team.rival_workspace_id, name="Rival campaign",
                                                kind="guest_post", status="active", currency="USD", description="",
                                                created_at=func.now(), updated_at=func.now()))
        db.session.commit()
    html = as_role("member").get("/sites").get_data(as_text=True)
    assert 'formaction="/campaigns/add-sites"' in html and "Spring guest posts" in html
    assert "Rival campaign" not in html and 'name="campaign_id"' in html and 'name="next"' in html


def test_adding_a_site_by_hand_folds_subdomains(app, as_role, team):
    client = as_role("member")
    token = csrf_token(client, "/sites")
    response = client.post("/sites/new", data={"csrf_token": token, "domain": "https://blog.Example.co.uk/post"})
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert "<h1" in html and "example.co.uk" in html
    again = client.post("/sites/new", data={"csrf_token": token, "domain": "www.example.co.uk"})
    assert "example.co.uk is already in your list." in client.get(again.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Site)) == 1


def test_empty_list_says_what_to_do(as_role, team):
    html = as_role("member").get("/sites").get_data(as_text=True)
    assert "No sites yet" in html and 'href="/sites/import"' in html
    assert "No sites match" in as_role("member").get("/sites?q=zzz").get_data(as_text=True)


def test_tag_links_filter_the_list(app, as_role, team, sites):
    with app.app_context():
        tag = TagFactory(workspace_id=team.workspace_id, name="News")
        site = db.session.get(Site, sites[5])
        site.tags.append(tag)
        db.session.commit()
        tag_id = tag.id
    html = as_role("viewer").get(f"/sites?tag={tag_id}").get_data(as_text=True)
    assert _listed(html) == ["site05.com"] and ">News</a>" in html
