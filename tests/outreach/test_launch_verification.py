"""The launch checklist heeds the email finder's verdict: an invalid address blocks, an accept-all one warns."""

from datetime import UTC, datetime

import pytest

from crm.campaigns import launching
from crm.extensions import db
from crm.prospects.models import Contact
from tests.outreach.world import build

pytestmark = pytest.mark.both_databases

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def test_invalid_blocks_accept_all_warns_and_valid_or_unchecked_go(ctx, team):
    world = build(team.workspace_id, people=4)
    contacts = [db.session.get(Contact, cid) for cid in world.contact_ids]
    for contact, verdict in zip(contacts, ("invalid", "accept_all", "valid", ""), strict=True):
        contact.email_verification = verdict
    db.session.commit()
    checks = launching.checklist(world.workspace_id, world.sequence_id, world.recipients(), NOW).recipients
    assert not checks[0].ready and f"marked {contacts[0].email} invalid" in " | ".join(checks[0].problems)
    assert checks[1].ready and any("accept-all domain" in note for note in checks[1].notes)
    assert checks[2].ready and checks[3].ready
    assert not any("accept-all" in note for check in checks[2:] for note in check.notes)
    result = launching.launch(world.workspace_id, world.sequence_id, world.recipients(), None, NOW)
    assert result.enrolled == 3 and [s.email for s in result.skipped] == [contacts[0].email]
