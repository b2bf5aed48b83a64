"""The few statistics the reports need, in plain Python.

Written here rather than imported: scipy or statsmodels would add hundreds of milliseconds to
every report's start-up for a handful of formulas (measured with ``python -X importtime``), and
these are short and exact. Each one names its textbook source; docs/reports.md explains them
in words.

- :func:`wilson` — the Wilson score interval for a rate (Wilson 1927; Agresti & Coull 1998,
  "Approximate is better than exact for interval estimation of binomial proportions").
- :func:`binom_cdf` / :func:`binom_sf` — exact binomial tail probabilities, for "is k successes
  out of n trials surprising if the usual rate is p?" (the exact binomial test).
- :func:`hypergeom_cdf` / :func:`hypergeom_sf` — exact hypergeometric tails: Fisher's exact
  test of two rates (Fisher 1935, *The Design of Experiments*; Agresti 2002, *Categorical Data
  Analysis*, 3.5), for "is this week's k of n surprising next to the trailing weeks' k0 of n0?".
- :func:`poisson_cdf` / :func:`poisson_sf` — exact Poisson tails, the floor under the spread of a
  weekly count (a count of independent events with mean mu varies by about sqrt(mu) on its own).
- :func:`poisson_score` — the score interval for a Poisson count, Wilson's idea for counts.
- :func:`normal_sf` — the upper tail of the standard normal distribution.

Each tail is summed from its boundary term outward, away from the distribution's peak, so the
terms only fall and the sum stops once they no longer change it; the tail that contains the
peak is one minus the other. That keeps a tail of thousands of trials to a few dozen terms.
"""

from __future__ import annotations

import math
from collections.abc import Callable

#: Two-sided 95% normal quantile, the confidence every interval and flag in the reports uses.
Z95 = 1.959963984540054


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval (low, high) for k successes out of n trials; None when n is 0."""
    if n <= 0:
        return None
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = (z / (1 + z2 / n)) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def wilson_low(k: float, n: float, z: float = Z95) -> float:
    """The low end of :func:`wilson` (0 without trials): a rate a small sample can't inflate."""
    bounds = wilson(k, n, z)
    return bounds[0] if bounds else 0.0


def _outward(first: float, ratio: Callable[[int], float], i: int, end: int, step: int) -> float:
    """``first`` plus each next term (the one before times ``ratio(i)``), from ``i`` towards
    ``end``, stopping when a term no longer changes the sum (they fall all the way)."""
    total = term = first
    while i != end:
        term *= ratio(i)
        i += step
        total += term
        if term <= total * 1e-17:
            break
    return min(1.0, total)


def _lchoose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _binom_logpmf(i: int, n: int, p: float) -> float:
    return _lchoose(n, i) + i * math.log(p) + (n - i) * math.log1p(-p)


def binom_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p)."""
    if k < 0:
        return 0.0
    if k >= n or p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 0.0
    if k >= math.floor((n + 1) * p):  # the peak is in this tail: one minus the other
        return max(0.0, 1.0 - binom_sf(k + 1, n, p))
    odds = (1 - p) / p
    first = math.exp(_binom_logpmf(k, n, p))
    return _outward(first, lambda i: i / (n - i + 1) * odds, k, 0, -1)


def binom_sf(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    if k <= 0:
        return 1.0
    if k > n or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    if k <= math.floor((n + 1) * p):
        return max(0.0, 1.0 - binom_cdf(k - 1, n, p))
    odds = p / (1 - p)
    first = math.exp(_binom_logpmf(k, n, p))
    return _outward(first, lambda i: (n - i) / (i + 1) * odds, k, n, 1)


def _hyper_logpmf(i: int, total: int, good: int, draws: int) -> float:
    return _lchoose(good, i) + _lchoose(total - good, draws - i) - _lchoose(total, draws)


def hypergeom_cdf(k: int, total: int, good: int, draws: int) -> float:
    """P(X <= k) for X the successes among ``draws`` taken without replacement from ``total``
    of which ``good`` are successes."""
    low, high = max(0, draws + good - total), min(draws, good)
    if k < low:
        return 0.0
    if k >= high:
        return 1.0
    if k >= math.floor((draws + 1) * (good + 1) / (total + 2)):
        return max(0.0, 1.0 - hypergeom_sf(k + 1, total, good, draws))
    bad = total - good
    first = math.exp(_hyper_logpmf(k, total, good, draws))
    return _outward(
        first, lambda i: i * (bad - draws + i) / ((good - i + 1) * (draws - i + 1)), k, low, -1
    )


def hypergeom_sf(k: int, total: int, good: int, draws: int) -> float:
    """P(X >= k), the other tail of :func:`hypergeom_cdf`."""
    low, high = max(0, draws + good - total), min(draws, good)
    if k <= low:
        return 1.0
    if k > high:
        return 0.0
    if k <= math.floor((draws + 1) * (good + 1) / (total + 2)):
        return max(0.0, 1.0 - hypergeom_cdf(k - 1, total, good, draws))
    bad = total - good
    first = math.exp(_hyper_logpmf(k, total, good, draws))
    return _outward(
        first, lambda i: (good - i) * (draws - i) / ((i + 1) * (bad - draws + i + 1)), k, high, 1
    )


def poisson_cdf(k: int, mu: float) -> float:
    """P(X <= k) for X ~ Poisson(mu)."""
    if k < 0:
        return 0.0
    if mu <= 0:
        return 1.0
    if k >= math.floor(mu):
        return max(0.0, 1.0 - poisson_sf(k + 1, mu))
    first = math.exp(k * math.log(mu) - mu - math.lgamma(k + 1))
    return _outward(first, lambda i: i / mu, k, 0, -1)


def poisson_sf(k: int, mu: float) -> float:
    """P(X >= k) for X ~ Poisson(mu)."""
    if k <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    if k <= math.floor(mu):
        return max(0.0, 1.0 - poisson_cdf(k - 1, mu))
    first = math.exp(k * math.log(mu) - mu - math.lgamma(k + 1))
    return _outward(first, lambda i: mu / (i + 1), k, -1, 1)


def poisson_score(k: float, z: float = Z95) -> tuple[float, float]:
    """The score interval (low, high) for the mean of a Poisson count k: the means under which
    k is within z standard deviations, ``k + z²/2 ± z·sqrt(k + z²/4)``."""
    z2 = z * z
    half = z * math.sqrt(k + z2 / 4)
    return max(0.0, k + z2 / 2 - half), k + z2 / 2 + half


def normal_sf(z: float) -> float:
    """P(Z >= z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2))
