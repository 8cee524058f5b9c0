"""Contact discovery: read a site's home, contact, about, write-for-us and author pages for addresses on its domain.

Pages are fetched through the safe fetcher (crm.net) under the app's FETCH_* settings; addresses are found
by emails.extract_emails (mailto links, protected links, visible and obfuscated text), kept only on the
site's registrable domain, ranked best first, and stored with the job for someone to add.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from crm.extensions import db
from crm.net import Fetcher, FetchPolicy, FetchResult
from crm.net.domains import registrable_domain
from crm.prospects import progress
from crm.prospects.discoverpages import charset_of, pick_pages
from crm.prospects.emails import FoundEmail, extract_emails, rank_contacts
from crm.prospects.models import Contact, ProspectJob, Site

MAX_SITES = 500  # per discovery job
Progress = Callable[[str, int, int | None], None]


class DiscoveryError(ValueError):
    """Discovery that cannot start; the message says why."""


def policy() -> FetchPolicy:
    """The fetch policy from the app's settings (FETCH_ALLOW_PRIVATE_NETWORKS and the rest)."""
    return FetchPolicy.from_mapping(current_app.config)


def home_url(site: Site) -> str:
    """Where a site's pages are read from: its homepage, or https://domain/."""
    return site.homepage or f"https://{site.domain}/"


def _emails(result: FetchResult, domain: str) -> list[FoundEmail]:
    """Addresses on one fetched page that belong to the site's registrable domain."""
    if not result.ok or not result.body or result.status is None or result.status >= 400:
        return []
    found = extract_emails(result.body, result.final_url, encoding=charset_of(result.headers.get("content-type", "")),
                           site_domain=domain)
    return [f for f in found if registrable_domain(f.email.rpartition("@")[2]) == domain]


def _page_note(result: FetchResult) -> dict:
    """What happened when a page was read, for the results page."""
    if result.error:
        return {"url": result.url, "status": None, "error": result.error_detail or result.error}
    return {"url": result.url, "status": result.status, "error": ""}


def discover(sites: Sequence[Site], fetcher: Fetcher, report: Progress | None = None) -> list[dict]:
    """Read each site's pages and return, per site, its ranked addresses and the pages read."""
    homes = {home_url(s): s for s in sites}
    found: dict[int, list[FoundEmail]] = defaultdict(list)
    pages: dict[int, list[dict]] = defaultdict(list)
    follow: list[tuple[str, Site]] = []
    for done, result in enumerate(fetcher.fetch_many(list(homes)), 1):
        site = homes[result.url]
        pages[site.id].append(_page_note(result))
        found[site.id].extend(_emails(result, site.domain))
        if result.ok and result.body:
            charset = charset_of(result.headers.get("content-type", ""))
            follow.extend((url, site) for url in pick_pages(result.body, result.final_url, encoding=charset))
        if report:
            report("Reading home pages", done, len(sites))
    by_url: dict[str, list[Site]] = defaultdict(list)
    for url, site in follow:
        by_url[url].append(site)
    for done, result in enumerate(fetcher.fetch_many(list(by_url)), 1):
        for site in by_url[result.url]:
            pages[site.id].append(_page_note(result))
            found[site.id].extend(_emails(result, site.domain))
        if report:
            report("Reading contact and about pages", done, len(by_url))
    return [{"site_id": s.id, "domain": s.domain, "pages": pages[s.id],
             "found": [{"email": f.email.lower(), "page_url": f.page_url, "via": f.via, "name": f.name,
                        "is_role": f.is_role} for f in rank_contacts(found[s.id])]} for s in sites]


def mark_known(workspace_id: int, results: list[dict]) -> None:
    """Flag addresses that are already contacts (of this site or another)."""
    emails = [f["email"] for r in results for f in r["found"]]
    known: dict[str, str] = {}
    for start in range(0, len(emails), 500):
        query = select(func.lower(Contact.email), Site.domain).join(Site, Site.id == Contact.site_id).where(
            Contact.workspace_id == workspace_id, func.lower(Contact.email).in_(emails[start : start + 500]))
        known.update(db.session.execute(query).all())
    for result in results:
        for item in result["found"]:
            item["known"] = known.get(item["email"], "")


def start(workspace_id: int, site_ids: Sequence[int], user_id: int | None) -> ProspectJob:
    """Queue discovery for some of the workspace's sites; DiscoveryError when there is nothing to do."""
    ids = sorted(set(site_ids))
    if not ids:
        raise DiscoveryError("Choose some sites first.")
    if len(ids) > MAX_SITES:
        raise DiscoveryError(f"Discover contacts for at most {MAX_SITES} sites at a time.")
    found = db.session.scalar(select(func.count()).where(Site.workspace_id == workspace_id, Site.id.in_(ids)))
    if found != len(ids):
        raise DiscoveryError("Some of the chosen sites no longer exist; reload the list and try again.")
    return progress.create(workspace_id, "discovery", {"site_ids": ids}, user_id)


def run_job(job_id: int) -> None:
    """The background discovery: fetch, extract, rank, store the findings with the job."""
    job = db.session.get(ProspectJob, job_id)
    if job is None or job.finished:
        return
    progress.start(job)
    try:
        sites = list(db.session.scalars(select(Site).where(Site.workspace_id == job.workspace_id,
                                                           Site.id.in_(job.params.get("site_ids", [])))
                                        .order_by(Site.domain)))
        with Fetcher(policy()) as fetcher:
            results = discover(sites, fetcher, progress.Reporter(job_id))
        mark_known(job.workspace_id, results)
        progress.finish(job, {"sites": results, "found": sum(len(r["found"]) for r in results)})
        db.session.commit()
    except Exception:
        progress.fail(job_id, "Discovery stopped on an unexpected error. It has been logged.")
        raise
    progress.clear(job_id)


def add_discovered(job: ProspectJob, picked: set[str], everything: bool, site_id: str | None,
                   actor_id: int | None) -> tuple[int, list[str]]:
    """Add a finished job's addresses as contacts: the picked ("site_id:email"), a site's, or all; (added, skipped)."""
    from crm.prospects import contacts

    results = (job.result or {}).get("sites", [])
    added, skipped = 0, []
    for result in results:
        query = select(Site).where(Site.id == result["site_id"], Site.workspace_id == job.workspace_id)
        site = db.session.scalar(query)
        if site is None or (site_id and site_id != str(site.id)):
            continue
        if everything or site_id:
            wanted = [f for f in result["found"] if not f.get("known")]
        else:
            wanted = [f for f in result["found"] if f"{site.id}:{f['email']}" in picked]
        if wanted:
            n, why = contacts.add_found(site, wanted, actor_id)
            added, skipped = added + n, skipped + why
    if added:
        mark_known(job.workspace_id, results)  # the added addresses now show as contacts
        job.result = {**(job.result or {}), "sites": results}  # adding committed, so the row was reloaded
        flag_modified(job, "result")
        db.session.commit()
    return added, skipped
