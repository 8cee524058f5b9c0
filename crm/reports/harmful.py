"""Harmful-link review: flagged links grouped by domain, remembered disavow/keep decisions, the disavow file."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import String, and_, cast, func, or_, select

from crm.campaigns.reporting import figures
from crm.campaigns.reporting.figures import ON_PAGE_STATUSES
from crm.db import utcnow
from crm.extensions import db
from crm.links.models import Backlink
from crm.net.domains import normalise_host, registrable_domain
from crm.net.urls import host_of
from crm.quality.disavow import LOW_SCORE_BELOW, DisavowEntry, disavow_file, normalise_domain, normalise_url
from crm.reports.models import DisavowDecision

DECISIONS = ("disavow", "keep")
SCOPES = ("domain", "url")
_COMMENT_REASONS = 3


class DecisionError(ValueError):
    """A decision that cannot be recorded, with a message for the user."""


@dataclass(frozen=True)
class FlaggedLink:
    """A link with reasons to think it may hurt."""

    id: int
    source_url: str
    url_key: str | None  # the URL as a disavow file writes it; None when it cannot be written there
    domain: str
    target_url: str
    status: str
    score: int | None
    reasons: list[str]
    campaign_id: int | None


@dataclass
class DomainGroup:
    """The flagged links of one domain and what was decided for the domain and for each URL."""

    domain: str
    links: list[FlaggedLink] = field(default_factory=list)
    decision: DisavowDecision | None = None
    url_decisions: dict[str, DisavowDecision] = field(default_factory=dict)

    @property
    def reasons(self) -> list[str]:
        """Every reason given for the domain's links, once each."""
        return list(dict.fromkeys(reason for link in self.links for reason in link.reasons))

    @property
    def undecided(self) -> bool:
        """True when neither the domain nor every one of its URLs has a decision."""
        return self.decision is None and any(link.url_key not in self.url_decisions for link in self.links)


def harm_candidates():
    """Links worth looking at in SQL; the exact rule (figures.harm_reasons) is applied to what comes back."""
    stored = and_(Backlink.harm_reasons.is_not(None), cast(Backlink.harm_reasons, String).not_in(["null", "[]"]))
    weak = and_(Backlink.status.in_(ON_PAGE_STATUSES), Backlink.score < LOW_SCORE_BELOW)
    return or_(stored, weak)


def domain_of(source_domain: str, source_url: str = "") -> str:
    """The domain a disavow decision covers: the registrable domain of the link's host."""
    host = normalise_host(source_domain or host_of(source_url or "") or "")
    # Hosts outside the public suffix list (intranets, test domains): their last two labels stand in.
    return registrable_domain(host) or ".".join(host.split(".")[-2:])


def _url_key(url: str) -> str | None:
    try:
        return normalise_url(url)[0]
    except ValueError:
        return None


def flagged_links(workspace_id: int) -> list[FlaggedLink]:
    """Every link in the workspace with harm reasons, by domain then URL."""
    query = select(
        Backlink.id, Backlink.source_url, Backlink.source_domain, Backlink.target_url, Backlink.status,
        Backlink.score, Backlink.harm_reasons, Backlink.campaign_id,
    ).where(Backlink.workspace_id == workspace_id, harm_candidates())
    links = []
    for link_id, url, host, target, status, score, stored, campaign_id in db.session.execute(query):
        reasons = figures.harm_reasons(stored if isinstance(stored, list) else None, score, status)
        if reasons:
            links.append(FlaggedLink(link_id, url, _url_key(url), domain_of(host, url), target, status, score,
                                     reasons, campaign_id))
    return sorted(links, key=lambda link: (link.domain, link.source_url, link.id))


def flagged_count(workspace_id: int) -> int:
    """How many links may hurt (cheap upper bound used on the dashboard, exact unless reasons are blank)."""
    return db.session.scalar(
        select(func.count()).select_from(Backlink).where(Backlink.workspace_id == workspace_id, harm_candidates())
    ) or 0


def decisions(workspace_id: int) -> dict[tuple[str, str], DisavowDecision]:
    """Remembered decisions by (kind, value)."""
    rows = db.session.scalars(select(DisavowDecision).where(DisavowDecision.workspace_id == workspace_id))
    return {(row.kind, row.value): row for row in rows}


def review(workspace_id: int) -> list[DomainGroup]:
    """Flagged links grouped by domain with their decisions; undecided domains first."""
    remembered = decisions(workspace_id)
    groups: dict[str, DomainGroup] = {}
    for link in flagged_links(workspace_id):
        group = groups.setdefault(link.domain, DomainGroup(link.domain, decision=remembered.get(("domain",
                                                                                                 link.domain))))
        group.links.append(link)
        if link.url_key and ("url", link.url_key) in remembered:
            group.url_decisions[link.url_key] = remembered[("url", link.url_key)]
    return sorted(groups.values(), key=lambda g: (not g.undecided, g.domain))


def decide(workspace_id: int, user_id: int | None, link: Backlink, scope: str, decision: str,
           comment: str = "") -> str:
    """Remember disavow/keep for a link's domain or URL ("undecided" forgets it); commits; returns a message."""
    if scope not in SCOPES or decision not in (*DECISIONS, "undecided"):
        raise DecisionError("Choose disavow, keep or undecided for a domain or a URL.")
    try:
        value = (normalise_domain(domain_of(link.source_domain, link.source_url)) if scope == "domain"
                 else normalise_url(link.source_url)[0])
    except ValueError as exc:
        raise DecisionError(f"This {scope} cannot go in a disavow file: {exc}") from None
    row = db.session.scalar(select(DisavowDecision).where(
        DisavowDecision.workspace_id == workspace_id, DisavowDecision.kind == scope, DisavowDecision.value == value
    ))
    if decision == "undecided":
        if row is not None:
            db.session.delete(row)
        db.session.commit()
        return f"{value}: decision cleared."
    if row is None:
        row = DisavowDecision(workspace_id=workspace_id, kind=scope, value=value)
        db.session.add(row)
    row.decision, row.comment = decision, (comment or "").strip()[:500]
    row.decided_by_id, row.decided_at = user_id, utcnow()
    db.session.commit()
    return f"{value}: {'will be disavowed' if decision == 'disavow' else 'kept'}."


def disavow_entries(workspace_id: int) -> list[DisavowEntry]:
    """The chosen domains and URLs, each with its note or the reasons its links were flagged."""
    reasons: dict[tuple[str, str], list[str]] = {}
    for link in flagged_links(workspace_id):
        reasons.setdefault(("domain", link.domain), []).extend(link.reasons)
        if link.url_key:
            reasons.setdefault(("url", link.url_key), []).extend(link.reasons)
    entries = []
    for (kind, value), row in sorted(decisions(workspace_id).items()):
        if row.decision != "disavow":
            continue
        why = row.comment or "; ".join(list(dict.fromkeys(reasons.get((kind, value), [])))[:_COMMENT_REASONS])
        entries.append(DisavowEntry(f"domain:{value}" if kind == "domain" else value, why))
    return entries


def disavow_text(workspace) -> str:
    """The Google disavow file for the workspace's chosen domains and URLs."""
    header = [f"Disavow file for {workspace.name}",
              f"Reviewed in Outreach CRM; exported {utcnow():%Y-%m-%d %H:%M} UTC"]
    return disavow_file(disavow_entries(workspace.id), header=header)
