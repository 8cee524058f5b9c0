"""The launch checklist lists every reason a message would not go; launching enrols and queues in one transaction."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from crm.accounts.models import Workspace
from crm.campaigns import launching
from crm.extensions import db
from crm.outreach.models import Enrollment, OutboundMessage, SenderIdentity, Suppression
from crm.outreach.recipients import Recipient
from crm.prospects.models import Contact, Site
from tests.outreach.factories import TemplateFactory
from tests.outreach.world import build

pytestmark = pytest.mark.both_databases

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # a Tuesday


def _reasons(check) -> str:
    return " | ".join(check.problems)


def test_a_clean_campaign_is_ready_for_everyone(ctx, team):
    world = build(team.workspace_id)
    result = launching.checklist(world.workspace_id, world.sequence_id, world.recipients(), NOW)
    assert result.sequence_problems == ()
    assert len(result.ready) == 3 and result.can_launch
    assert all(check.send_at == NOW for check in result.ready)


def test_every_reason_a_message_would_not_go_is_listed(ctx, team):
    world = build(team.workspace_id, people=6)
    contacts = [db.session.get(Contact, cid) for cid in world.contact_ids]
    contacts[0].first_name = ""  # the pitch has a fallback for first_name, so this one is fine
    contacts[1].status = "bounced"
    db.session.get(Site, contacts[2].site_id).status = "do_not_contact"
    db.session.add(Suppression(workspace_id=team.workspace_id, kind="address", value=contacts[3].email,
                               reason="unsubscribe"))
    db.session.add(Suppression(workspace_id=None, kind="domain", value=contacts[4].email.split("@")[1],
                               reason="spam_report"))
    db.session.commit()
    recipients = world.recipients()
    # the campaign left the page title blank for the last one: {{ page_title }} has no fallback
    recipients[5] = Recipient(recipients[5].opportunity_id, recipients[5].contact_id, recipients[5].site_id,
                              {**recipients[5].context, "page_title": " "})
    checks = launching.checklist(world.workspace_id, world.sequence_id, recipients, NOW).recipients
    assert checks[0].ready
    assert "marked bounced" in _reasons(checks[1])
    assert "site is marked do not contact" in _reasons(checks[2])
    assert "is suppressed in this workspace (unsubscribed)" in _reasons(checks[3])
    assert "The domain" in _reasons(checks[4]) and "everywhere" in _reasons(checks[4])
    assert f"{{{{ page_title }}}} is empty for {contacts[5].email} and has no fallback" in _reasons(checks[5])
    assert [c.codes for c in checks] == [(), ("contact_status",), ("site_status",), ("suppressed",),
                                         ("suppressed",), ("missing_field",)]


def test_unresolved_merge_fields_block_the_send(ctx, team):
    world = build(team.workspace_id, people=1,
                  steps=((0, ("Hello [First Name]", "Hi {first_name}, about {{ site_domain }}")),))
    check = launching.checklist(world.workspace_id, world.sequence_id, world.recipients(), NOW).recipients[0]
    assert "unresolved merge field: [First Name]" in _reasons(check)
    assert "unresolved merge field: {first_name}" in _reasons(check)


def test_a_follow_up_that_cannot_render_is_caught_before_launch(ctx, team):
    world = build(team.workspace_id, people=1,
                  steps=((0, ("Hi", "Hello {{ site_domain }}")), (3, ("", "Re {{ custom.budget }}"))))
    check = launching.checklist(world.workspace_id, world.sequence_id, world.recipients(), NOW).recipients[0]
    assert "Follow-up 1" in _reasons(check) and "custom.budget" in _reasons(check)


def test_sequence_level_problems_stop_the_launch(ctx, team):
    world = build(team.workspace_id, people=1)
    db.session.get(Workspace, team.workspace_id).postal_address = ""
    db.session.get(SenderIdentity, world.sender_id).active = False
    db.session.commit()
    result = launching.checklist(world.workspace_id, world.sequence_id, world.recipients(), NOW)
    text = " ".join(result.sequence_problems)
    assert "postal address" in text and "switched off" in text and not result.can_launch
    with pytest.raises(launching.LaunchError):
        launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None, NOW)
    assert db.session.scalar(select(func.count(OutboundMessage.id))) == 0


def test_launch_enrols_and_queues_the_first_pitch_once(ctx, team):
    world = build(team.workspace_id)
    result = launching.launch(world.workspace_id, world.sequence_id, world.recipients(), team.user_ids["member"], NOW)
    assert result.enrolled == 3 and result.skipped == ()
    rows = db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).all()
    assert [r.status for r in rows] == ["queued"] * 3
    first = rows[0]
    contact = db.session.get(Contact, first.contact_id)
    assert first.idempotency_key == f"campaign:{world.campaign_id}/step:1/contact:{contact.id}"
    assert first.subject == f"Raised beds on {contact.site.domain}"
    assert first.body_text.startswith(f"Hi {contact.first_name},")
    assert "raised bed guide (https://ourshop.example/guides/raised-beds)" in first.body_text
    assert "1 Test Street, Testville" in first.body_text and "http://localhost/u/" in first.body_text
    assert first.reply_to.startswith("reply+") and first.reply_to.endswith("@replies.agency.example")
    assert first.message_id_header.startswith("<") and first.due_at == NOW
    assert db.session.scalar(select(func.count(Enrollment.id)).where(Enrollment.status == "active")) == 3

    with pytest.raises(launching.LaunchError, match="Nobody is ready"):
        launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None, NOW)
    checks = launching.checklist(world.workspace_id, world.sequence_id, world.recipients(), NOW).recipients
    assert all("Already in this sequence." in c.problems for c in checks)
    assert db.session.scalar(select(func.count(OutboundMessage.id))) == 3


def test_daily_cap_and_window_spread_the_first_pitches(ctx, team):
    world = build(team.workspace_id, people=5, daily_cap=2, window_days="12345", window_start="09:00",
                  window_end="17:00", timezone="Europe/London")
    saturday = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None, saturday)
    due = [r.due_at for r in db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id))]
    monday_nine = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # London is on UTC in winter
    assert due == [monday_nine] * 2 + [monday_nine + timedelta(days=1)] * 2 + [monday_nine + timedelta(days=2)]


def test_a_recipient_listed_twice_gets_one_message(ctx, team):
    world = build(team.workspace_id, people=1)
    twice = world.recipients() * 2
    checks = launching.checklist(world.workspace_id, world.sequence_id, twice, NOW).recipients
    assert checks[0].ready and "Listed twice." in checks[1].problems
    assert launching.launch(world.workspace_id, world.sequence_id, twice, None, NOW).enrolled == 1


def test_recipients_from_another_workspace_are_refused(ctx, team):
    world = build(team.workspace_id, people=1)
    rival = build(team.rival_workspace_id, people=1)
    check = launching.checklist(world.workspace_id, world.sequence_id, rival.recipients(), NOW).recipients[0]
    assert "no longer exists in this workspace" in _reasons(check)
    with pytest.raises(launching.LaunchError):
        launching.checklist(world.workspace_id, rival.sequence_id, world.recipients(), NOW)


def test_a_template_used_by_a_step_is_not_affected_by_other_templates(ctx, team):
    world = build(team.workspace_id, people=1)
    TemplateFactory(workspace_id=team.workspace_id, body="{{ broken")  # unrelated drafts never block a launch
    assert launching.checklist(world.workspace_id, world.sequence_id, world.recipients(), NOW).can_launch


def test_a_launch_that_fails_at_its_last_write_leaves_nothing_behind(ctx, team):
    from sqlalchemy.exc import IntegrityError

    from crm.outreach.models import Sequence
    from crm.timeline import Activity

    world = build(team.workspace_id)
    with pytest.raises(IntegrityError):  # the timeline names an actor who does not exist: written last, refused
        launching.launch(world.workspace_id, world.sequence_id, world.recipients(), 10**9, NOW)
    assert db.session.scalar(select(func.count(Enrollment.id))) == 0
    assert db.session.scalar(select(func.count(OutboundMessage.id))) == 0
    assert db.session.scalar(select(func.count(Activity.id)).where(Activity.kind == "outreach_queued")) == 0
    assert db.session.get(Sequence, world.sequence_id).launched_at is None
    assert launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None, NOW).enrolled == 3
