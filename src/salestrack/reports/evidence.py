"""When a figure is flagged: one rule for each kind of figure, and the minimum sample below which
it says "too few" instead. docs/reports.md says the same in words.

Every rule compares this week with the trailing weeks (its *usual*) and asks how likely a week
at least this far from the usual would be if nothing had changed: the chance ``p``. A figure is
flagged ``below`` or ``above`` when that chance is under 2.5% on that side (two-sided at 95%).
The usual's ``low`` and ``high`` are a 95% range: for a rate, a median or a mean score, where
the usual itself lies; for a weekly count, the counts a week can have without being flagged.

* Rates of k successes in n trials (conversations per dial, moves forward per move out of a
  stage, deals won per qualified deal): Fisher's exact test of this week's k of n against the
  trailing weeks' k0 of n0; the usual's range is Wilson's interval for k0 of n0. At least
  :data:`MIN_TRIALS` trials in both.
* Events per trial, where one trial can give several (small wins per dial): the exact test of
  two Poisson rates (given all k + k0 events, this week's share is binomial in n / (n + n0));
  the usual's range is the score interval of k0, per trial. At least :data:`MIN_TRIALS` trials
  in both.
* Weekly counts (dials, emails): flagged only outside both the trailing weeks' own spread
  (their mean plus or minus two standard deviations) and the counts chance alone gives (the
  same exact test of two Poisson rates, the weeks being the trials). At least one trailing week.
* Medians of days (stays in a stage, follow-up lags): Mood's median test (how many of this
  week's values are above the median of both periods together, by Fisher's exact test); the
  usual's range is the distribution-free interval of its median. At least :data:`MIN_STAYS`
  values in both.
* Mean scores (conversation quality): the difference of the means over its standard error
  (Welch), against the normal distribution; the usual's range is its mean plus or minus 1.96
  standard errors. At least :data:`MIN_GRADES` scored conversations in both.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from salestrack import stats

ALPHA = 0.025  # on each side: a two-sided test at 95%
MIN_TRIALS = 5
MIN_STAYS = 5
MIN_GRADES = 10
PROVISIONAL_WEEKS = 4  # a usual from fewer trailing weeks than this is provisional

BELOW, ABOVE, FEW = "below", "above", "too few"
# the tests' names, as the reports' JSON gives them
FISHER, POISSON, COUNT = "fisher", "poisson-rates", "count-spread"
MEDIAN, MEAN = "mood-median", "welch-z"


# NamedTuples, not dataclasses: the reports' start-up (docs/architecture.md)
class Verdict(NamedTuple):
    """What a rule says about this week against the usual."""

    test: str
    usual: float | None = None
    low: float | None = None
    high: float | None = None
    flag: str = ""  # below, above, too few, or "" (within the usual, or nothing this week)
    p: float | None = None  # the chance of a week this far out (on its side) if nothing changed


def _side(value: float, usual: float, below: float, above: float) -> tuple[str, float]:
    """The flag and the chance for tails ``below`` and ``above``."""
    p = min(below, above)
    if value < usual and below < ALPHA:
        return BELOW, p
    if value > usual and above < ALPHA:
        return ABOVE, p
    return "", p


def proportion(k: int, n: int, k0: int, n0: int) -> Verdict:
    """k successes of n trials this week against k0 of n0 before: Fisher's exact test."""
    if n0 == 0:
        return Verdict(FISHER, flag=FEW if n else "")
    usual = k0 / n0
    low, high = stats.wilson(k0, n0) or (None, None)
    if n == 0:
        return Verdict(FISHER, usual, low, high)
    if n < MIN_TRIALS or n0 < MIN_TRIALS:
        return Verdict(FISHER, usual, low, high, FEW)
    total, good = n + n0, k + k0
    below = stats.hypergeom_cdf(k, total, good, n)
    above = stats.hypergeom_sf(k, total, good, n)
    flag, p = _side(k / n, usual, below, above)
    return Verdict(FISHER, usual, low, high, flag, p)


def per_trial(k: int, n: int, k0: int, n0: int) -> Verdict:
    """k events in n trials against k0 in n0 (an event count, not a share: one trial can give
    several): the exact conditional test of two Poisson rates."""
    if n0 == 0:
        return Verdict(POISSON, flag=FEW if n else "")
    usual = k0 / n0
    lo, hi = stats.poisson_score(k0)
    low, high = lo / n0, hi / n0
    if n == 0:
        return Verdict(POISSON, usual, low, high)
    if n < MIN_TRIALS or n0 < MIN_TRIALS:
        return Verdict(POISSON, usual, low, high, FEW)
    share = n / (n + n0)
    below = stats.binom_cdf(k, k + k0, share)
    above = stats.binom_sf(k, k + k0, share)
    flag, p = _side(k / n, usual, below, above)
    return Verdict(POISSON, usual, low, high, flag, p)


def _first(test: Callable[[int], bool], lo: int, hi: int, guess: int | None = None) -> int:
    """The smallest x in lo..hi for which ``test`` holds (it holds from some x on; hi if
    none). With a ``guess``, the search gallops out from it first: a good guess costs a few
    tests, not a halving of the whole range."""
    if guess is not None:
        x = min(max(guess, lo), hi)
        step = 1
        if test(x):
            hi = x
            while x > lo:
                x = max(lo, x - step)
                if not test(x):
                    lo = x + 1
                    break
                hi, step = x, step * 2
        else:
            lo = x + 1
            while x < hi:
                x = min(hi, x + step)
                if test(x):
                    hi = x
                    break
                lo, step = x + 1, step * 2
        lo = min(lo, hi)
    while lo < hi:
        mid = (lo + hi) // 2
        if test(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def weekly_count(k: int, past: Sequence[int]) -> Verdict:
    """This week's count against the trailing weeks' counts (each week a trial)."""
    m = len(past)
    if m == 0:
        return Verdict(COUNT, flag=FEW)
    k0 = sum(past)
    mean = k0 / m
    share = 1 / (m + 1)

    def p_low(x: int) -> float:
        return stats.binom_cdf(x, x + k0, share)

    def p_high(x: int) -> float:
        return stats.binom_sf(x, x + k0, share)

    # the counts chance alone gives: p_low rises with x, p_high falls beyond the mean; the
    # normal approximation (the variance of a Poisson count plus that of the mean) guesses
    spread = stats.Z95 * math.sqrt(mean * (1 + 1 / m))
    low = _first(lambda x: p_low(x) >= ALPHA, 0, math.ceil(mean) + 1, round(mean - spread))
    top = 2 * math.ceil(mean) + 10
    while p_high(top) >= ALPHA:
        top *= 2
    guess = round(mean + spread) + 1
    high = _first(lambda x: p_high(x) < ALPHA, math.floor(mean), top, guess) - 1
    if m >= 2:  # and the weeks' own spread, when there are weeks enough to have one
        own = 2 * statistics.stdev(past)
        low = min(low, math.ceil(mean - own))
        high = max(high, math.floor(mean + own))
    low = max(0, low)
    flag = BELOW if k < low else ABOVE if k > high else ""
    return Verdict(COUNT, mean, float(low), float(high), flag, min(p_low(k), p_high(k)))


def _median_range(ordered: Sequence[float]) -> tuple[float, float]:
    """The distribution-free 95% interval of the median of ``ordered`` (sorted): the order
    statistics j and n + 1 - j, j the largest with P(Binomial(n, 1/2) < j) <= 2.5% (at least
    the smallest and largest value)."""
    n = len(ordered)
    guess = round(n / 2 - stats.Z95 * math.sqrt(n) / 2)
    j = _first(lambda x: stats.binom_cdf(x, n, 0.5) > ALPHA, 0, n, guess)  # P(X < j) <= 2.5%
    j = max(1, j)
    return ordered[j - 1], ordered[n - j]


def _middle(ordered: Sequence[float]) -> float:
    """The median of values already sorted."""
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def median_days(this: Sequence[float], past: Sequence[float]) -> Verdict:
    """The median of this week's values against the trailing weeks': Mood's median test."""
    if not past:
        return Verdict(MEDIAN, flag=FEW if this else "")
    ordered = sorted(past)
    usual = _middle(ordered)
    low, high = _median_range(ordered)
    if not this:
        return Verdict(MEDIAN, usual, low, high)
    n, n0 = len(this), len(past)
    if n < MIN_STAYS or n0 < MIN_STAYS:
        return Verdict(MEDIAN, usual, low, high, FEW)
    middle = _middle(sorted([*this, *past]))
    a = sum(1 for v in this if v > middle)
    c = sum(1 for v in past if v > middle)
    below = stats.hypergeom_cdf(a, n + n0, a + c, n)
    above = stats.hypergeom_sf(a, n + n0, a + c, n)
    flag, p = _side(statistics.median(this), usual, below, above)
    return Verdict(MEDIAN, usual, low, high, flag, p)


@dataclass(frozen=True)
class Scores:
    """How many scores, their sum and their sum of squares."""

    n: int = 0
    total: float = 0.0
    squares: float = 0.0

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def variance(self) -> float:
        if self.n < 2:
            return 0.0
        return max(0.0, (self.squares - self.total * self.total / self.n) / (self.n - 1))

    def __add__(self, other: Scores) -> Scores:
        return Scores(self.n + other.n, self.total + other.total, self.squares + other.squares)


def mean_score(this: Scores, past: Scores) -> Verdict:
    """This week's mean score against the trailing weeks': Welch's z."""
    if past.n == 0 or past.mean is None:
        return Verdict(MEAN, flag=FEW if this.n else "")
    usual = past.mean
    half = stats.Z95 * math.sqrt(past.variance / past.n)
    low, high = usual - half, usual + half
    if this.mean is None:
        return Verdict(MEAN, usual, low, high)
    if this.n < MIN_GRADES or past.n < MIN_GRADES:
        return Verdict(MEAN, usual, low, high, FEW)
    error = math.sqrt(this.variance / this.n + past.variance / past.n)
    gap = this.mean - usual
    if error == 0:
        below, above = (0.0, 1.0) if gap < 0 else (1.0, 0.0) if gap > 0 else (1.0, 1.0)
    else:
        below, above = stats.normal_sf(-gap / error), stats.normal_sf(gap / error)
    flag, p = _side(this.mean, usual, below, above)
    return Verdict(MEAN, usual, low, high, flag, p)
