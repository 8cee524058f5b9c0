"""Is one variant's reply rate better than the others' by more than chance? A pure two-proportion z-test."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

ALPHA = 0.05
# Below this many sent messages per variant a difference says nothing; the normal approximation also needs
# at least five replies and five non-replies in the pooled sample.
MIN_SAMPLE = 100
MIN_EXPECTED = 5
TEST_NAME = (f"two-sided two-proportion z-test on replies per message sent, p < {ALPHA} (Bonferroni-corrected "
             f"when more than two variants), at least {MIN_SAMPLE} sent per variant")


def two_proportion_p(hits_a: int, n_a: int, hits_b: int, n_b: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test (1.0 when either sample is empty or nothing varies)."""
    if n_a <= 0 or n_b <= 0:
        return 1.0
    pooled = (hits_a + hits_b) / (n_a + n_b)
    spread = pooled * (1 - pooled) * (1 / n_a + 1 / n_b)
    if spread <= 0:
        return 1.0
    z = (hits_a / n_a - hits_b / n_b) / math.sqrt(spread)
    return math.erfc(abs(z) / math.sqrt(2))


@dataclass(frozen=True)
class Verdict:
    """The winning variant's index, or None, and why."""

    winner: int | None
    reason: str
    p_value: float | None = None


def winner(samples: Sequence[tuple[int, int]], alpha: float = ALPHA, min_sample: int = MIN_SAMPLE) -> Verdict:
    """The variant whose (hits, sent) rate beats every other at alpha (split over the comparisons), or no winner."""
    if len(samples) < 2:
        return Verdict(None, "Only one variant.")
    if any(sent < min_sample for _, sent in samples):
        return Verdict(None, f"Too few messages: each variant needs at least {min_sample} sent.")
    hits = sum(h for h, _ in samples)
    sent = sum(n for _, n in samples)
    if hits < MIN_EXPECTED or sent - hits < MIN_EXPECTED:
        return Verdict(None, "Too few replies to compare yet.")
    rates = [h / n for h, n in samples]
    best = max(range(len(samples)), key=lambda i: rates[i])
    if sum(rate == rates[best] for rate in rates) > 1:
        return Verdict(None, "Two variants are level.")
    threshold = alpha / (len(samples) - 1)
    worst_p = max(two_proportion_p(*samples[best], *samples[i]) for i in range(len(samples)) if i != best)
    if worst_p >= threshold:
        return Verdict(None, f"The difference could be chance (p = {worst_p:.3f}).", worst_p)
    return Verdict(best, f"Unlikely to be chance (p = {worst_p:.4f}).", worst_p)
