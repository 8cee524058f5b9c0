"""The quality score of each check: site metrics, page text signals and TF-IDF relevance kept per workspace."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from crm.extensions import db
from crm.links import lookups
from crm.links.facts import link_facts, site_metrics
from crm.links.models import Backlink, IdfState, PageText
from crm.links.pagefacts import PageRead, read_page
from crm.links.transitions import PRESENT
from crm.links.verifier import Verdict
from crm.net import Fetcher
from crm.quality import IdfModel, LinkFacts, QualityScore, harm_flags, score_link, shared_terms, similarity
from crm.quality.score import validate_weights

TARGET_TEXT_MAX_AGE = timedelta(days=7)
# A target page that could not be read is tried again after a day, not on every batch.
TARGET_RETRY_AFTER = timedelta(days=1)


def configured_weights(config: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """QUALITY_WEIGHTS as a mapping; a JSON object in a string (from an environment variable) is read too."""
    weights = config.get("QUALITY_WEIGHTS")
    if isinstance(weights, str):
        if not weights.strip():
            return None
        try:
            weights = json.loads(weights)
        except json.JSONDecodeError:
            raise ValueError('QUALITY_WEIGHTS must be a JSON object such as {"authority": 30}') from None
    if weights is not None and not isinstance(weights, Mapping):
        raise ValueError('QUALITY_WEIGHTS must be a JSON object such as {"authority": 30}')
    return weights


class QualityContext:
    """Per batch of checks: the weights, each workspace's IDF model, our target pages' texts, site rows."""

    def __init__(self, config: Mapping[str, Any], now: datetime) -> None:
        self.weights = validate_weights(configured_weights(config))  # a bad setting stops the batch clearly
        self.now = now
        self._idf: dict[int, IdfModel] = {}
        self._dirty: set[int] = set()
        self._targets: dict[tuple[int, str], PageText] = {}

    # Our target pages -------------------------------------------------------------------------------
    def prepare_targets(self, backlinks: Iterable[Backlink], fetcher: Fetcher) -> int:
        """Load the target pages' texts, fetching those missing or older than a week; returns pages fetched."""
        keys = {(b.workspace_id, b.target_url) for b in backlinks}
        for workspace_id in {ws for ws, _ in keys}:
            urls = [url for ws, url in keys if ws == workspace_id]
            for row in db.session.scalars(select(PageText).where(PageText.workspace_id == workspace_id,
                                                                  PageText.url.in_(urls))):
                self._targets[(workspace_id, row.url)] = row
        stale = [key for key in keys
                 if key not in self._targets or self._targets[key].fetched_at < self.now - TARGET_TEXT_MAX_AGE]
        if not stale:
            return 0
        fetched = {page.url: page for page in fetcher.fetch_many(sorted({url for _, url in stale}))}
        for workspace_id, url in stale:
            page = fetched.get(url)
            read = read_page(page) if page is not None and page.status == 200 else None
            row = self._targets.get((workspace_id, url))
            if row is None:
                row = PageText(workspace_id=workspace_id, url=url, text="")
                db.session.add(row)
                self._targets[(workspace_id, url)] = row
            if read is not None and read.text:
                row.text, row.language, row.fetched_at = read.text, (read.language or "")[:20], self.now
            else:
                row.fetched_at = self.now - TARGET_TEXT_MAX_AGE + TARGET_RETRY_AFTER
        return len(fetched)

    # The workspace's IDF model ------------------------------------------------------------------------
    def idf(self, workspace_id: int) -> IdfModel:
        """The workspace's document frequencies (fitted on the linking pages it has fetched)."""
        model = self._idf.get(workspace_id)
        if model is None:
            state = db.session.scalar(select(IdfState).where(IdfState.workspace_id == workspace_id))
            try:
                model = IdfModel.from_dict(state.model) if state is not None else IdfModel()
            except ValueError:
                model = IdfModel()  # a damaged model is rebuilt from the pages fetched from now on
            self._idf[workspace_id] = model
        return model

    def remember_page(self, workspace_id: int, url: str, read: PageRead) -> None:
        """Keep a linking page's main text and count it (once, whatever how often it is fetched) in the IDF."""
        if not read.text:
            return
        model = self.idf(workspace_id)
        row = db.session.scalar(select(PageText).where(PageText.workspace_id == workspace_id, PageText.url == url))
        if row is None:
            row = PageText(workspace_id=workspace_id, url=url, text="")
            db.session.add(row)
        elif row.text == read.text:
            row.fetched_at = self.now
            return
        if row.text:
            model.remove(row.text)
        model.add(read.text)
        row.text, row.language, row.fetched_at = read.text, (read.language or "")[:20], self.now
        self._dirty.add(workspace_id)

    def flush(self) -> None:
        """Write the changed IDF models back (the caller commits)."""
        for workspace_id in sorted(self._dirty):
            state = db.session.scalar(select(IdfState).where(IdfState.workspace_id == workspace_id))
            if state is None:
                state = IdfState(workspace_id=workspace_id, model={})
                db.session.add(state)
            state.model, state.updated_at = self._idf[workspace_id].to_dict(), self.now
        self._dirty.clear()

    # One link ---------------------------------------------------------------------------------------
    def site_for(self, backlink: Backlink) -> Any | None:
        """The prospect site of the source page (by id, else by registrable domain, remembered on the backlink)."""
        site = lookups.site_by_id(backlink.workspace_id, backlink.site_id)
        if site is None:
            site = lookups.site_by_domain(backlink.workspace_id, backlink.source_domain)
            if site is not None:
                backlink.site_id = site.id
        return site

    def score(self, backlink: Backlink, verdict: Verdict,
              read: PageRead | None) -> tuple[QualityScore, LinkFacts, dict]:
        """The score of one check, its facts, and extra detail for the explanation (shared terms)."""
        site = self.site_for(backlink)
        target = self._targets.get((backlink.workspace_id, backlink.target_url))
        relevance, terms = None, []
        if verdict.status in PRESENT and read is not None and read.text and target is not None and target.text:
            model = self.idf(backlink.workspace_id)
            relevance = similarity(read.text, target.text, model)
            terms = shared_terms(read.text, target.text, model)
        facts = link_facts(verdict, read, metrics=site_metrics(site), relevance=relevance,
                           target_language=(target.language or None) if target is not None else None)
        result = score_link(facts, self.weights)
        detail = {**result.to_dict(), "explanation": result.explain(), "shared_terms": terms,
                  "harm": harm_flags(facts, result) if result.score is not None else []}
        return result, facts, detail
