"""A report you can hand to a client: the workspace's own name and logo, and internal notes only when ticked in."""

from __future__ import annotations

import io
import re
import struct
import zlib

import pytest

from crm.accounts.models import Workspace
from crm.campaigns.models import Campaign
from crm.campaigns.reporting.report import build_report
from crm.extensions import db
from crm.reports.filters import money, percent
from crm.reports.models import ShareLink
from tests.conftest import csrf_token, login

SHARE_URL = re.compile(r'value="http://localhost/share/([^"]+)"')


def png(width: int = 2, height: int = 1, padding: int = 0) -> bytes:
    """A real, decodable PNG (with a text chunk of `padding` bytes to make it as big as a test needs)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    text = chunk(b"tEXt", b"c\x00" + b"x" * padding) if padding else b""
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + text
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def upload(client, data: bytes, filename: str = "logo.png"):
    token = csrf_token(client, "/workspace/settings")
    return client.post("/workspace/logo", data={"csrf_token": token, "logo": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def share(client, campaign_id: int, **notes) -> str:
    token = csrf_token(client, f"/campaigns/{campaign_id}/report")
    data = {"csrf_token": token, "days": 7, **{key: "y" for key, on in notes.items() if on}}
    response = client.post(f"/campaigns/{campaign_id}/share-links", data=data)
    assert response.status_code == 200
    return SHARE_URL.search(response.get_data(as_text=True)).group(1)


def internal_figures(app, scenario) -> dict[str, list[str]]:
    """The internal notes' text as the report computes it from the scenario's rows."""
    with app.app_context():
        campaign = db.session.get(Campaign, scenario.campaign_id)
        report = build_report(db.session.get(Workspace, scenario.workspace_id), campaign)
        h = report.headline
        assert report.paid_risks and report.harmful and h.spend.total_cents  # the scenario has all three
        return {
            "show_costs": [f'id="figure-spent">{money(h.spend.total_cents, campaign.currency)}<',
                           f'id="figure-cost-per-link">{money(h.cost_per_live_link, campaign.currency)}<'],
            "show_reply_rates": [f'id="figure-reply-rate">{percent(h.reply_rate)}<', 'id="table-templates"',
                                 'id="table-steps"'],
            "show_risks": ['id="paid-risks"', 'id="harmful-links"', "Risks</h2>",
                           f"{len(report.paid_risks)}</span> paid link"],
        }


def test_the_share_page_carries_the_workspace_name_and_logo_not_ours(app, scenario, as_role):
    owner = as_role("owner")
    logo = png()
    assert upload(owner, logo).status_code == 302
    token = share(owner, scenario.campaign_id)
    client = app.test_client()  # the client has no account
    html = client.get(f"/share/{token}").get_data(as_text=True)
    assert 'id="share-workspace">Acme<' in html
    assert "Outreach CRM" not in html and "favicon.svg" not in html
    src = re.search(r'<img class="share-logo" src="([^"]+)"', html).group(1)
    assert src == f"/share/{token}/logo"
    image = client.get(src)
    assert image.status_code == 200 and image.data == logo and image.mimetype == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', html)  # nothing from a third party


def test_without_a_logo_the_share_page_has_only_the_name(app, scenario, as_role):
    token = share(as_role("owner"), scenario.campaign_id)
    client = app.test_client()
    html = client.get(f"/share/{token}").get_data(as_text=True)
    assert 'id="share-workspace">Acme<' in html and "share-logo" not in html
    assert client.get(f"/share/{token}/logo").status_code == 404


def test_internal_notes_are_left_out_by_default(app, scenario, as_role):
    figures = internal_figures(app, scenario)
    owner = as_role("owner")
    in_app = owner.get(f"/campaigns/{scenario.campaign_id}/report").get_data(as_text=True)
    for texts in figures.values():
        for text in texts:
            assert text in in_app  # the marketer sees every note
    token = share(owner, scenario.campaign_id)
    html = app.test_client().get(f"/share/{token}").get_data(as_text=True)
    assert re.search(r'id="figure-live-links">\s*4\s*<', html)  # the client's figures stay
    for texts in figures.values():
        for text in texts:
            assert text not in html
    assert "Reply rate" not in html and "Spent" not in html and "Cost per" not in html
    with app.app_context():
        row = db.session.scalars(db.select(ShareLink)).one()
        assert (row.show_risks, row.show_costs, row.show_reply_rates) == (False, False, False)


@pytest.mark.parametrize("ticked", ["show_risks", "show_costs", "show_reply_rates"])
def test_each_note_ticked_in_appears_and_only_it(app, scenario, as_role, ticked):
    figures = internal_figures(app, scenario)
    token = share(as_role("owner"), scenario.campaign_id, **{ticked: True})
    html = app.test_client().get(f"/share/{token}").get_data(as_text=True)
    for note, texts in figures.items():
        for text in texts:
            assert (text in html) == (note == ticked), (note, text)


def test_an_admin_changes_the_notes_of_an_existing_link(app, scenario, as_role):
    figures = internal_figures(app, scenario)
    admin = as_role("admin")
    token = share(admin, scenario.campaign_id)
    with app.app_context():
        link_id = db.session.scalars(db.select(ShareLink.id)).one()
    page = f"/campaigns/{scenario.campaign_id}/report"
    response = admin.post(f"/share-links/{link_id}/notes", data={"csrf_token": csrf_token(admin, page),
                                                                 "show_costs": "y"})
    assert response.status_code == 302
    html = app.test_client().get(f"/share/{token}").get_data(as_text=True)
    assert all(text in html for text in figures["show_costs"])
    assert not any(text in html for text in figures["show_risks"] + figures["show_reply_rates"])
    member = as_role("member")
    assert member.post(f"/share-links/{link_id}/notes",
                       data={"csrf_token": csrf_token(member, page), "show_risks": "y"}).status_code == 403
    with app.app_context():
        assert db.session.scalars(db.select(ShareLink.show_risks)).one() is False


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg", "SVG logos are not"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "logo.png", "SVG logos are not"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR<html><script>alert(1)</script></html>", "logo.png", "contains markup"),
    (b"<!doctype html><html><body>hi</body></html>", "logo.png", "not a PNG, JPEG or WebP"),
    (b"GIF89a\x01\x00\x01\x00", "logo.gif", "not a PNG, JPEG or WebP"),
    (png(padding=200 * 1024), "big.png", "the limit is 200 KB"),
    (b"", "empty.png", "Choose an image file"),
])
def test_hostile_logos_are_refused_with_a_reason(app, team, as_role, data, filename, message):
    owner = as_role("owner")
    response = upload(owner, data, filename)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        workspace = db.session.get(Workspace, team.workspace_id)
        assert workspace.logo is None and workspace.logo_type == ""
    assert owner.get("/workspace/logo").status_code == 404


def test_a_logo_just_under_the_limit_is_taken(app, team, as_role):
    data = png(padding=200 * 1024 - 200)
    assert len(data) <= 200 * 1024
    owner = as_role("owner")
    assert upload(owner, data).status_code == 302
    assert owner.get("/workspace/logo").data == data


def test_only_admins_and_owners_set_the_logo_and_another_workspace_never_touches_it(app, team, as_role):
    for role in ("viewer", "member"):
        client = as_role(role)
        token = csrf_token(client, "/workspace/settings")
        response = client.post("/workspace/logo", data={"csrf_token": token, "logo": (io.BytesIO(png()), "a.png")},
                               content_type="multipart/form-data")
        assert response.status_code == 403
    admin = as_role("admin")
    assert upload(admin, png()).status_code == 302
    # Rival's owner uploads and reads their own logo; Acme's stays as it was and is never served to them.
    rival = app.test_client()
    login(rival, "owner@rival.example")
    assert rival.get("/workspace/logo").status_code == 404
    theirs = png(width=3)
    assert upload(rival, theirs).status_code == 302
    assert rival.get("/workspace/logo").data == theirs
    assert admin.get("/workspace/logo").data == png()
    # Removing needs an admin too, and removes only this workspace's logo.
    viewer = as_role("viewer")
    assert viewer.post("/workspace/logo/remove",
                       data={"csrf_token": csrf_token(viewer, "/workspace/settings")}).status_code == 403
    assert admin.post("/workspace/logo/remove",
                      data={"csrf_token": csrf_token(admin, "/workspace/settings")}).status_code == 302
    assert admin.get("/workspace/logo").status_code == 404 and rival.get("/workspace/logo").data == theirs


def test_a_revoked_link_no_longer_serves_the_logo(app, scenario, as_role):
    owner = as_role("owner")
    upload(owner, png())
    token = share(owner, scenario.campaign_id)
    assert app.test_client().get(f"/share/{token}/logo").status_code == 200
    with app.app_context():
        row = db.session.scalars(db.select(ShareLink)).one()
        row.revoked_at = row.created_at
        db.session.commit()
    assert app.test_client().get(f"/share/{token}/logo").status_code == 404
    assert app.test_client().get("/share/forged.token/logo").status_code == 404
