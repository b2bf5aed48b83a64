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
