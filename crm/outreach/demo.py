"""Demo data for outreach: templates, a sender, a sequence for the demo campaign, mail sent, due and replied to.

Outreach reads no campaign or prospect here (DESIGN §2): campaigns' demo step (crm.campaigns.demo_outreach) calls
prepare() for the templates and the sender, chooses the campaign, and hands its people down to fill() as plain
Addressee values. Safe to run twice.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from crm.accounts.models import Workspace
from crm.db import utcnow
from crm.extensions import db
from crm.outreach import stopping, threads
from crm.outreach.launching import Addressee
from crm.outreach.models import Enrollment, Reply, SenderIdentity, Sequence, SequenceStep, Template
from crm.outreach.recording import mark_sent
from crm.outreach.sequencing import CapPlanner, queue_step

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


def campaigns_in_use(workspace_id: int, sender_id: int):
    """The ids of campaigns whose sequence is another sender's, which the demo leaves alone (a select for a query)."""
    return select(Sequence.campaign_id).where(Sequence.workspace_id == workspace_id,
                                              Sequence.sender_id.is_distinct_from(sender_id))


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


@dataclass
class Kit:
    """What the demo's sequence is made of: its templates and sender, and the counts of what was made so far."""

    templates: list[Template]
    sender: SenderIdentity
    counts: Counter = field(default_factory=Counter)


def prepare(workspace: Workspace) -> Kit:
    """The demo's templates and sender, made unless the workspace has them."""
    counts: Counter = Counter()
    templates = _templates(workspace, counts)
    sender = _sender(workspace, counts)
    db.session.flush()
    return Kit(templates, sender, counts)


def fill(workspace: Workspace, kit: Kit, campaign_id: int, people: list[Addressee]) -> dict[str, int]:
    """The campaign's sequence and mail for these people: sent, due, replied to; returns counts of what was made."""
    counts, now = kit.counts, utcnow()
    sequence = _sequence(workspace, campaign_id, kit.sender, kit.templates)
    planner = CapPlanner(kit.sender)
    first = sequence.steps[0]
    for index, person in enumerate(people):
        if db.session.scalar(select(Enrollment.id).where(Enrollment.sequence_id == sequence.id,
                                                         Enrollment.contact_id == person.id)):
            continue
        days_ago, story = STORIES[index] if index < len(STORIES) else (0, "due")
        enrolled = now - timedelta(days=days_ago)
        enrollment = Enrollment(workspace_id=workspace.id, sequence=sequence, opportunity_id=person.opportunity_id,
                                contact_id=person.id, site_id=person.site_id, created_at=enrolled,
                                context=person.context)
        db.session.add(enrollment)
        db.session.flush()
        message = queue_step(enrollment, first, enrolled, planner, person.timezone).message
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
            stopping.stop_enrollments(workspace.id, "replied", site_id=person.site_id)
            counts["replies"] += 1
        elif story == "away":
            back = (now + timedelta(days=4)).date()
            _reply(enrollment, message, "out_of_office", "Automatic reply: Out of office",
                   f"I'm out of the office until {back:%d %B}, with limited access to email.", now - timedelta(days=4),
                   return_on=back)
            stopping.pause_contact(workspace.id, person.id, now + timedelta(days=5), f"out of office until {back}")
            counts["replies"] += 1
        elif story == "follow-up due":
            db.session.refresh(enrollment)
            enrollment.next_due_at = now - timedelta(hours=1)
    return dict(counts)
