"""The audit trail: each recorded kind through its real endpoint, owners-only page, append-only, pruning, export."""

from __future__ import annotations

import json
import re
import shutil
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from crm import create_app
from crm.accounts import audit
from crm.accounts.audit_models import AppendOnlyError, AuditEvent
from crm.accounts.models import Invitation, Membership
from crm.db import utcnow
from crm.extensions import db
from crm.ops import tasks
from crm.outreach.models import Suppression
from crm.reports.models import ShareLink
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory
from tests.campaigns.factories import CampaignFactory
from tests.conftest import app_settings, csrf_token, login
from tests.outreach.factories import SenderFactory

pytestmark = pytest.mark.both_databases
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AuditTest/1.0"
WHERE = "198.51.100.7"


def _events(app, workspace_id, action=None) -> list[AuditEvent]:
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        query = query.where(AuditEvent.workspace_id == workspace_id if workspace_id is not None
                            else AuditEvent.workspace_id.is_(None))
        rows = db.session.scalars(query.where(AuditEvent.action == action) if action else query).all()
        db.session.expunge_all()
        return rows


def _client(app):
    """A client coming from a fixed address with a recognisable browser."""
    client = app.test_client()
    # A forged X-Forwarded-For is ignored: no proxy is trusted by default.
    client.environ_base.update(REMOTE_ADDR=WHERE, HTTP_USER_AGENT=BROWSER, HTTP_X_FORWARDED_FOR="203.0.113.99")
    return client


def _post(client, url: str, page: str, follow_redirects: bool = False, **data):
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data}, follow_redirects=follow_redirects)


def test_sign_ins_failures_and_sign_outs_say_who_when_and_from_where(app, team, backend):
    before = utcnow()
    owner = _client(app)
    assert login(owner, team.emails["owner"]).status_code == 302
    [signed_in] = _events(app, team.workspace_id, "sign_in")
    assert (signed_in.actor_id, signed_in.actor_email) == (team.user_ids["owner"], "owner@acme.example")
    assert (signed_in.ip, signed_in.user_agent) == (WHERE, BROWSER)
    assert before <= signed_in.at <= utcnow() and signed_in.at.utcoffset() == timedelta(0)
    assert not _events(app, team.rival_workspace_id, "sign_in"), "Rival's owners never see Acme's people"

    stranger = _client(app)
    login(stranger, "member@acme.example", "not the password")
    login(stranger, "nobody@nowhere.example", "whatever-it-is")
    [failed] = _events(app, team.workspace_id, "sign_in_failed")
    assert failed.detail == {"email": "member@acme.example", "reason": "wrong email or password"}
    assert (failed.actor_email, failed.ip) == ("member@acme.example", WHERE)
    assert "not the password" not in json.dumps(failed.detail)
    [unknown] = _events(app, None, "sign_in_failed")
    assert unknown.detail["email"] == "nobody@nowhere.example" and unknown.actor_id is None

    _post(owner, "/logout", "/")
    [out] = _events(app, team.workspace_id, "sign_out")
    assert out.actor_email == "owner@acme.example"


def test_many_failures_keep_being_recorded_once_sign_in_is_paused(app, team, backend):
    client = _client(app)
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] + 1):
        login(client, "viewer@acme.example", "wrong password here")
    reasons = [e.detail["reason"] for e in _events(app, team.workspace_id, "sign_in_failed")]
    assert reasons[-1] == "too many failures" and reasons.count("wrong email or password") == 5


def test_behind_a_trusted_proxy_the_address_is_the_forwarded_one(tmp_path, migrated_sqlite):
    path = tmp_path / "proxied.db"
    shutil.copyfile(migrated_sqlite, path)
    behind = create_app(app_settings(tmp_path / "p", f"sqlite:///{path}", PROXY_COUNT=1))
    with behind.app_context():
        workspace_id = MembershipFactory(user=UserFactory(email="p@acme.example"), workspace=WorkspaceFactory(),
                                         role="owner").workspace_id
    client = behind.test_client()
    client.environ_base.update(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert login(client, "p@acme.example").status_code == 302
    assert [e.ip for e in _events(behind, workspace_id, "sign_in")] == ["203.0.113.50"]
    with behind.app_context():
        db.engine.dispose()


def test_role_membership_and_invitation_changes(app, team, as_role, backend):
    owner = as_role("owner")
    with app.app_context():
        ids = {m.user.email: m.id for m in db.session.scalars(select(Membership))}
    _post(owner, f"/workspace/members/{ids['member@acme.example']}/role", "/workspace/settings", role="admin")
    _post(owner, f"/workspace/members/{ids['viewer@acme.example']}/remove", "/workspace/settings")
    [changed] = _events(app, team.workspace_id, "member_role_changed")
    assert changed.detail == {"member": "member@acme.example", "from": "member", "to": "admin"}
    assert changed.actor_email == "owner@acme.example"
    [removed] = _events(app, team.workspace_id, "member_removed")
    assert removed.detail == {"member": "viewer@acme.example", "role": "viewer"}

    page = _post(owner, "/workspace/invitations", "/workspace/settings", email="New@Person.example",
                 role="member", follow_redirects=True)
    link = re.search(r"http://localhost(/invitations/[\w-]+)", page.get_data(as_text=True)).group(1)
    _post(owner, "/workspace/invitations", "/workspace/settings", email="later@person.example", role="viewer")
    [sent, later] = _events(app, team.workspace_id, "invitation_sent")
    assert sent.detail == {"email": "new@person.example", "role": "member"}
    assert later.actor_email == team.emails["owner"]
    with app.app_context():
        later_id = db.session.scalar(select(Invitation.id).where(Invitation.email == "later@person.example"))
    _post(owner, f"/workspace/invitations/{later_id}/revoke", "/workspace/settings")
    assert _events(app, team.workspace_id, "invitation_revoked")[0].detail["email"] == "later@person.example"

    newcomer = _client(app)
    accepted = _post(newcomer, link, link, name="New Person", password=PASSWORD, confirm=PASSWORD)
    assert accepted.status_code == 302, accepted.get_data(as_text=True)
    [joined] = _events(app, team.workspace_id, "invitation_accepted")
    assert (joined.actor_email, joined.ip, joined.detail["role"]) == ("new@person.example", WHERE, "member")


def test_share_links_exports_suppressions_and_senders(app, team, as_role, backend):
    admin, member = as_role("admin"), as_role("member")
    with app.app_context():
        campaign_id = CampaignFactory(workspace_id=team.workspace_id).id
        sender_id = SenderFactory(workspace_id=team.workspace_id, from_email="sam@agency.example").id
    made = _post(admin, f"/campaigns/{campaign_id}/share-links", f"/campaigns/{campaign_id}/report", days=7)
    assert made.status_code == 200
    [created] = _events(app, team.workspace_id, "share_link_created")
    assert created.detail == {"campaign_id": campaign_id, "days": 7, "show_risks": False, "show_costs": False,
                              "show_reply_rates": False} and created.actor_email == "admin@acme.example"
    with app.app_context():
        link_id = db.session.scalar(select(ShareLink.id))
    _post(admin, f"/share-links/{link_id}/revoke", "/")
    assert _events(app, team.workspace_id, "share_link_revoked")[0].detail == {"campaign_id": campaign_id}

    viewer = as_role("viewer")
    report_csv = f"/campaigns/{campaign_id}/report/funnel.csv"
    for url in ("/sites/export", "/backlinks/export.csv", "/reports.csv", report_csv):
        assert viewer.get(url).status_code == 200, url
    files = [e.detail["file"] for e in _events(app, team.workspace_id, "export")]
    assert files[0].startswith("sites-") and files[1:3] == ["backlinks.csv", "campaign-reports.csv"]
    assert len(files) == 4 and files[3].endswith("-funnel.csv")
    assert {e.actor_email for e in _events(app, team.workspace_id, "export")} == {"viewer@acme.example"}

    assert _post(member, "/outreach/suppressions", "/outreach/suppressions", value="Jane@Site.example").status_code \
        == 302
    with app.app_context():
        row_id = db.session.scalar(select(Suppression.id))
    _post(admin, f"/outreach/suppressions/{row_id}/delete", "/outreach/suppressions")
    [added] = _events(app, team.workspace_id, "suppression_added")
    assert added.detail == {"value": "jane@site.example", "kind": "address", "source": "added by hand"}
    assert added.actor_email == "member@acme.example"
    [removed] = _events(app, team.workspace_id, "suppression_removed")
    assert removed.detail == {"value": "jane@site.example", "kind": "address"}

    form = {"from_name": "Sam Rivera", "from_email": "sam@agency.example", "daily_cap": "25", "window_days": ["1"],
            "window_start": "09:00", "window_end": "17:00", "timezone": "Europe/Berlin", "active": "y"}
    assert _post(admin, f"/outreach/senders/{sender_id}", f"/outreach/senders/{sender_id}", **form).status_code == 302
    [changed] = _events(app, team.workspace_id, "sender_changed")
    assert changed.detail["daily_cap"] == [0, 25] and changed.detail["timezone"] == ["UTC", "Europe/Berlin"]
    assert changed.detail["from_email"] == "sam@agency.example" and "from_name" not in changed.detail
    new = {**form, "from_email": "pat@agency.example"}
    assert _post(admin, "/outreach/senders/new", "/outreach/senders/new", **new).status_code == 302
    assert _events(app, team.workspace_id, "sender_created")[0].detail["from_email"] == [None, "pat@agency.example"]


def test_only_owners_see_the_trail_and_only_their_workspace(app, team, as_role, backend):
    for role in ("viewer", "member", "admin"):
        assert as_role(role).get("/workspace/audit").status_code == 403, role
    owner = as_role("owner")
    assert "Audit trail" in owner.get("/workspace/settings").get_data(as_text=True)
    assert "Audit trail" not in as_role("admin").get("/workspace/settings").get_data(as_text=True)
    page = owner.get("/workspace/audit").get_data(as_text=True)
    assert "admin@acme.example" in page and "Signed in" in page

    rival = app.test_client()
    login(rival, team.rival_owner_email)
    theirs = rival.get("/workspace/audit").get_data(as_text=True)
    assert "owner@rival.example" in theirs
    assert "acme.example" not in theirs, "another workspace's owner sees nothing of Acme"


def test_the_page_filters_by_action_and_pages(app, team, as_role, backend):
    with app.app_context():
        for n in range(60):
            audit.record(team.workspace_id, "export", team.user_ids["viewer"], detail={"file": f"file-{n}.csv"})
        db.session.commit()
    owner = as_role("owner")
    first = owner.get("/workspace/audit?action=export").get_data(as_text=True)
    assert "file-59.csv" in first and "file-10.csv" in first and "file-9.csv" not in first
    assert "Signed in" not in first.split('id="audit-table"')[1]
    second = owner.get("/workspace/audit?action=export&page=2").get_data(as_text=True)
    assert "file-9.csv" in second and "file-0.csv" in second and "file-10.csv" not in second
    everything = owner.get("/workspace/audit?action=bogus").get_data(as_text=True)
    assert "Signed in" in everything


def test_audit_rows_cannot_be_changed_or_deleted(app, team, backend):
    with app.app_context():
        row = audit.record(team.workspace_id, "export", detail={"file": "x.csv"}, commit=True)
        row_id = row.id
        row.action = "sign_in"
        with pytest.raises(AppendOnlyError):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEvent, row_id))
        with pytest.raises(AppendOnlyError):
            db.session.commit()
        db.session.rollback()
        for statement in (update(AuditEvent).values(ip="forged"), delete(AuditEvent),
                          AuditEvent.__table__.delete(), AuditEvent.__table__.update().values(ip="x")):
            with pytest.raises(AppendOnlyError):
                db.session.execute(statement)
            db.session.rollback()
        kept = db.session.get(AuditEvent, row_id)
        assert (kept.action, kept.ip, kept.detail) == ("export", "", {"file": "x.csv"})


def test_the_hourly_housekeeping_prunes_events_past_retention(app, team, backend):
    app.config["AUDIT_RETENTION_DAYS"] = 30
    with app.app_context():
        for days in (400, 31, 29, 0):
            db.session.add(AuditEvent(workspace_id=team.workspace_id, at=utcnow() - timedelta(days=days),
                                      action="export", detail={"age": days}))
        db.session.commit()
        tasks.purge_sessions()
        assert sorted(e.detail["age"] for e in db.session.scalars(select(AuditEvent))) == [0, 29]


def test_export_prints_json_lines_oldest_first(app, team, runner, as_role, backend):
    as_role("owner")
    with app.app_context():
        audit.record(team.workspace_id, "export", team.user_ids["viewer"], "192.0.2.1", {"file": "ß.csv"})
        audit.record(team.rival_workspace_id, "export", detail={"file": "rival.csv"})
        db.session.commit()
    result = runner.invoke(args=["audit", "export", "--workspace", "Acme"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["action"] for line in lines] == ["sign_in", "export"]
    assert set(lines[0]) == {"id", "at", "action", "actor_email", "ip", "user_agent", "detail"}
    assert (lines[1]["actor_email"], lines[1]["ip"], lines[1]["detail"]) == ("viewer@acme.example", "192.0.2.1",
                                                                              {"file": "ß.csv"})
    assert lines[0]["at"] <= lines[1]["at"] and lines[0]["at"].endswith("+00:00")
    missing = runner.invoke(args=["audit", "export", "--workspace", "Nope"])
    assert missing.exit_code != 0 and "no workspace called 'Nope'" in missing.output
