"""Templates, sender identities, sequences, the outbox, webhook events, replies and suppression."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.db import TimestampMixin, UTCDateTime, WorkspaceScoped, utcnow
from crm.extensions import db

MESSAGE_STATUSES = (
    "queued", "sending", "sent", "delivered", "opened", "clicked", "bounced", "failed", "unknown", "cancelled",
)
REPLY_KINDS = ("human", "out_of_office", "unsubscribe", "bounce")
ENROLLMENT_STATUSES = ("active", "paused", "stopped", "finished")


class Template(WorkspaceScoped, TimestampMixin, db.Model):
    """A pitch or follow-up written by a user, with merge fields."""

    __tablename__ = "template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)


class SenderIdentity(WorkspaceScoped, TimestampMixin, db.Model):
    """Who mail comes from, how much of it a day, and when."""

    __tablename__ = "sender_identity"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_name: Mapped[str] = mapped_column(String(120))
    from_email: Mapped[str] = mapped_column(String(254))
    reply_domain: Mapped[str] = mapped_column(String(253), default="")  # empty: the REPLY_DOMAIN setting
    daily_cap: Mapped[int] = mapped_column(default=50)
    window_days: Mapped[str] = mapped_column(String(7), default="12345")  # ISO weekdays, 1 = Monday
    window_start: Mapped[str] = mapped_column(String(5), default="09:00")
    window_end: Mapped[str] = mapped_column(String(5), default="17:00")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    use_recipient_timezone: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # its own mailbox, optional: an empty host means none. Security is "tls" (implicit), "starttls" or "plain"
    # (loopback only); passwords are sealed with crm.sealing and only ever opened to connect.
    smtp_host: Mapped[str] = mapped_column(String(253), default="")
    smtp_port: Mapped[int | None] = mapped_column(Integer)
    smtp_security: Mapped[str] = mapped_column(String(10), default="")
    smtp_user: Mapped[str] = mapped_column(String(254), default="")
    smtp_password_sealed: Mapped[str] = mapped_column(Text, default="")
    imap_host: Mapped[str] = mapped_column(String(253), default="")
    imap_port: Mapped[int | None] = mapped_column(Integer)
    imap_security: Mapped[str] = mapped_column(String(10), default="")
    imap_user: Mapped[str] = mapped_column(String(254), default="")
    imap_password_sealed: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:  # no sealed passwords in logs or tracebacks
        return f"<SenderIdentity {self.id} {self.from_email}>"


class Sequence(WorkspaceScoped, TimestampMixin, db.Model):
    """A campaign's first pitch and follow-ups, sent from one identity."""

    __tablename__ = "sequence"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("sender_identity.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(120), default="Main sequence")
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft, active, paused
    launched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sender: Mapped[SenderIdentity | None] = relationship()
    steps: Mapped[list[SequenceStep]] = relationship(
        back_populates="sequence", cascade="all, delete-orphan", order_by="SequenceStep.position"
    )


class SequenceStep(WorkspaceScoped, db.Model):
    """One message of a sequence: its template and how many business days after the previous one."""

    __tablename__ = "sequence_step"
    __table_args__ = (UniqueConstraint("sequence_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence_id: Mapped[int] = mapped_column(ForeignKey("sequence.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()  # 1 = first pitch
    template_id: Mapped[int] = mapped_column(ForeignKey("template.id", ondelete="RESTRICT"))
    delay_business_days: Mapped[int] = mapped_column(default=0)

    sequence: Mapped[Sequence] = relationship(back_populates="steps")
    template: Mapped[Template] = relationship()
    # the step's own template is variant A; these are B, C and D of a subject and body test
    variants: Mapped[list[StepVariant]] = relationship(
        back_populates="step", cascade="all, delete-orphan", order_by="StepVariant.label"
    )


class StepVariant(WorkspaceScoped, db.Model):
    """Another template a step sends to its share of the recipients, so the step's versions can be compared."""

    __tablename__ = "sequence_step_variant"
    __table_args__ = (UniqueConstraint("step_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("sequence_step.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(1))  # B, C or D
    template_id: Mapped[int] = mapped_column(ForeignKey("template.id", ondelete="RESTRICT"), index=True)

    step: Mapped[SequenceStep] = relationship(back_populates="variants")
    template: Mapped[Template] = relationship()


class Enrollment(WorkspaceScoped, TimestampMixin, db.Model):
    """A contact's way through a sequence: where they are, and why it stopped or paused."""

    __tablename__ = "enrollment"
    __table_args__ = (
        UniqueConstraint("sequence_id", "contact_id"),
        Index("ix_enrollment_due", "status", "next_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence_id: Mapped[int] = mapped_column(ForeignKey("sequence.id", ondelete="CASCADE"))
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    stop_reason: Mapped[str] = mapped_column(String(40), default="")
    next_position: Mapped[int] = mapped_column(default=1)
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the merge fields the launch checklist approved, so follow-ups render from what was reviewed
    context: Mapped[dict | None] = mapped_column(JSON)

    sequence: Mapped[Sequence] = relationship()
    contact = relationship("Contact")


class OutboundMessage(WorkspaceScoped, TimestampMixin, db.Model):
    """The outbox: one row per message, unique per (campaign, step, contact), claimed by workers with a lease."""

    __tablename__ = "outbound_message"
    __table_args__ = (Index("ix_outbound_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="SET NULL"), index=True)
    sequence_id: Mapped[int | None] = mapped_column(ForeignKey("sequence.id", ondelete="SET NULL"))
    step_id: Mapped[int | None] = mapped_column(ForeignKey("sequence_step.id", ondelete="SET NULL"), index=True)
    step_position: Mapped[int] = mapped_column(default=1)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("template.id", ondelete="SET NULL"), index=True)
    variant: Mapped[str] = mapped_column(String(1), default="")  # A-D when its step tests variants, else empty
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollment.id", ondelete="SET NULL"), index=True)
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity.id", ondelete="SET NULL"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="SET NULL"), index=True)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("sender_identity.id", ondelete="SET NULL"))
    to_email: Mapped[str] = mapped_column(String(254))
    # the contact's time zone when the row was queued: the sending window of a sender that follows the recipient's
    recipient_timezone: Mapped[str] = mapped_column(String(64), default="", server_default="")
    to_name: Mapped[str] = mapped_column(String(200), default="")
    from_email: Mapped[str] = mapped_column(String(254))
    from_name: Mapped[str] = mapped_column(String(200), default="")
    reply_to: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(500))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    message_id_header: Mapped[str] = mapped_column(String(255), default="")  # RFC 5322 Message-ID, for threading
    in_reply_to: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(20), default="queued")
    provider_message_id: Mapped[str | None] = mapped_column(String(255), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # set (and committed) just before the request to the provider: a lapsed lease with this set may have sent
    request_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_event_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")


class EmailEvent(db.Model):
    """A SendGrid Event Webhook event, stored once by its event id."""

    __tablename__ = "email_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int | None] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"), index=True)
    provider_event_id: Mapped[str] = mapped_column(String(255), unique=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbound_message.id", ondelete="SET NULL"), index=True)
    event: Mapped[str] = mapped_column(String(40))
    email: Mapped[str] = mapped_column(String(254), default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    payload: Mapped[dict] = mapped_column(JSON)


class Reply(WorkspaceScoped, db.Model):
    """An inbound email matched to our outreach, classified and sanitised for display."""

    __tablename__ = "reply"
    __table_args__ = (UniqueConstraint("workspace_id", "dedupe_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(255))  # the inbound Message-ID (or a digest): repeats change nothing
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbound_message.id", ondelete="SET NULL"), index=True)
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollment.id", ondelete="SET NULL"))
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity.id", ondelete="SET NULL"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="SET NULL"), index=True)
    from_email: Mapped[str] = mapped_column(String(254))
    from_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    html_sanitized: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default="human")
    return_on: Mapped[date | None] = mapped_column(Date)  # out-of-office return date, when stated
    matched_by: Mapped[str] = mapped_column(String(20), default="")  # token, in_reply_to, references, sender
    headers: Mapped[dict | None] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    positive: Mapped[bool] = mapped_column(default=False)  # the marketer marked it a good answer


class Suppression(db.Model):
    """An address or a whole domain never to be mailed, in one workspace or everywhere (workspace_id NULL)."""

    __tablename__ = "suppression"
    __table_args__ = (
        UniqueConstraint("workspace_id", "kind", "value"),
        Index("ix_suppression_value", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("workspace.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # address, domain
    value: Mapped[str] = mapped_column(String(254))  # lower-case
    reason: Mapped[str] = mapped_column(String(30))  # unsubscribe, bounce, spam_report, manual, do_not_contact
    source: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecipientBlock(WorkspaceScoped, db.Model):
    """A contact's or a site's status as prospects last announced it (one of the two ids set): any status but
    ok/active forbids mail, so the outbox refuses it without reading prospects' tables."""

    __tablename__ = "recipient_block"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), unique=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # when prospects changed it


class InboundAddress(TimestampMixin, db.Model):
    """A workspace's own Inbound Parse address: the secret's hash to find it, a sealed copy to show it again."""

    __tablename__ = "inbound_address"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the secret in the URL
    secret_sealed: Mapped[str] = mapped_column(Text)  # Fernet, key derived from SECRET_KEY


class MailboxFolder(WorkspaceScoped, db.Model):
    """One IMAP folder of a sender's mailbox: the UIDVALIDITY and last UID stored, so no message is read twice."""

    __tablename__ = "mailbox_folder"
    __table_args__ = (UniqueConstraint("sender_identity_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_identity_id: Mapped[int] = mapped_column(ForeignKey("sender_identity.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    uidvalidity: Mapped[int | None] = mapped_column(db.BigInteger)  # None: never synced, the look-back applies
    last_uid: Mapped[int] = mapped_column(db.BigInteger, default=0)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")


THREAD_STATES = ("needs_reply", "waiting", "done")


class Thread(WorkspaceScoped, TimestampMixin, db.Model):
    """The conversation with one contact about one opportunity: its messages and replies are the rows that share
    the contact and opportunity. Kept by outreach's services: a reply makes it need a reply, an answer makes it wait.
    """

    __tablename__ = "thread"
    __table_args__ = (
        UniqueConstraint("workspace_id", "thread_key"),
        Index("ix_thread_workspace_id_last_inbound_at", "workspace_id", "last_inbound_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_key: Mapped[str] = mapped_column(String(40))  # "contact:opportunity" ("-" for none): one thread each
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity.id", ondelete="SET NULL"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="SET NULL"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(20), default="needs_reply")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_outbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThreadUnread(db.Model):
    """A thread with inbound mail a user has not opened since: made for every member when mail arrives, removed
    when that user opens the thread, so the navigation's count reads only these rows."""

    __tablename__ = "thread_unread"
    __table_args__ = (Index("ix_thread_unread_user_id_workspace_id", "user_id", "workspace_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"), primary_key=True, index=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    since: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Snippet(WorkspaceScoped, TimestampMixin, db.Model):
    """A saved piece of text the workspace inserts into answers."""

    __tablename__ = "snippet"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
