"""Subject and body tests in a campaign report: each variant's sent, replies, positive replies, opens, clicks."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, exists, func, select

from crm.campaigns.definitions import CLICKED_STATUSES, OPENED_STATUSES, REPLY_KINDS
from crm.campaigns.reporting import figures
from crm.campaigns.reporting.significance import TEST_NAME, Verdict, winner
from crm.extensions import db
from crm.outreach.models import OutboundMessage, Reply, Sequence, Template


@dataclass(frozen=True)
class VariantRow:
    """One variant of a step: its template and what its sent messages got (each count out of `sent`)."""

    label: str
    template: str
    sent: int
    replied: int
    positive: int
    opened: int
    clicked: int

    def rate(self, what: str) -> float | None:
        """Share of this variant's sent messages that got `what` (replied, positive, opened, clicked)."""
        return figures.rate(getattr(self, what), self.sent)


@dataclass(frozen=True)
class VariantTest:
    """A step that tested variants, and whether one of them won on replies."""

    step: str
    rows: list[VariantRow]
    verdict: Verdict

    test_name = TEST_NAME

    @property
    def winner(self) -> str | None:
        """The winning variant's label, or None."""
        return None if self.verdict.winner is None else self.rows[self.verdict.winner].label


def _flag(condition):
    return func.sum(case((condition, 1), else_=0))


def variant_counts(workspace_id: int, campaign_id: int) -> dict[tuple[int | None, int, str], dict]:
    """Per (sequence, step position, variant): the template and counted messages, by crm.campaigns.definitions."""
    def answered(*extra):
        return exists().where(Reply.message_id == OutboundMessage.id, Reply.workspace_id == workspace_id,
                              Reply.kind.in_(REPLY_KINDS), *extra)

    query = (
        select(OutboundMessage.sequence_id, OutboundMessage.step_position, OutboundMessage.variant,
               func.max(OutboundMessage.template_id), func.count(), _flag(answered()),
               _flag(answered(Reply.positive.is_(True))), _flag(OutboundMessage.status.in_(OPENED_STATUSES)),
               _flag(OutboundMessage.status.in_(CLICKED_STATUSES)))
        .where(OutboundMessage.workspace_id == workspace_id, OutboundMessage.campaign_id == campaign_id,
               OutboundMessage.sent_at.is_not(None), OutboundMessage.variant != "")
        .group_by(OutboundMessage.sequence_id, OutboundMessage.step_position, OutboundMessage.variant)
    )
    return {
        (sequence_id, position, variant): {"template_id": template_id, "sent": int(sent), "replied": int(replied or 0),
                                           "positive": int(positive or 0), "opened": int(opened or 0),
                                           "clicked": int(clicked or 0)}
        for sequence_id, position, variant, template_id, sent, replied, positive, opened, clicked
        in db.session.execute(query)
    }


def variant_tests(workspace_id: int, campaign_id: int) -> list[VariantTest]:
    """The campaign's tested steps in order, each variant's figures and the verdict on replies."""
    counts = variant_counts(workspace_id, campaign_id)
    template_ids = {c["template_id"] for c in counts.values() if c["template_id"] is not None}
    sequence_ids = {key[0] for key in counts if key[0] is not None}
    names = dict(db.session.execute(select(Template.id, Template.name).where(Template.id.in_(template_ids))).all()
                 ) if template_ids else {}
    sequences = dict(db.session.execute(select(Sequence.id, Sequence.name).where(Sequence.id.in_(sequence_ids))
                                        ).all()) if sequence_ids else {}
    steps: dict[tuple[int | None, int], list[VariantRow]] = {}
    for (sequence_id, position, label), c in sorted(counts.items(), key=lambda item: (
            item[0][0] or 0, item[0][1], item[0][2])):
        steps.setdefault((sequence_id, position), []).append(VariantRow(
            label, names.get(c["template_id"], "Template deleted"), c["sent"], c["replied"], c["positive"],
            c["opened"], c["clicked"]))
    several = len(sequence_ids) > 1
    tests = []
    for (sequence_id, position), rows in steps.items():
        title = f"Step {position}" if position > 1 else "Step 1 (first pitch)"
        if several:
            title = f"{sequences.get(sequence_id) or 'Sequence'} · {title}"
        tests.append(VariantTest(title, rows, winner([(r.replied, r.sent) for r in rows])))
    return tests
