"""Demo data for outreach: templates, a sender, a sequence for the demo campaign, mail sent, due and replied to.

Runs after the prospects and campaigns demo steps and uses what they made; when a workspace has no campaign
or too few contacts (a fresh checkout without those features' demo data) it adds a minimal campaign and a few
sites of its own, all at .example domains, so a demo can never mail a real address. Safe to run twice.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import insert, select

from crm.accounts.models import Workspace
from crm.db import utcnow
from crm.demo import demo_step
from crm.extensions import db
from crm.outreach import recipients, stopping, threads
from crm.outreach.launching import merged_context
from crm.outreach.models import Enrollment, Reply, SenderIdentity, Sequence, SequenceStep, Template
from crm.outreach.recording import mark_sent
from crm.outreach.sequencing import CapPlanner, queue_step
from crm.prospects.models import Contact, Site

TEMPLATES = {
    "Guest post: first email": (
        "Guest post idea for {{ site_domain }}",
        "Hi {{ first_name | default(\"there\") }},\n\n"
        "I've been reading {{ site_domain }} for a while{% if page_title %}, and \"{{ page_title }}\" was especially "
        "useful{% endif %}.\n\nWould you be open to a guest post for your readers? I have three topic ideas that fit "
        "your audience, and I can point readers to {{ anchor_text | default(\"our planting guide\") }} "
        "({{ target_url | default(\"https://northwind.example/guides/planting\") }}) where it helps.\n\n"
        "Best,\n{{ sender_name }}",
    ),
    "Guest post: follow-up": (
        "",
        "Hi {{ first_name | default(\"there\") }},\n\nJust bringing this back to the top of your inbox: would a guest "
        "post on {{ site_domain }} interest you? Happy to send the topic ideas first.\n\nThanks,\n{{ sender_name }}",
    ),
    "Guest post: last note": (
        "",
        "Hi {{ first_name | default(\"there\") }},\n\nI won't keep writing; if a guest post ever suits "
        "{{ site_domain }}, just reply to this email.\n\nAll the best,\n{{ sender_name }}",
    ),
}
DEMO_SITES = [
    ("gardenjoy.example", "ana@gardenjoy.example", "Ana", "Müller"),
    ("urbanleaf.example", "ben@urbanleaf.example", "Ben", "Okafor"),
    ("soilandseed.example", "editor@soilandseed.example", "", ""),
    ("balconyblooms.example", "chloe@balconyblooms.example", "Chloé", "Martin"),
    ("growdaily.example", "dev@growdaily.example", "Dev", "Patel"),
    ("compostcorner.example", "emma@compostcorner.example", "Emma", "Lind"),
    ("seedswap.example", "farid@seedswap.example", "Farid", "Haddad"),
    ("plotnotes.example", "grace@plotnotes.example", "Grace", "Kim"),
]
PEOPLE = 8


def _templates(workspace: Workspace, counts: Counter) -> list[Template]:
    made = []
    for name, (subject, body) in TEMPLATES.items():
        row = db.session.scalar(select(Template).where(Template.workspace_id == workspace.id, Template.name == name))
        if row is None:
            row = Template(workspace_id=workspace.id, name=name, subject=subject, body=body)
            db.session.add(row)
            counts["templates"] += 1
        made.append(row)
    return made


def _sender(workspace: Workspace, counts: Counter) -> SenderIdentity:
    email = "sam@northwind.example"
    row = db.session.scalar(select(SenderIdentity).where(SenderIdentity.workspace_id == workspace.id,
                                                         SenderIdentity.from_email == email))
    if row is None:  # a window open all week, so `send-due` right after the demo always has work
        row = SenderIdentity(workspace_id=workspace.id, from_name="Sam Rivera", from_email=email, daily_cap=0,
                             window_days="1234567", window_start="00:00", window_end="24:00", timezone="Europe/London")
        db.session.add(row)
        counts["senders"] += 1
    return row


def _campaign_id(workspace: Workspace, sender: SenderIdentity) -> int:
    """The first campaign with no sequence yet (or the demo's own), else a new one."""
    table = db.metadata.tables["campaign"]
    others = select(Sequence.campaign_id).where(Sequence.workspace_id == workspace.id,
                                                Sequence.sender_id.is_distinct_from(sender.id))
    found = db.session.scalar(select(table.c.id).where(table.c.workspace_id == workspace.id,
                                                       table.c.id.not_in(others)).order_by(table.c.id))
    if found is not None:
        return found
    now = utcnow()
    return db.session.execute(insert(table).values(
        workspace_id=workspace.id, name="Spring guest posts", kind="guest_post", status="active", currency="USD",
        description="Made by the outreach demo.", created_at=now, updated_at=now,
    )).inserted_primary_key[0]


def _contacts(workspace: Workspace) -> list[Contact]:
    for domain, email, first, last in DEMO_SITES:
        if db.session.scalar(select(Contact.id).where(Contact.workspace_id == workspace.id, Contact.email == email)):
            continue
        site = db.session.scalar(select(Site).where(Site.workspace_id == workspace.id, Site.domain == domain))
        if site is None:
            site = Site(workspace_id=workspace.id, domain=domain, homepage=f"https://{domain}/")
            db.session.add(site)
        db.session.add(Contact(workspace_id=workspace.id, site=site, email=email, first_name=first, last_name=last,
                               is_role_address=not first, source="demo"))
    db.session.flush()
    return list(db.session.scalars(select(Contact).where(
        Contact.workspace_id == workspace.id, Contact.email.in_([e for _, e, _, _ in DEMO_SITES])
    ).order_by(Contact.id)))


def _people(workspace: Workspace, campaign_id: int) -> list[tuple[Contact, recipients.Recipient]]:
    """The campaign's recipients (from campaigns, else its opportunities), topped up with demo contacts."""
    found = recipients.recipients_for(workspace.id, campaign_id)
    if not found:
        table = db.metadata.tables["opportunity"]
        rows = db.session.execute(select(table.c.id, table.c.contact_id, table.c.site_id).where(
            table.c.campaign_id == campaign_id, table.c.contact_id.is_not(None)).order_by(table.c.id))
        found = [recipients.Recipient(opp_id, contact_id, site_id) for opp_id, contact_id, site_id in rows]
    people = []
    for recipient in found:
        contact = db.session.get(Contact, recipient.contact_id)
        if contact is not None and contact.status == "ok" and contact.site.status == "active":
            people.append((contact, recipient))
    if len(people) < PEOPLE:
        taken = {c.id for c, _ in people}
        people += [(c, recipients.Recipient(None, c.id, c.site_id)) for c in _contacts(workspace) if c.id not in taken]
    for index, (contact, recipient) in enumerate(people):
        if "page_title" not in recipient.context:
            context = {"page_title": f"10 easy wins for {contact.site.domain.split('.')[0]} readers",
                       **recipient.context}
            people[index] = (contact, recipients.Recipient(recipient.opportunity_id, contact.id, contact.site_id,
                                                           context))
    return people[:PEOPLE]


def _sequence(workspace: Workspace, campaign_id: int, sender: SenderIdentity, templates: list[Template]) -> Sequence:
    row = db.session.scalar(select(Sequence).where(Sequence.workspace_id == workspace.id,
                                                   Sequence.campaign_id == campaign_id))
    if row is None:
        row = Sequence(workspace_id=workspace.id, campaign_id=campaign_id, sender=sender, status="active",
                       launched_at=utcnow())
        for position, (template, delay) in enumerate(zip(templates, (0, 3, 5), strict=True), start=1):
            row.steps.append(SequenceStep(workspace_id=workspace.id, position=position, template=template,
                                          delay_business_days=delay))
        db.session.add(row)
        db.session.flush()
    return row


def _reply(enrollment: Enrollment, message, kind: str, subject: str, text: str, when, return_on=None) -> None:
    reply = Reply(
        workspace_id=enrollment.workspace_id, dedupe_key=f"<demo-{kind}-{message.id}@demo.example>",
        message_id=message.id, enrollment_id=enrollment.id, opportunity_id=enrollment.opportunity_id,
        contact_id=enrollment.contact_id, site_id=enrollment.site_id, from_email=message.to_email,
        from_name=message.to_name, subject=subject, text=text, kind=kind, return_on=return_on,
        matched_by="token", received_at=when,
    )
    db.session.add(reply)
    db.session.flush()
    threads.note_inbound(reply)


# (days ago the first pitch went out, what happened since): the rest of the people are due now
STORIES = [(6, "replied"), (5, "away"), (8, "follow-up due"), (2, "waiting")]


@demo_step("outreach")
def demo_outreach(workspace: Workspace) -> dict[str, int]:
    """Add outreach demo data to the workspace; returns counts of what was made."""
    counts: Counter = Counter()
    now = utcnow()
    templates = _templates(workspace, counts)
    sender = _sender(workspace, counts)
    db.session.flush()
    campaign_id = _campaign_id(workspace, sender)
    sequence = _sequence(workspace, campaign_id, sender, templates)
    planner = CapPlanner(sender)
    first = sequence.steps[0]
    for index, (contact, recipient) in enumerate(_people(workspace, campaign_id)):
        if db.session.scalar(select(Enrollment.id).where(Enrollment.sequence_id == sequence.id,
                                                         Enrollment.contact_id == contact.id)):
            continue
        days_ago, story = STORIES[index] if index < len(STORIES) else (0, "due")
        enrolled = now - timedelta(days=days_ago)
        enrollment = Enrollment(workspace_id=workspace.id, sequence=sequence, opportunity_id=recipient.opportunity_id,
                                contact_id=contact.id, site_id=contact.site_id, created_at=enrolled,
                                context=merged_context(contact, recipient))
        db.session.add(enrollment)
        db.session.flush()
        message = queue_step(enrollment, first, enrolled, planner, contact.timezone).message
        counts["enrollments"] += 1
        if message is None or story == "due":
            counts["messages_due"] += message is not None
            continue
        mark_sent(message.id, enrolled, f"demo-{message.id}", status="delivered")
        counts["messages_sent"] += 1
        if story == "replied":
            _reply(enrollment, message, "human", f"Re: {message.subject}",
                   "Hi Sam,\n\nSounds good! Send me your three topics and I'll pick one.\n\nAna",
                   now - timedelta(days=2))
            stopping.stop_enrollments(workspace.id, "replied", site_id=contact.site_id)
            counts["replies"] += 1
        elif story == "away":
            back = (now + timedelta(days=4)).date()
            _reply(enrollment, message, "out_of_office", "Automatic reply: Out of office",
                   f"I'm out of the office until {back:%d %B}, with limited access to email.", now - timedelta(days=4),
                   return_on=back)
            stopping.pause_contact(workspace.id, contact.id, now + timedelta(days=5), f"out of office until {back}")
            counts["replies"] += 1
        elif story == "follow-up due":
            db.session.refresh(enrollment)
            enrollment.next_due_at = now - timedelta(hours=1)
    return dict(counts)
