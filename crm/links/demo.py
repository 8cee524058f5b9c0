"""`flask demo` part for links: backlinks with check histories, scores and alerts, made without any network."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from crm.db import utcnow
from crm.demo import demo_step
from crm.extensions import db
from crm.links import lookups
from crm.links.facts import site_metrics
from crm.links.models import Backlink, LinkAlert, LinkCheck
from crm.links.monitoring import alert_message
from crm.links.transitions import LIVE, LOST, decide
from crm.links.verifier import Verdict
from crm.quality import LinkFacts, harm_flags, score_link

# Our client's pages (the same ones the demo campaign targets) and the sites that link to them; the sites are
# the prospects demo's when it ran, so each backlink sits on a known site with its metrics.
TARGET = "https://shop.example/trail-running-shoes"
GUIDE = "https://shop.example/guides/choosing-trail-shoes"
TEXT = "Our testers logged 400 miles in each pair before recommending"

# (domain, path, target, anchor, acquisition, cost in cents, story): the statuses of its checks, oldest first.
LINKS = [
    ("runnersroutine.com", "/gear/best-trail-shoes-2025/", TARGET, "best trail shoes", "outreach", 15000,
     ["live", "live", "live"]),
    ("marathonmindset.com", "/training/long-run-kit/", TARGET, "trail running shoes", "paid", 22000,
     ["live", "live_nofollow", "live_nofollow"]),
    ("trailandtent.com", "/guides/what-to-pack/", GUIDE, "trail shoe guide", "outreach", None,
     ["live", "missing", "missing"]),
    ("peakbaggers.org", "/forum/kit-talk/", GUIDE, "how to choose trail shoes", "natural", None,
     ["unverified", "unverified"]),
    ("pedalpowerhub.com", "/blog/cross-training-for-cyclists/", TARGET, "trail running shoes", "outreach", 18000,
     ["live", "live", "missing"]),
    ("linkfarmdirectory.info", "/shopping/footwear/", TARGET, "Trail shoes shop", "self_created", 0,
     ["live_nofollow"]),
]
_REASONS = {"live_nofollow": ["sponsored"], "missing": ["no_link"], "unverified": ["timeout"]}


def _verdict(source: str, target: str, anchor: str, status: str, expected_rel: str) -> Verdict:
    """Evidence as the verifier writes it, for a page that looks like a real blog post."""
    found = status in ("live", "live_nofollow")
    verdict = Verdict(source_url=source, target_url=target, status=status, found=found, final_url=source,
                      http_status=None if status == "unverified" else 200, indexable=status != "unverified",
                      reasons=list(_REASONS.get(status, [])), language="en", encoding="utf-8")
    if found:
        verdict.match, verdict.link_url, verdict.anchor_text = "exact", target, anchor
        verdict.placement, verdict.outbound_links, verdict.links_to_target = "content", 14, 1
        verdict.snippet = f"{TEXT} these {anchor} for long runs."
    if status == "live_nofollow":
        # A paid placement agreed as followed that came back "sponsored"; a directory that never follows.
        verdict.rel = ["sponsored"] if expected_rel == "follow" else ["nofollow"]
        verdict.reasons = [*verdict.rel, *(["rel_mismatch"] if expected_rel == "follow" else [])]
    elif status == "missing":
        verdict.outbound_links = 11
    else:
        verdict.error, verdict.error_detail = "timeout", "the total deadline passed during request"
    return verdict


def _score(verdict: Verdict, site):
    facts = LinkFacts(status=verdict.status, rel=tuple(verdict.rel), placement=verdict.placement or "unknown",
                      outbound_links=verdict.outbound_links or None, word_count=1350, language="en",
                      target_language="en", metrics=site_metrics(site) or {"dr": 41, "traffic": 5200},
                      relevance=0.21)
    return score_link(facts), facts


def link_opportunities(workspace_id: int, by_site: dict[int, tuple[int, int]]) -> int:
    """Tie unlinked backlinks to an opportunity on their site, given as site id → (opportunity id, campaign id)."""
    linked = 0
    for backlink in db.session.scalars(select(Backlink).where(Backlink.workspace_id == workspace_id,
                                                              Backlink.opportunity_id.is_(None),
                                                              Backlink.site_id.is_not(None))):
        if backlink.site_id in by_site:
            backlink.opportunity_id, backlink.campaign_id = by_site[backlink.site_id]
            linked += 1
    return linked


def _make(workspace_id: int, domain: str, path: str, target: str, anchor: str, acquisition: str,
          cost: int | None, story: list[str]) -> Backlink:
    now = utcnow()
    source = f"https://{domain}{path}"
    site = lookups.site_by_domain(workspace_id, domain)
    backlink = Backlink(workspace_id=workspace_id, source_url=source, source_domain=domain, target_url=target,
                        expected_anchor=anchor, expected_rel="follow" if acquisition != "self_created" else "",
                        acquisition=acquisition, self_kind="directory" if acquisition == "self_created" else None,
                        cost_cents=cost, site_id=site.id if site else None, status="unchecked",
                        placed_on=date.today() - timedelta(days=40),
                        score_explanation="", etag="", last_modified="", final_url=source, check_count=0)
    db.session.add(backlink)
    for age, status in zip(range(len(story) - 1, -1, -1), story, strict=True):
        # A week between checks; the newest was made twenty minutes ago.
        when = now - timedelta(days=7 * age, minutes=20)
        verdict = _verdict(source, target, anchor, status, backlink.expected_rel)
        quality, facts = _score(verdict, site)
        db.session.add(LinkCheck(workspace_id=workspace_id, backlink=backlink, checked_at=when, status=status,
                                 found=verdict.found, match=verdict.match, http_status=verdict.http_status,
                                 final_url=source, anchor_text=verdict.anchor_text, placement=verdict.placement,
                                 indexable=verdict.indexable, outbound_links=verdict.outbound_links,
                                 reasons=verdict.reasons, evidence=verdict.to_dict(), score=quality.score,
                                 score_version=quality.version,
                                 score_detail={**quality.to_dict(), "explanation": quality.explain(),
                                               "shared_terms": ["running", "shoe", "marathon"], "harm": []}))
        backlink.check_count += 1
        backlink.last_checked_at = when
        # The same rules as real monitoring: a degrading change waits for a second check to agree.
        decision = decide(status=backlink.status, final_url=source, pending=backlink.pending_status,
                          source_url=source, new_status=status, new_final_url=source)
        if decision.action == "pending":
            backlink.pending_status = decision.pending
            continue
        if decision.action not in ("apply", "same"):
            continue
        backlink.pending_status = None
        if decision.status != backlink.status:
            backlink.status, backlink.status_since = decision.status, when
        change = decision.change
        if change is not None and change.alert:
            db.session.add(LinkAlert(workspace_id=workspace_id, backlink=backlink, kind=change.kind, created_at=when,
                                     old_status=change.old_status, new_status=change.new_status,
                                     message=alert_message(change.kind, backlink, verdict)))
        if status in LIVE:
            backlink.first_live_at = backlink.first_live_at or when
        elif status in LOST:
            backlink.lost_at = when
        backlink.score, backlink.score_version = quality.score, quality.version
        backlink.score_explanation = quality.explain()
        backlink.harm_reasons = harm_flags(facts, quality) if quality.score is not None else None
    # A suspected change is confirmed an hour after it was seen; the others follow the weekly rhythm.
    backlink.next_check_at = now + (timedelta(minutes=40) if backlink.pending_status else timedelta(days=6))
    return backlink


@demo_step("links")
def demo_links(workspace) -> dict[str, int]:
    """Backlinks in every state with their histories; existing ones are left alone, so it can run twice."""
    existing = {(row.source_url, row.target_url) for row in db.session.execute(
        select(Backlink.source_url, Backlink.target_url).where(Backlink.workspace_id == workspace.id))}
    made = 0
    for domain, path, target, anchor, acquisition, cost, story in LINKS:
        if (f"https://{domain}{path}", target) not in existing:
            _make(workspace.id, domain, path, target, anchor, acquisition, cost, story)
            made += 1
    db.session.flush()
    return {"backlinks": made}
