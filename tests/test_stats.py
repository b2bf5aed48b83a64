"""The statistics primitives against values worked by hand (and in any statistics table)."""

from __future__ import annotations

import math

import pytest

from salestrack import stats


def test_wilson_one_of_two_is_almost_anything() -> None:
    # p = 0.5, z^2 = 3.8415: centre 0.5, half-width 0.6711 * sqrt(0.125 + 0.2401) = 0.4055
    low, high = stats.wilson(1, 2) or (0.0, 0.0)
    assert low == pytest.approx(0.0945, abs=1e-4)
    assert high == pytest.approx(0.9055, abs=1e-4)


def test_wilson_edges() -> None:
    assert stats.wilson(0, 0) is None
    assert stats.wilson_low(0, 0) == 0.0
    low, high = stats.wilson(0, 10) or (1.0, 1.0)
    assert low == 0.0
    assert high == pytest.approx(3.8415 / (10 + 3.8415), abs=1e-4)  # z^2 / (n + z^2)
    assert stats.wilson(10, 10) == (pytest.approx(10 / 13.8415, abs=1e-4), pytest.approx(1.0))


def test_binomial_tails_by_hand() -> None:
    assert stats.binom_sf(1, 2, 0.5) == pytest.approx(0.75)  # 1 - P(0) = 1 - 1/4
    assert stats.binom_cdf(1, 3, 0.5) == pytest.approx(0.5)  # (1 + 3) / 8
    assert stats.binom_cdf(0, 5, 0.2) == pytest.approx(0.8**5)
    assert stats.binom_sf(6, 5, 0.3) == 0.0
    assert stats.binom_cdf(5, 5, 0.3) == 1.0
    # 10 connects out of 200 dials against a usual 20% (mean 40): far in the lower tail
    assert stats.binom_cdf(10, 200, 0.2) < 1e-8


def test_poisson_tails_by_hand() -> None:
    assert stats.poisson_cdf(0, 2.0) == pytest.approx(math.exp(-2))
    assert stats.poisson_cdf(3, 10) == pytest.approx(math.exp(-10) * (1 + 10 + 50 + 1000 / 6))
    assert stats.poisson_sf(0, 3.0) == 1.0
    assert stats.poisson_sf(1, 2.0) == pytest.approx(1 - math.exp(-2))


def test_fisher_exact_tails_by_hand() -> None:
    # this week 1 of 2 against trailing 3 of 3: 4 successes among 5 trials, this week drew 2;
    # P(at most 1) = 1 - P(both) = 1 - C(4,2) / C(5,2) = 1 - 6/10
    assert stats.hypergeom_cdf(1, 5, 4, 2) == pytest.approx(0.4)
    # Fisher's lady tasting tea: 8 cups, 4 milk first, she picks 4; at least 3 right by chance
    assert stats.hypergeom_sf(3, 8, 4, 4) == pytest.approx((4 * 4 + 1) / 70)
    assert stats.hypergeom_cdf(-1, 8, 4, 4) == 0.0 and stats.hypergeom_sf(5, 8, 4, 4) == 0.0
    assert stats.hypergeom_cdf(4, 8, 4, 4) == 1.0 and stats.hypergeom_sf(0, 8, 4, 4) == 1.0
    # 10 connects of 200 dials this week against 320 of 1,600 before: far in the lower tail
    assert stats.hypergeom_cdf(10, 1800, 330, 200) < 1e-8


def test_tails_agree_with_the_sum_of_every_term() -> None:
    for n in (1, 2, 7, 30):
        for p in (0.05, 0.5, 0.9):
            pmf = [math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
            for k in range(-1, n + 2):
                below = math.fsum(pmf[: max(0, k + 1)])
                assert stats.binom_cdf(k, n, p) == pytest.approx(below, abs=1e-12)
                assert stats.binom_sf(k, n, p) == pytest.approx(
                    math.fsum(pmf[max(0, k) :]), abs=1e-12
                )
    for total, good, draws in ((10, 3, 4), (12, 6, 6), (30, 2, 25)):
        pmf = [
            math.comb(good, i) * math.comb(total - good, draws - i) / math.comb(total, draws)
            for i in range(draws + 1)
        ]
        for k in range(-1, draws + 2):
            below = math.fsum(pmf[: max(0, k + 1)])
            assert stats.hypergeom_cdf(k, total, good, draws) == pytest.approx(below, abs=1e-12)
            above = math.fsum(pmf[max(0, k) :])
            assert stats.hypergeom_sf(k, total, good, draws) == pytest.approx(above, abs=1e-12)


def test_poisson_score_interval_and_normal_tail_by_hand() -> None:
    z2 = stats.Z95**2  # 3.8415
    assert stats.poisson_score(0) == (pytest.approx(0.0, abs=1e-12), pytest.approx(z2))
    low, high = stats.poisson_score(4)  # 4 + z²/2 ± z·sqrt(4 + z²/4) = 5.9207 ± 4.3652
    assert (low, high) == (pytest.approx(1.5555, abs=1e-4), pytest.approx(10.2860, abs=1e-4))
    assert stats.normal_sf(0) == 0.5
    assert stats.normal_sf(stats.Z95) == pytest.approx(0.025)
