"""Link quality: an explained, versioned 0-100 score for live links, harm flags and disavow files (pure functions)."""

from crm.quality.disavow import DisavowEntry, disavow_file, harm_flags, normalise_domain
from crm.quality.facts import SCORED_STATUSES, STATUSES, LinkFacts
from crm.quality.relevance import (
    IdfModel,
    relevance_value,
    shared_terms,
    similarity,
    tokenize,
)
from crm.quality.score import (
    DEFAULT_WEIGHTS,
    SCORE_VERSION,
    Component,
    Gate,
    QualityScore,
    score_link,
    validate_weights,
)
from crm.quality.trust import PageSignals, page_signals

__all__ = [
    "DEFAULT_WEIGHTS",
    "SCORED_STATUSES",
    "SCORE_VERSION",
    "STATUSES",
    "Component",
    "DisavowEntry",
    "Gate",
    "IdfModel",
    "LinkFacts",
    "PageSignals",
    "QualityScore",
    "disavow_file",
    "harm_flags",
    "normalise_domain",
    "page_signals",
    "relevance_value",
    "score_link",
    "shared_terms",
    "similarity",
    "tokenize",
    "validate_weights",
]
