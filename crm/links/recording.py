"""Recording a won link from its opportunity and verifying it at once, as the "verify now" button does."""

from __future__ import annotations

from sqlalchemy import select

from crm.extensions import db
from crm.links import backlinks, tasks
from crm.links.bulkinput import BacklinkInput, InputError, make_row
from crm.links.models import Backlink, LinkVerifyRun
from crm.links.verification import start_run


def verify_now(workspace_id: int, ids: list[int], user_id: int | None = None) -> LinkVerifyRun:
    """Record a "verify now" run of these (scoped) backlinks and queue it; it runs at once when tasks are immediate."""
    run = start_run(workspace_id, ids, user_id)
    tasks.verify_run(run.id)
    return run


def recorded_for(workspace_id: int, opportunity_id: int, source_url: str) -> int | None:
    """The backlink already recorded for this opportunity at this linking page, if any."""
    return db.session.scalar(select(Backlink.id).where(
        Backlink.workspace_id == workspace_id, Backlink.opportunity_id == opportunity_id,
        Backlink.source_url == source_url))


def record_won_link(workspace_id: int, opportunity_id: int, values: dict[str, str], *, site_domain: str,
                    user_id: int | None = None) -> tuple[Backlink, LinkVerifyRun]:
    """Add the backlink an opportunity won, tied to it and its campaign, and verify it now. InputError says why not."""
    row: BacklinkInput = make_row({**values, "acquisition": "outreach", "cost": ""}, None)
    if row.source_domain != site_domain.lower():
        raise InputError(f"the linking page must be on {site_domain}, the site this opportunity is about")
    if recorded_for(workspace_id, opportunity_id, row.source_url):
        raise InputError(f"the link on {row.source_url} is already recorded for this opportunity")
    backlink = backlinks.add_backlink(workspace_id, row, opportunity_id=opportunity_id)
    run = verify_now(workspace_id, [backlink.id], user_id)
    db.session.refresh(backlink)
    return backlink, run
