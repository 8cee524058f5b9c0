"""Render one email for one contact exactly as it would be sent, without sending or saving anything.

It stands with campaigns: it reads a campaign, its recipients and the contact (prospects), and hands them to
outreach's rendering as plain values.
"""

from __future__ import annotations

import contextlib

from sqlalchemy import func, select

from crm.campaigns.models import Campaign
from crm.campaigns.recipients import with_contact
from crm.extensions import db
from crm.outreach import library, suppression
from crm.outreach.launching import merged_context
from crm.outreach.merge_names import undefined_keys
from crm.outreach.models import Template
from crm.outreach.recipients import Recipient
from crm.outreach.rendering import RenderError, fields_used
from crm.outreach.sequencing import render_step
from crm.prospects.fielddefs import defined_keys
from crm.prospects.models import Contact


class DryRenderError(ValueError):
    """The contact, template or campaign named does not exist in the workspace."""


def _problem(field: str, why: str) -> dict[str, str]:
    return {"field": field, "why": why}


def _recipient(workspace_id: int, contact: Contact, campaign: str | None) -> tuple[Recipient, int | None]:
    if not campaign:
        return Recipient(None, contact.id, contact.site_id), None
    campaign_id = db.session.scalar(select(Campaign.id).where(
        Campaign.workspace_id == workspace_id, Campaign.name == campaign))
    if campaign_id is None:
        raise DryRenderError(f"no campaign named {campaign!r} in this workspace")
    found = [r for r in with_contact(workspace_id, campaign_id) if r.contact_id == contact.id]
    return (found[0] if found else Recipient(None, contact.id, contact.site_id)), campaign_id


def render_for(workspace_id: int, email: str, *, template: str | None = None, subject: str = "", body: str = "",
               campaign: str | None = None) -> dict:
    """Subject, text, html and the problems (field and why) that would stop the send; empty problems when it can go."""
    contact = db.session.scalar(select(Contact).where(
        Contact.workspace_id == workspace_id, func.lower(Contact.email) == email.strip().lower()))
    if contact is None:
        raise DryRenderError(f"no contact {email!r} in this workspace")
    if template:
        saved = db.session.scalar(select(Template).where(Template.workspace_id == workspace_id,
                                                         Template.name == template))
        if saved is None:
            raise DryRenderError(f"no template named {template!r} in this workspace")
        subject, body = saved.subject, saved.body
    recipient, campaign_id = _recipient(workspace_id, contact, campaign)
    sequence = library.sequence_for(workspace_id, campaign_id) if campaign_id else None
    sender = sequence.sender if sequence is not None else None
    draft = Template(name="render", subject=subject, body=body)
    rendered, render_problems = render_step(draft, 1, merged_context(contact, recipient),
                                            sender.from_name if sender else "")
    problems = [_problem(p.field or p.part, p.message) for p in render_problems]
    with contextlib.suppress(RenderError):  # a template that does not parse is reported by the render above
        used = [*fields_used(subject), *fields_used(body)]
        misspelt = undefined_keys(used, defined_keys(workspace_id))
        problems = [p for p in problems if p["field"] not in {f for f, _ in misspelt}]
        problems += [_problem(field, why) for field, why in misspelt]
        if misspelt:
            rendered = None
    if contact.status != "ok":
        problems.append(_problem("contact", f"{contact.email} is marked {contact.status.replace('_', ' ')}"))
    hit = suppression.find_many(workspace_id, [contact.email]).get(suppression.normalise_address(contact.email))
    if hit is not None:
        problems.append(_problem("contact", suppression.describe(hit)))
    if rendered is None:
        return {"subject": "", "text": "", "html": "", "problems": problems}
    text = library.footed_body(workspace_id, rendered.body, sender, contact.id)
    return {"subject": rendered.subject, "text": text, "html": rendered.__class__(rendered.subject, text).html(),
            "problems": problems}
