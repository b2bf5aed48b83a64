"""The few statistics the reports need, in plain Python.

Written here rather than imported: scipy or statsmodels would add hundreds of milliseconds to
every report's start-up for four formulas (measured with ``python -X importtime``), and these are
short and exact. Each one names its textbook source; docs/reports.md explains them in words.

- :func:`wilson` — the Wilson score interval for a rate (Wilson 1927; Agresti & Coull 1998,
  "Approximate is better than exact for interval estimation of binomial proportions").
- :func:`binom_cdf` / :func:`binom_sf` — exact binomial tail probabilities, for "is k successes
  out of n trials surprising if the usual rate is p?" (the exact binomial test).
- :func:`poisson_cdf` / :func:`poisson_sf` — exact Poisson tails, the floor under the spread of a
  weekly count (a count of independent events with mean mu varies by about sqrt(mu) on its own).
"""

from __future__ import annotations

import math

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


def _binom_logpmf(i: int, n: int, p: float) -> float:
    return (
        math.lgamma(n + 1)
        - math.lgamma(i + 1)
        - math.lgamma(n - i + 1)
        + i * math.log(p)
        + (n - i) * math.log1p(-p)
    )


def binom_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p), summed exactly."""
    if k < 0:
        return 0.0
    if k >= n or p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 0.0
    return min(1.0, math.fsum(math.exp(_binom_logpmf(i, n, p)) for i in range(k + 1)))


def binom_sf(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), summed exactly."""
    if k <= 0:
        return 1.0
    if k > n or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    return min(1.0, math.fsum(math.exp(_binom_logpmf(i, n, p)) for i in range(k, n + 1)))


def poisson_cdf(k: int, mu: float) -> float:
    """P(X <= k) for X ~ Poisson(mu)."""
    if k < 0:
        return 0.0
    if mu <= 0:
        return 1.0
    return min(
        1.0, math.fsum(math.exp(i * math.log(mu) - mu - math.lgamma(i + 1)) for i in range(k + 1))
    )


def poisson_sf(k: int, mu: float) -> float:
    """P(X >= k) for X ~ Poisson(mu)."""
    return 1.0 if k <= 0 else max(0.0, 1.0 - poisson_cdf(k - 1, mu))
