"""The winner test of a subject and body test, against p-values worked out independently (chi-square, 1 df)."""

from __future__ import annotations

import pytest

from crm.campaigns.reporting.significance import two_proportion_p, winner

# (replies A, sent A, replies B, sent B, p): the same p as a 2x2 chi-square test without continuity correction.
KNOWN = [
    (100, 1000, 150, 1000, 0.000723),
    (10, 100, 20, 100, 0.04767),
    (30, 200, 30, 200, 1.0),
    (5, 120, 15, 120, 0.019517),
    (45, 500, 60, 500, 0.121782),
    (12, 150, 12, 100, 0.292911),
    (0, 100, 0, 100, 1.0),
    (3, 0, 1, 10, 1.0),
]


@pytest.mark.parametrize(("a", "n", "b", "m", "p"), KNOWN)
def test_p_values_match_known_results(a, n, b, m, p):
    assert two_proportion_p(a, n, b, m) == pytest.approx(p, abs=5e-6)
    assert two_proportion_p(b, m, a, n) == pytest.approx(p, abs=5e-6)  # two-sided


@pytest.mark.parametrize(("samples", "expected", "says"), [
    ([(100, 1000), (150, 1000)], 1, "Unlikely to be chance"),
    ([(45, 500), (60, 500)], None, "could be chance"),
    ([(10, 99), (40, 100)], None, "at least 100 sent"),
    ([(1, 200), (3, 200)], None, "Too few replies"),
    ([(30, 200), (30, 200)], None, "level"),
    ([(20, 100)], None, "Only one"),
    # three variants: C beats A clearly, B only at p ~ 0.047, above 0.05 / 2
    ([(10, 100), (20, 100), (40, 100)], 2, "Unlikely"),
    ([(10, 100), (20, 100), (11, 100)], None, "could be chance"),
])
def test_a_winner_only_when_unlikely_to_be_chance(samples, expected, says):
    verdict = winner(samples)
    assert verdict.winner == expected
    assert says in verdict.reason
