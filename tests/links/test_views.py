"""The backlink pages as people use them: add, import, verify now, list, filter, export, alerts, roles."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from crm.campaigns.models import Campaign
from crm.extensions import db
from crm.links.models import Backlink, LinkAlert
from crm.prospects.models import Site
from tests.conftest import csrf_token
from tests.links.factories import BacklinkFactory, LinkAlertFactory
from tests.web.test_security import INLINE_HANDLER, INLINE_SCRIPT, STYLE_ATTRIBUTE


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Backlink))


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _visible(response) -> str:
    """The words on the page, without markup."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.get_data(as_text=True)))


def test_empty_list_says_what_to_do_and_viewers_get_no_add_button(as_role):
    member = _text(as_role("member").get("/backlinks"))
    assert "No backlinks yet" in member and "Add your first backlink" in member
    viewer = _text(as_role("viewer").get("/backlinks"))
    assert "No backlinks yet" in viewer and "Add your first backlink" not in viewer and "Import" not in viewer


def test_viewers_cannot_add_import_verify_delete_or_mark_read(app, team, as_role):
    with app.app_context():
        backlink = BacklinkFactory(workspace_id=team.workspace_id)
        alert = LinkAlertFactory(backlink=backlink)
        ids = backlink.id, alert.id
    client = as_role("viewer")
    token = csrf_token(client, "/backlinks")
    assert client.get("/backlinks/new").status_code == 403
    assert client.get("/backlinks/import").status_code == 403
    for url in ("/backlinks/new", "/backlinks/import", "/backlinks/verify", f"/backlinks/{ids[0]}/verify",
                f"/backlinks/{ids[0]}/delete", f"/backlinks/{ids[0]}/edit", f"/backlinks/alerts/{ids[1]}/read",
                "/backlinks/alerts/read-all"):
        response = client.post(url, data={"csrf_token": token, "source_url": "https://a.example/",
                                          "target_url": "https://b.example/", "ids": [str(ids[0])]})
        assert response.status_code == 403, url
    page = _text(client.get(f"/backlinks/{ids[0]}"))
    assert "Verify now" not in page and "Edit" not in page
    with app.app_context():
        assert db.session.get(Backlink, ids[0]).check_count == 0
        assert db.session.get(LinkAlert, ids[1]).read_at is None
    assert _count(app) == 1


def test_member_adds_a_backlink_by_hand_and_it_finds_its_site(app, team, as_role):
    with app.app_context():
        site = Site(workspace_id=team.workspace_id, domain="example.org", dr=40)
        campaign = Campaign(workspace_id=team.workspace_id, name="Spring guest posts")
        db.session.add_all([site, campaign])
        db.session.commit()
        site_id, campaign_id = site.id, campaign.id
    client = as_role("member")
    response = client.post("/backlinks/new", data={
        "csrf_token": csrf_token(client, "/backlinks/new"), "source_url": "blog.example.org/2025/shoes/",
        "target_url": "https://www.our-shop.com/running-shoes/", "expected_anchor": "running shoes",
        "expected_rel": "follow", "acquisition": "paid", "self_kind": "", "cost": "150.50", "currency": "eur",
        "placed_on": "2026-01-15", "campaign_id": str(campaign_id)})
    assert response.status_code == 302
    with app.app_context():
        backlink = db.session.scalar(select(Backlink))
        assert (backlink.source_url, backlink.source_domain, backlink.site_id) == (
            "https://blog.example.org/2025/shoes/", "example.org", site_id)
        assert (backlink.acquisition, backlink.cost_cents, backlink.currency, backlink.campaign_id) == (
            "paid", 15050, "EUR", campaign_id)
        assert backlink.status == "unchecked" and backlink.next_check_at is not None
    page = _text(client.get(response.headers["Location"]))
    assert "Not checked yet" in page and "150.50 EUR" in page and "Spring guest posts" in page


def test_adding_a_bad_or_duplicate_backlink_shows_why_and_adds_nothing(app, team, as_role):
    client = as_role("member")
    token = csrf_token(client, "/backlinks/new")
    data = {"csrf_token": token, "source_url": "ftp://files.example/x", "target_url": "https://www.our-shop.com/",
            "acquisition": "outreach", "expected_rel": "", "self_kind": "", "campaign_id": "0"}
    page = _text(client.post("/backlinks/new", data=data))
    assert "is not a web address" in page and _count(app) == 0
    data["source_url"] = "https://blog.example.org/a/"
    assert client.post("/backlinks/new", data=data).status_code == 302
    page = _text(client.post("/backlinks/new", data=data))
    assert "is already tracked" in page and _count(app) == 1


def test_import_of_pasted_links_is_all_or_nothing(app, team, as_role):
    client = as_role("member")
    token = csrf_token(client, "/backlinks/import")
    bad = "https://a.example.org/1 https://www.our-shop.com/\nhttps://a.example.org/2 mailto:x@y.com\nnonsense\n"
    page = _text(client.post("/backlinks/import", data={"csrf_token": token, "pasted": bad,
                                                         "acquisition": "outreach", "campaign_id": "0"}))
    assert "Nothing was imported." in page and "Line 2: the target page" in page and "Line 3:" in page
    assert _count(app) == 0
    good = "https://a.example.org/1 https://www.our-shop.com/\nhttps://a.example.org/2,https://www.our-shop.com/x\n"
    response = client.post("/backlinks/import", data={"csrf_token": token, "pasted": good,
                                                      "acquisition": "natural", "campaign_id": "0"})
    assert response.status_code == 302 and _count(app) == 2
    again = client.post("/backlinks/import", data={"csrf_token": token, "pasted": good, "acquisition": "natural",
                                                   "campaign_id": "0"}, follow_redirects=True)
    assert "0 backlink(s) added, 2 already tracked" in _text(again) and _count(app) == 2


def test_csv_import_rejects_bad_rows_clearly_and_adds_the_good_file_whole(app, team, as_role):
    client = as_role("member")
    token = csrf_token(client, "/backlinks/import")
    bad = (b"source_url,target_url,expected_anchor,acquisition,cost\n"
           b"https://a.example.org/1,https://www.our-shop.com/,shoes,paid,100\n"
           b"https://a.example.org/2,https://www.our-shop.com/,shoes,gift,100\n"
           b"https://a.example.org/3,https://www.our-shop.com/,shoes,paid,lots\n")
    page = _text(client.post("/backlinks/import", data={
        "csrf_token": token, "acquisition": "outreach", "campaign_id": "0",
        "file": (io.BytesIO(bad), "links.csv")}, content_type="multipart/form-data"))
    assert "Fix these 2 problems" in page
    assert "Line 3: acquisition &#39;gift&#39; is not one of" in page and "Line 4: cost &#39;lots&#39;" in page
    assert _count(app) == 0
    good = bad.replace(b",gift,", b",forum,").replace(b",lots", b",20.5")
    response = client.post("/backlinks/import", data={
        "csrf_token": token, "acquisition": "outreach", "campaign_id": "0",
        "file": (io.BytesIO(good), "links.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302 and _count(app) == 3
    with app.app_context():
        forum = db.session.scalar(select(Backlink).where(Backlink.source_url == "https://a.example.org/2"))
        assert (forum.acquisition, forum.self_kind, forum.cost_cents) == ("self_created", "forum", 10000)


def test_verify_now_shows_status_evidence_and_score(farm, farm_app, team, as_role):
    with farm_app.app_context():
        backlink_id = BacklinkFactory(workspace_id=team.workspace_id, source_url=farm.ip_url("/sponsored"),
                                      target_url=farm.target_ip, expected_rel="follow").id
    client = as_role("member")
    response = client.post(f"/backlinks/{backlink_id}/verify", data={"csrf_token": csrf_token(client, "/backlinks")})
    assert response.status_code == 302
    page = _text(client.get(response.headers["Location"]))
    assert "Live, nofollow" in page
    assert "The link is marked rel=&#34;sponsored&#34; (a paid link hint)." in page
    assert "The link&#39;s rel attribute differs from what was agreed." in page
    assert "Good shoes help: see best running shoes before you start." in page  # the snippet
    assert "in the article text" in page and "noopener sponsored" in page
    assert re.search(r"How the last check's score of \d+ adds up", page)
    for component in ("Authority", "Relevance", "Follow", "Placement", "Outbound", "Popularity", "Trust"):
        assert f"<td>{component}</td>" in page
    assert "Topics the linking page shares with our page:" in page


def test_verify_many_shows_a_finished_run_with_results(farm, farm_app, team, as_role):
    with farm_app.app_context():
        ids = [BacklinkFactory(workspace_id=team.workspace_id, source_url=farm.ip_url(p),
                               target_url=farm.target_ip).id for p in ("/live", "/missing", "/forbidden")]
    client = as_role("member")
    response = client.post("/backlinks/verify", data={"csrf_token": csrf_token(client, "/backlinks"),
                                                      "ids": [str(i) for i in ids]})
    assert response.status_code == 302 and "/backlinks/runs/" in response.headers["Location"]
    page = _text(client.get(response.headers["Location"]))
    assert "Done: 3 backlink(s) checked." in page and 'value="3"' in page
    assert "1 live · 0 changed · 0 awaiting confirmation · 1 could not be checked" in page
    assert "Missing" in page and "Could not check" in page
    progress = client.get(response.headers["Location"] + "/progress")
    assert progress.headers["HX-Refresh"] == "true" and "hx-get" not in progress.get_data(as_text=True)


def test_an_unfinished_run_polls_its_progress(app, team, as_role):
    from tests.links.factories import LinkVerifyRunFactory

    with app.app_context():
        run = LinkVerifyRunFactory(workspace_id=team.workspace_id, total=4, done=1, state="running")
        run_id = run.id
    client = as_role("viewer")
    html = client.get(f"/backlinks/runs/{run_id}/progress").get_data(as_text=True)
    assert f'hx-get="/backlinks/runs/{run_id}/progress"' in html and 'hx-trigger="every 1s"' in html
    assert "Checking backlinks: 1 of 4 done" in html and 'max="4" value="1"' in html


def test_list_filters_paginates_and_exports_spreadsheet_safe_csv(app, team, as_role):
    with app.app_context():
        campaign = Campaign(workspace_id=team.workspace_id, name="Digital PR")
        db.session.add(campaign)
        db.session.commit()
        campaign_id = campaign.id
        BacklinkFactory(workspace_id=team.workspace_id, source_url="https://news.example.com/story",
                        source_domain="example.com", status="live", score=71, campaign_id=campaign.id,
                        expected_anchor="=HYPERLINK(\"http://evil\")")
        BacklinkFactory(workspace_id=team.workspace_id, source_url="https://forum.other.net/t/9",
                        source_domain="other.net", status="missing", pending_status=None)
        BacklinkFactory(workspace_id=team.workspace_id, source_url="https://blog.third.io/p", status="live",
                        source_domain="third.io", pending_status="missing")
        BacklinkFactory(workspace_id=team.rival_workspace_id, source_url="https://secret.rival.com/x")
    client = as_role("viewer")
    everything = _text(client.get("/backlinks"))
    assert "news.example.com/story" in everything and "secret.rival.com" not in everything
    assert "awaiting confirmation: missing" in everything
    live = _text(client.get("/backlinks?status=live"))
    assert "news.example.com" in live and "forum.other.net" not in live
    assert "blog.third.io" in _text(client.get("/backlinks?status=pending"))
    assert "blog.third.io" not in _text(client.get(f"/backlinks?campaign={campaign_id}"))
    assert "forum.other.net" in _text(client.get("/backlinks?site=other.net"))
    assert "forum.other.net" in _text(client.get("/backlinks?q=forum"))
    assert "news.example.com" not in _text(client.get("/backlinks?q=forum"))
    csv_text = client.get("/backlinks/export.csv?status=live&sort=score").get_data(as_text=True)
    rows = csv_text.lstrip("\ufeff").splitlines()
    assert rows[0].startswith("id,source_url,target_url,status")
    assert len(rows) == 3 and "https://news.example.com/story" in rows[1] and "Digital PR" in rows[1]
    assert "'=HYPERLINK" in rows[1] and "secret.rival.com" not in csv_text


def test_list_pages_fifty_at_a_time(app, team, as_role):
    with app.app_context():
        for n in range(55):
            BacklinkFactory(workspace_id=team.workspace_id, source_url=f"https://site{n:02d}.example.org/p")
    client = as_role("viewer")
    first, second = _text(client.get("/backlinks")), _text(client.get("/backlinks?page=2"))
    assert "55 in all" in first and first.count("js-select-one") == 0  # viewers get no checkboxes
    assert "site54.example.org" in first and "site00.example.org" in second and "site54" not in second


def test_alerts_panel_marks_read_one_and_all(app, team, as_role):
    with app.app_context():
        backlink = BacklinkFactory(workspace_id=team.workspace_id)
        first, second = LinkAlertFactory(backlink=backlink), LinkAlertFactory(backlink=backlink, kind="noindex")
        ids = first.id, second.id
    client = as_role("member")
    assert "Alerts 2 unread" in _visible(client.get("/backlinks"))
    page = _text(client.get("/backlinks/alerts"))
    assert "Link removed" in page and "Page no longer indexable" in page and page.count("Mark read") == 2
    token = csrf_token(client, "/backlinks/alerts")
    client.post(f"/backlinks/alerts/{ids[0]}/read", data={"csrf_token": token, "next": "/backlinks/alerts"})
    assert _text(client.get("/backlinks/alerts")).count("Mark read") == 1
    assert "Show unread (1)" in _text(client.get("/backlinks/alerts"))
    client.post("/backlinks/alerts/read-all", data={"csrf_token": token})
    assert "Mark read" not in _text(client.get("/backlinks/alerts"))


def test_edit_and_delete(app, team, as_role):
    with app.app_context():
        backlink_id = BacklinkFactory(workspace_id=team.workspace_id, cost_cents=5000).id
    client = as_role("member")
    form = client.get(f"/backlinks/{backlink_id}/edit").get_data(as_text=True)
    assert 'value="50.00"' in form
    token = csrf_token(client, f"/backlinks/{backlink_id}/edit")
    response = client.post(f"/backlinks/{backlink_id}/edit", data={
        "csrf_token": token, "source_url": "https://blog.example.org/moved/", "target_url": "https://www.our-shop.com/",
        "acquisition": "self_created", "self_kind": "press_release", "expected_rel": "", "cost": "",
        "currency": "USD", "campaign_id": "0"})
    assert response.status_code == 302
    with app.app_context():
        backlink = db.session.get(Backlink, backlink_id)
        assert (backlink.source_url, backlink.self_kind, backlink.cost_cents) == (
            "https://blog.example.org/moved/", "press_release", None)
    client.post(f"/backlinks/{backlink_id}/delete", data={"csrf_token": token})
    assert _count(app) == 0


@pytest.mark.parametrize("path", ["/backlinks", "/backlinks/new", "/backlinks/import", "/backlinks/alerts"])
def test_pages_carry_no_inline_script_or_style(as_role, path):
    html = as_role("owner").get(path).get_data(as_text=True)
    assert not INLINE_SCRIPT.search(html) and not INLINE_HANDLER.search(html) and not STYLE_ATTRIBUTE.search(html)
    assert "placeholder" not in html.lower()


def test_the_backlink_form_ties_a_link_to_the_card_that_won_it(app, team, as_role):
    from tests.accounts.factories import WorkspaceFactory
    from tests.campaigns.factories import CampaignFactory, OpportunityFactory

    with app.app_context():
        won = OpportunityFactory(workspace_id=team.workspace_id, stage="won", site__domain="quietpedals.com",
                                 campaign__name="Spring guest posts")
        pitched = OpportunityFactory(workspace_id=team.workspace_id, stage="pitched", site__domain="coldlead.net")
        other_campaign = CampaignFactory(workspace_id=team.workspace_id, name="Autumn PR")
        theirs = OpportunityFactory(workspace_id=WorkspaceFactory().id, stage="won", site__domain="theirs.org")
        db.session.commit()
        ids = won.id, won.campaign_id, pitched.id, other_campaign.id, theirs.id
    client = as_role("member")
    form = _text(client.get("/backlinks/new"))
    assert '<optgroup label="Spring guest posts">' in form and "quietpedals.com (won)" in form
    assert "coldlead.net" not in form and "theirs.org" not in form  # not a won card; not this workspace's
    data = {"csrf_token": csrf_token(client, "/backlinks/new"), "source_url": "https://quietpedals.com/post/",
            "target_url": "https://www.our-shop.com/guide/", "acquisition": "outreach", "expected_rel": "",
            "self_kind": "", "campaign_id": "0"}
    for opportunity, campaign, why in ((ids[4], 0, "does not exist in this workspace"),
                                       (ids[0], ids[3], "belongs to another campaign")):
        page = _text(client.post("/backlinks/new", data={**data, "opportunity_id": str(opportunity),
                                                         "campaign_id": str(campaign)}))
        assert why in page
    assert _count(app) == 0
    response = client.post("/backlinks/new", data={**data, "opportunity_id": str(ids[0])})
    assert response.status_code == 302
    with app.app_context():
        link = db.session.scalar(select(Backlink))
        assert (link.opportunity_id, link.campaign_id) == (ids[0], ids[1])  # the card brings its campaign
        link_id = link.id
    edit = f"/backlinks/{link_id}/edit"
    chosen = re.findall(r"<option([^>]*)>", _text(client.get(edit)))
    assert [o for o in chosen if "selected" in o and f'value="{ids[0]}"' in o]  # the edit form shows its card
    response = client.post(edit, data={**data, "csrf_token": csrf_token(client, edit),
                                       "campaign_id": str(ids[1]), "opportunity_id": "0"})
    assert response.status_code == 302
    with app.app_context():
        link = db.session.get(Backlink, link_id)
        assert (link.opportunity_id, link.campaign_id) == (None, ids[1])  # untied from the card, still in campaign
