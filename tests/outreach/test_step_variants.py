"""Subject and body tests, as a marketer sets them up on the sequence page and launches them."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from crm.campaigns.models import Opportunity
from crm.db import utcnow
from crm.extensions import db
from crm.outreach import advancing, sending
from crm.outreach.models import Enrollment, OutboundMessage, Sequence, StepVariant
from crm.outreach.variants import LABELS, assign
from tests.conftest import csrf_token, login
from tests.outreach.factories import TemplateFactory
from tests.outreach.world import build


def _templates(workspace_id: int) -> dict[str, int]:
    made = {
        "pitch": TemplateFactory(workspace_id=workspace_id, name="Short", subject="Short idea for {{ site_domain }}"),
        "alt": TemplateFactory(workspace_id=workspace_id, name="Question", subject="A question for {{ site_domain }}"),
        "third": TemplateFactory(workspace_id=workspace_id, name="Data", subject="Data for {{ site_domain }}"),
        "nudge": TemplateFactory(workspace_id=workspace_id, name="Nudge", subject="", body="Any thoughts?"),
        "nudge2": TemplateFactory(workspace_id=workspace_id, name="Nudge 2", subject="", body="One more try."),
    }
    db.session.commit()
    return {key: t.id for key, t in made.items()}


def _save(client, campaign_id: int, data: dict, follow: bool = False):
    url = f"/campaigns/{campaign_id}/sequence"
    return client.post(url, data={"csrf_token": csrf_token(client, url), **data}, follow_redirects=follow)


@pytest.mark.both_databases
def test_a_step_splits_recipients_between_its_variants_and_each_keeps_theirs(app, as_role, team):
    with app.app_context():
        world = build(team.workspace_id, people=30)
        ids = _templates(team.workspace_id)
    member = as_role("member")
    response = _save(member, world.campaign_id, {
        "sender_id": str(world.sender_id),
        "steps-0-template_id": str(ids["pitch"]), "steps-0-delay": "0",
        "steps-0-variant_b": str(ids["alt"]), "steps-0-variant_c": str(ids["third"]),
        "steps-1-template_id": str(ids["nudge"]), "steps-1-delay": "3", "steps-1-variant_b": str(ids["nudge2"]),
    })
    assert response.status_code == 302
    page = member.get(f"/campaigns/{world.campaign_id}/sequence").get_data(as_text=True)
    assert f'<option selected value="{ids["third"]}">Data</option>' in page  # variant C of the first pitch
    launch = f"/campaigns/{world.campaign_id}/launch"
    done = member.post(launch, data={"csrf_token": csrf_token(member, launch)}, follow_redirects=True)
    assert "Launched: 30 first pitch(es) queued." in done.get_data(as_text=True)
    with app.app_context():
        steps = db.session.get(Sequence, world.sequence_id).steps
        first, second = steps[0], steps[1]
        subjects = {"A": "Short idea", "B": "A question", "C": "Data for"}
        rows = db.session.scalars(select(OutboundMessage).where(OutboundMessage.step_position == 1)).all()
        assert len(rows) == 30
        chosen = {}
        for row in rows:
            expected = LABELS[assign(first.id, row.contact_id, 3)]
            assert row.variant == expected and row.subject.startswith(subjects[expected])
            assert row.idempotency_key == f"campaign:{world.campaign_id}/step:1/contact:{row.contact_id}"
            chosen[row.contact_id] = row.variant
        assert set(Counter(chosen.values())) == {"A", "B", "C"}
        # the follow-up splits on its own step, and replies under the pitch the contact got
        assert sending.send_due(workers=1)["sent"] == 30
        advancing.advance_due(now=utcnow() + timedelta(days=10))
        follow_ups = db.session.scalars(select(OutboundMessage).where(OutboundMessage.step_position == 2)).all()
        assert len(follow_ups) == 30
        for row in follow_ups:
            assert row.variant == LABELS[assign(second.id, row.contact_id, 2)]
            assert row.body_text.startswith("Any thoughts?" if row.variant == "A" else "One more try.")
            assert row.template_id == (ids["nudge"] if row.variant == "A" else ids["nudge2"])
        # launched again from scratch (the cards back at the first stage), every contact gets the very same variant
        db.session.execute(delete(OutboundMessage))
        db.session.execute(delete(Enrollment))
        db.session.execute(update(Opportunity).values(stage="prospect"))
        db.session.commit()
    member.post(launch, data={"csrf_token": csrf_token(member, launch)})
    with app.app_context():
        again = dict(db.session.execute(select(OutboundMessage.contact_id, OutboundMessage.variant)).all())
        assert again == chosen


def test_variants_are_saved_only_when_each_has_its_own_template_from_this_workspace(app, as_role, team):
    with app.app_context():
        world = build(team.workspace_id, people=1)
        ids = _templates(team.workspace_id)
        foreign = TemplateFactory(workspace_id=team.rival_workspace_id).id
        db.session.commit()
    member = as_role("member")
    base = {"sender_id": str(world.sender_id), "steps-0-template_id": str(ids["pitch"]), "steps-0-delay": "0"}
    twice = _save(member, world.campaign_id, {**base, "steps-0-variant_b": str(ids["pitch"])}, follow=True)
    assert "Step 1: each variant needs a template of its own." in twice.get_data(as_text=True)
    theirs = _save(member, world.campaign_id, {**base, "steps-0-variant_b": str(foreign)}, follow=True)
    assert "Choose templates from this workspace." in theirs.get_data(as_text=True)
    url = f"/campaigns/{world.campaign_id}/sequence"
    assert member.post(url, data={**base, "steps-0-variant_b": str(ids["alt"])}).status_code == 400  # no CSRF
    with app.app_context():
        assert db.session.scalars(select(StepVariant)).all() == []
    # removing a variant later keeps the rest of the step
    assert _save(member, world.campaign_id, {**base, "steps-0-variant_b": str(ids["alt"])}).status_code == 302
    with app.app_context():
        assert [(v.label, v.template_id) for v in db.session.scalars(select(StepVariant))] == [("B", ids["alt"])]
    in_use = f"/outreach/templates/{ids['alt']}/delete"
    refused = member.post(in_use, data={"csrf_token": csrf_token(member, "/outreach/templates")},
                          follow_redirects=True)
    assert "is used by 1 sequence step(s)" in refused.get_data(as_text=True)
    assert _save(member, world.campaign_id, base).status_code == 302
    with app.app_context():
        assert db.session.scalars(select(StepVariant)).all() == []
    # the rival's owner cannot open or change this campaign's sequence
    rival = app.test_client()
    login(rival, team.rival_owner_email)
    assert rival.get(url).status_code == 404
    assert _save(rival, world.campaign_id, {**base, "steps-0-variant_b": str(ids["alt"])}).status_code == 404
