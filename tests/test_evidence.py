"""The flag rules at their edges, each case worked by hand (docs/reports.md, "When a figure is
flagged")."""

from __future__ import annotations

import math

import pytest

from salestrack import stats
from salestrack.reports import evidence as e


def test_one_of_two_against_a_usual_of_one_in_one_stays_quiet() -> None:
    # the "meeting to proposal 50% against your usual 100%": 1 of 2 this week against
    # three trailing weeks of 1 of 1; below the minimum of 5 moves it says so
    found = e.proportion(1, 2, 3, 3)
    assert (found.flag, found.usual, found.p) == ("too few", 1.0, None)
    assert found.low == pytest.approx(3 / (3 + stats.Z95**2))  # Wilson for 3 of 3: n/(n+z²)
    # with the minimum met, 4 of 5 against 10 of 10 is still no evidence: P(at most 4 of the
    # 5 drawn from 15 with 14 successes) = 1 - C(14,5)/C(15,5) = 1 - 2002/3003 = 1/3
    found = e.proportion(4, 5, 10, 10)
    assert found.flag == "" and found.p == pytest.approx(1 / 3)


def test_ten_connects_of_two_hundred_dials_against_a_usual_twenty_percent_fires() -> None:
    found = e.proportion(10, 200, 320, 1600)
    assert found.flag == "below" and found.usual == 0.2
    assert found.p is not None and found.p < 1e-8
    # Wilson for 320 of 1600: centre (0.2 + z²/3200)/(1 + z²/1600), half-width
    # z/(1 + z²/1600) * sqrt(0.2 * 0.8/1600 + z²/(4 * 1600²))
    assert (found.low, found.high) == (pytest.approx(0.18113, abs=1e-5),
                                       pytest.approx(0.22031, abs=1e-5))  # fmt: skip
    assert e.proportion(60, 200, 320, 1600).flag == "above"
    assert e.proportion(40, 200, 320, 1600).flag == ""


def test_no_meeting_from_thirteen_dials_where_fewer_than_one_was_expected_is_no_hole() -> None:
    # usual 17 meetings set in 1,700 dials (1%); this week none in 13: 0.13 were expected
    found = e.proportion(0, 13, 17, 1700)
    chance = math.prod((1696 - i) / (1713 - i) for i in range(13))  # C(1696,13)/C(1713,13)
    assert found.flag == "" and found.p == pytest.approx(chance)
    assert chance > 0.85


def test_a_win_rate_against_one_trailing_loss_says_too_few() -> None:
    # the "win rate 40%, usual 0%, range 0%-0%, above": 2 of 5 against 0 of 1
    found = e.proportion(2, 5, 0, 1)
    assert (found.flag, found.usual, found.low) == ("too few", 0.0, 0.0)
    assert found.high == pytest.approx(stats.Z95**2 / (1 + stats.Z95**2))  # Wilson, 0 of 1


def test_rates_with_nothing_to_compare() -> None:
    assert e.proportion(0, 0, 3, 10).flag == ""  # no dial this week: no rate, no flag
    assert e.proportion(3, 10, 0, 0) == e.Verdict("fisher", flag="too few")
    assert e.proportion(0, 0, 0, 0).flag == ""


def test_wins_per_dial_compare_two_rates_of_events() -> None:
    # 12 wins in 200 dials against 280 in 1,600; given all 292, this week's share of them is
    # binomial with p = 200/1800 (32.4 expected)
    found = e.per_trial(12, 200, 280, 1600)
    assert found.flag == "below"
    assert found.p == pytest.approx(stats.binom_cdf(12, 292, 1 / 9))
    low, high = stats.poisson_score(280)
    assert (found.usual, found.low, found.high) == (0.175, low / 1600, high / 1600)
    assert e.per_trial(30, 200, 280, 1600).flag == ""
    assert e.per_trial(3, 4, 280, 1600).flag == "too few"


def test_a_count_from_three_equal_weeks_does_not_collapse_to_a_point() -> None:
    # the "emails 4, usual 3 (3-3), above": the spread of 3, 3, 3 is nothing, but
    # chance alone allows more: with 9 before, P(at least x of x + 9 | p = 1/4) is 4.0% for
    # x = 8 and 1.9% for x = 9, so 0 to 8 is the usual range
    found = e.weekly_count(4, [3, 3, 3])
    assert (found.usual, found.low, found.high, found.flag) == (3.0, 0.0, 8.0, "")
    assert stats.binom_sf(8, 17, 0.25) >= 0.025 > stats.binom_sf(9, 18, 0.25)
    assert e.weekly_count(9, [3, 3, 3]).flag == "above"


def test_a_count_after_weeks_of_nothing() -> None:
    # 0, 0, 0 then 2: P(both of 2 fall in this week | p = 1/4) = 1/16; 3 of 3 is 1/64
    assert e.weekly_count(2, [0, 0, 0]).flag == ""
    found = e.weekly_count(3, [0, 0, 0])
    assert (found.flag, found.p, found.high) == ("above", pytest.approx(1 / 64), 2.0)
    assert e.weekly_count(3, []) == e.Verdict("count-spread", flag="too few")


def test_a_drop_in_dials_against_steady_weeks_fires() -> None:
    past = [200, 210, 190, 205, 195, 200, 210, 190]
    # mean 200; standard deviation sqrt(450/7) = 8.02, so the spread is 184 to 216; chance
    # alone allows 171 to 230 (the exact test), the wider of the two counts
    found = e.weekly_count(150, past)
    assert (found.usual, found.low, found.high, found.flag) == (200.0, 171.0, 230.0, "below")
    assert stats.binom_cdf(170, 1770, 1 / 9) < 0.025 <= stats.binom_cdf(171, 1771, 1 / 9)
    assert e.weekly_count(175, past).flag == ""
    # uneven weeks widen the range beyond what chance gives: 35 a week on average, but one
    # week of 210 among five of nothing
    assert e.weekly_count(140, [210, 0, 0, 0, 0, 0]).flag == ""


def test_stays_need_five_on_each_side_then_the_median_test() -> None:
    past = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert e.median_days([10.0, 12.0, 13.0, 14.0], past).flag == "too few"
    # the median of all eleven is 6: all 5 of this week's are above it, none of the 6 before;
    # by Fisher's exact test that split has a chance of 1 / C(11, 5) = 1/462
    found = e.median_days([10.0, 12.0, 13.0, 14.0, 15.0], past)
    assert (found.flag, found.p, found.usual) == ("above", pytest.approx(1 / 462), 3.5)
    # the median's interval from six values: P(Binomial(6, 1/2) = 0) = 1/64 <= 2.5% < 7/64,
    # so the first and the sixth value
    assert (found.low, found.high) == (1.0, 6.0)
    assert e.median_days([1.5, 2.5, 3.5, 4.5, 5.5], past).flag == ""


def test_mean_scores_by_welchs_z() -> None:
    # ten scores of mean 3 (sum of squares 92: variance 2/9) against twenty of mean 4
    # (sum of squares 330: variance 10/19)
    this, past = e.Scores(10, 30.0, 92.0), e.Scores(20, 80.0, 330.0)
    found = e.mean_score(this, past)
    z = -1 / math.sqrt((2 / 9) / 10 + (10 / 19) / 20)
    assert found.flag == "below" and found.p == pytest.approx(stats.normal_sf(-z))
    half = stats.Z95 * math.sqrt((10 / 19) / 20)
    assert (found.low, found.high) == (pytest.approx(4 - half), pytest.approx(4 + half))
    assert e.mean_score(e.Scores(9, 27.0, 83.0), past).flag == "too few"
