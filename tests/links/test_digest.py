"""The daily digest of link alerts: text per workspace, mailed to owners and admins, each alert once."""

from __future__ import annotations

import email
import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from crm.db import utcnow
from crm.extensions import db
from crm.links.digest import build_digest, send_digests
from crm.links.models import LinkAlert
from tests.links.factories import BacklinkFactory, LinkAlertFactory

pytestmark = pytest.mark.both_databases


@pytest.fixture
def alerts(app, team):
    with app.app_context():
        backlink = BacklinkFactory(workspace_id=team.workspace_id, source_url="https://blog.example.org/post/")
        LinkAlertFactory(backlink=backlink, kind="removed", created_at=utcnow() - timedelta(hours=3),
                         message="The link on blog.example.org/post to www.our-shop.com/running-shoes is no longer "
                                 "there. Our link is not on the page.")
        LinkAlertFactory(backlink=backlink, kind="nofollow_added", new_status="live_nofollow",
                         message="The link on blog.example.org/post is now marked nofollow.")
        LinkAlertFactory(backlink=BacklinkFactory(workspace_id=team.rival_workspace_id), message="Rival news.")
        return backlink.id


def test_the_digest_lists_each_alert_with_a_link_to_its_evidence(app, team, alerts):
    with app.app_context():
        subject, text = build_digest(team.workspace_id, utcnow() - timedelta(days=1))
        assert subject == "Acme: 2 link changes (2 need attention)"
        assert "Link removed (1)" in text and "Nofollow added (1)" in text
        assert "- The link on blog.example.org/post to www.our-shop.com/running-shoes is no longer there." in text
        assert f"http://localhost/backlinks/{alerts}" in text and "Rival news" not in text
        assert build_digest(team.workspace_id, utcnow() + timedelta(minutes=1)) is None


def test_digests_are_mailed_to_owners_and_admins_once(app, team, alerts):
    with app.app_context():
        assert send_digests() == {"digests": 2, "skipped": 0}
        folder = os.path.join(app.instance_path, "outbox")
        messages = [email.message_from_bytes(Path(folder, name).read_bytes()) for name in sorted(os.listdir(folder))]
        acme = [m for m in messages if m["Subject"].startswith("Acme")]
        assert sorted(m["To"] for m in acme) == ["admin@acme.example", "owner@acme.example"]
        assert all("no longer there" in m.get_payload(decode=True).decode() for m in acme)
        assert all(a.digested_at is not None for a in db.session.scalars(select(LinkAlert)))
        assert send_digests() == {"digests": 0, "skipped": 0}
        assert len(os.listdir(folder)) == len(messages)
