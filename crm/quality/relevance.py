"""Topical relevance between two pages: pure-Python TF-IDF cosine with a workspace-fitted IDF.

Why TF-IDF and not a sentence-embedding model (e.g. all-MiniLM-L6-v2):
- install size and CI time: an embedding model needs torch (hundreds of MB of wheels) plus the
  weights, and minutes of install on every CI run; this module needs nothing but the standard library;
- determinism: integer term counts, a fixed tokenizer and math.fsum give the same number on every
  machine and every run, so a stored score never drifts because a library changed its kernels;
- explainability: the terms two pages share, weighted by how rare they are in the workspace's own
  pages, can be shown to a marketer (`shared_terms`); an embedding distance cannot be explained;
- the IDF is fitted on the pages the workspace has fetched, so words common in its niche count less.
What it gives up: synonyms ("sneakers" vs "trainers") and languages other than English are only
matched word for word. A model could later sit behind the same `similarity` signature.

Cosine to 0-1 (`relevance_value`): raw TF-IDF cosine between genuinely related pages is usually
0.1-0.4 and unrelated ones stay under ~0.05, so a piecewise-linear curve through
(0, 0), (0.03, 0.05), (0.10, 0.40), (0.20, 0.75), (0.35, 1.0) spreads that working range over 0-1.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

IDF_FORMAT = 1

# Short on purpose: function words only, so topical words are never thrown away.
STOPWORDS = frozenset(
    (
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are",
        "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can",
        "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further",
        "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how",
        "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself",
        "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours",
        "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that",
        "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those",
        "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where",
        "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself",
        "yourselves", "get", "got", "one", "two", "us", "may", "might", "must", "shall", "via", "per",
    )
)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_DOUBLE_END = re.compile(r"([bdfgmnprt])\1$")

# (cosine, value) knots of the curve documented above.
_CURVE = ((0.0, 0.0), (0.03, 0.05), (0.10, 0.40), (0.20, 0.75), (0.35, 1.0))


def stem(word: str) -> str:
    """Strip common English inflections so "shoes"/"shoe" and "running"/"run" meet."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    for suffix, min_len in (("ing", 6), ("ed", 5)):
        if word.endswith(suffix) and len(word) >= min_len and not word.endswith("eed"):
            base = word[: -len(suffix)]
            if not any(ch in "aeiouy" for ch in base):
                return word
            # "running" -> "runn" -> "run", "planned" -> "plann" -> "plan"
            return base[:-1] if _DOUBLE_END.search(base) else base
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokenize(text: str, *, stemming: bool = True) -> list[str]:
    """Lower-cased Unicode words of a text, without stopwords, numbers or single letters."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    terms = []
    for word in _WORD.findall(text):
        if len(word) < 2 or word.isdigit() or word in STOPWORDS:
            continue
        terms.append(stem(word) if stemming else word)
    return terms


@dataclass
class IdfModel:
    """Document frequencies of terms across a workspace's fetched pages; JSON-serialisable and incremental."""

    documents: int = 0
    df: dict[str, int] = field(default_factory=dict)
    stemming: bool = True

    @classmethod
    def fit(cls, texts: Iterable[str], *, stemming: bool = True) -> IdfModel:
        """Build a model from a corpus of page texts."""
        model = cls(stemming=stemming)
        for text in texts:
            model.add(text)
        return model

    def add(self, text: str) -> None:
        """Count one more page."""
        self.documents += 1
        for term in set(tokenize(text, stemming=self.stemming)):
            self.df[term] = self.df.get(term, 0) + 1

    def remove(self, text: str) -> None:
        """Forget a page counted before (e.g. its old text when it was fetched again)."""
        if self.documents <= 0:
            return
        self.documents -= 1
        for term in set(tokenize(text, stemming=self.stemming)):
            left = self.df.get(term, 0) - 1
            if left > 0:
                self.df[term] = left
            else:
                self.df.pop(term, None)

    def idf(self, term: str) -> float:
        """Smoothed inverse document frequency; a term never seen counts as rarest."""
        return math.log((1 + self.documents) / (1 + self.df.get(term, 0))) + 1.0

    def to_dict(self) -> dict:
        """A JSON-ready dict with terms sorted, so equal models serialise identically."""
        return {
            "format": IDF_FORMAT,
            "stemming": self.stemming,
            "documents": self.documents,
            "df": {term: self.df[term] for term in sorted(self.df)},
        }

    def to_json(self) -> str:
        """Serialise to a compact JSON string."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict) -> IdfModel:
        """Rebuild a model from `to_dict` output, rejecting anything malformed."""
        if not isinstance(data, dict) or data.get("format") != IDF_FORMAT:
            raise ValueError("not an IDF model of a known format")
        documents, df = data.get("documents"), data.get("df")
        if not isinstance(documents, int) or documents < 0 or not isinstance(df, dict):
            raise ValueError("IDF model has no valid document count or frequencies")
        for term, count in df.items():
            if not isinstance(term, str) or not isinstance(count, int) or not 0 < count <= documents:
                raise ValueError(f"IDF model has an invalid frequency for {term!r}")
        return cls(documents=documents, df=dict(df), stemming=bool(data.get("stemming", True)))

    @classmethod
    def from_json(cls, text: str) -> IdfModel:
        """Rebuild a model from `to_json` output."""
        return cls.from_dict(json.loads(text))


def _vector(text: str, idf: IdfModel | None) -> dict[str, float]:
    """Sublinear TF times IDF; with no model every term weighs the same."""
    counts = Counter(tokenize(text, stemming=idf.stemming if idf else True))
    return {
        term: (1.0 + math.log(count)) * (idf.idf(term) if idf else 1.0)
        for term, count in counts.items()
    }


def similarity(text_a: str, text_b: str, idf: IdfModel | None = None) -> float:
    """TF-IDF cosine similarity of two texts, 0 (nothing shared) to 1 (same terms, same mix)."""
    a, b = _vector(text_a, idf), _vector(text_b, idf)
    if not a or not b:
        return 0.0
    # fsum makes the result exact-rounded, so it does not depend on term order (and is symmetric).
    dot = math.fsum(a[t] * b[t] for t in a.keys() & b.keys())
    if dot == 0.0:
        return 0.0
    norm = math.sqrt(math.fsum(w * w for w in a.values())) * math.sqrt(math.fsum(w * w for w in b.values()))
    return min(1.0, dot / norm)


def shared_terms(text_a: str, text_b: str, idf: IdfModel | None = None, limit: int = 5) -> list[str]:
    """The terms that contribute most to the similarity, to show a user why two pages match."""
    a, b = _vector(text_a, idf), _vector(text_b, idf)
    weights = {term: a[term] * b[term] for term in a.keys() & b.keys()}
    return sorted(weights, key=lambda term: (-weights[term], term))[:limit]


def relevance_value(cosine: float) -> float:
    """Map a raw cosine onto 0-1 along the documented curve."""
    cosine = min(1.0, max(0.0, float(cosine)))
    for (x0, y0), (x1, y1) in itertools.pairwise(_CURVE):
        if cosine <= x1:
            return y0 + (y1 - y0) * (cosine - x0) / (x1 - x0)
    return 1.0
