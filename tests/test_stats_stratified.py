"""Tests of pku_eval.stats.stratified (Mantel-Haenszel risk difference) against published values.

Sources
-------
- Rothman KJ, Greenland S, Lash TL (2008). Modern Epidemiology, 3rd ed., chapter 15, Table 15-1
  (tolbutamide and death, stratified by age <55 / 55+: 8/106 vs 5/120 and 22/98 vs 16/85).
  metafor's test of that chapter (wviechtb/metafor, tests/testthat/
  test_analysis_example_rothman2008.r, "results are correct for Mantel-Haenszel method"):
  ``rma.mh(ai, bi, ci, di, measure = "RD", level = 90)`` gives estimate 0.0349, 90% CI
  -0.0176 to 0.0874 (0.088 in the chapter), Q = 0.0017 (0.001 in the chapter), p = 0.9669.
- BCG vaccine trials (Colditz et al. 1994; metafor's ``dat.bcg``; the counts below were checked
  against R HSAUR::BCG, Rdatasets csv/HSAUR/BCG.csv, which gives the group totals), metafor
  tests/testthat/test_misc_metan_vs_rma.mh_with_dat.bcg.r,
  "results match (EE model, measure='RD')": ``rma.mh(measure = "RD", ai = tpos, bi = tneg,
  ci = cpos, di = cneg, data = dat.bcg)`` gives estimate -0.0033, CI -0.0039 to -0.0027,
  z = -11.4708 (metafor: Sato, Greenland & Robins 1989 variance), Q = 386.7759; the comment
  there records Stata's ``metan tpos tneg cpos cneg, fixed rd`` (Greenland & Robins 1985
  variance) as z = 11.56.
- Single stratum: the Mantel-Haenszel estimate is the crude difference and the Greenland-Robins
  variance reduces to p1(1-p1)/n1 + p2(1-p2)/n2 (the Wald variance), computed by hand.
"""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2, norm

from pku_eval.stats import stratified
from pku_eval.stats.stratified import mantel_haenszel_rd

# BCG trials (metafor dat.bcg): tpos, tneg (vaccinated), cpos, cneg (not vaccinated)
DAT_BCG = [
    (4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619),
    (33, 5036, 47, 5761), (180, 1361, 372, 1079), (8, 2537, 10, 619), (505, 87886, 499, 87892),
    (29, 7470, 45, 7232), (17, 1699, 65, 1600), (186, 50448, 141, 27197), (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]


def long_format(tables: list[tuple[int, int, int, int]]) -> pd.DataFrame:
    """One row per person from 2x2 tables (events, non-events treated; events, non-events
    control), as a frame with columns stratum, arm and event (0/1)."""
    strata, arms, events = [], [], []
    for i, (a, b, c, d) in enumerate(tables):
        for arm, ev, nonev in (("treated", a, b), ("control", c, d)):
            strata.append(np.full(ev + nonev, i))
            arms.append(np.full(ev + nonev, arm))
            events.append(np.r_[np.ones(ev, int), np.zeros(nonev, int)])
    return pd.DataFrame(
        {"stratum": np.concatenate(strata), "arm": np.concatenate(arms),
         "event": np.concatenate(events)}
    )


@pytest.fixture(scope="module")
def tolbutamide() -> pd.DataFrame:
    return long_format([(8, 98, 5, 115), (22, 76, 16, 69)])


@pytest.fixture(scope="module")
def bcg() -> pd.DataFrame:
    return long_format(DAT_BCG)


@pytest.mark.parametrize("variance", ["greenland-robins", "sato"])
def test_rothman_table_15_1_metafor(tolbutamide, variance):
    # metafor rma.mh(measure="RD", level=90): 0.0349 (-0.0176, 0.0874), Q 0.0017, p 0.9669;
    # printed to 4 decimals: half a unit. Both variance estimators round to these limits.
    res = mantel_haenszel_rd(tolbutamide, "event", "arm", "stratum", "treated", "control",
                             variance=variance, alpha=0.10)
    assert res.shape[0] == 1
    row = res.iloc[0]
    assert row["estimate"] == pytest.approx(0.0349, abs=5e-5)
    assert row["ci_low"] == pytest.approx(-0.0176, abs=5e-5)
    assert row["ci_high"] == pytest.approx(0.0874, abs=5e-5)
    assert row["q_statistic"] == pytest.approx(0.0017, abs=5e-5)
    assert row["q_df"] == 1
    assert row["q_p_value"] == pytest.approx(0.9669, abs=5e-5)
    assert row["i_squared"] == 0.0
    assert (row["n_strata"], row["n_strata_dropped"]) == (2, 0)
    assert (row["n_treatment"], row["events_treatment"]) == (204, 30)
    assert (row["n_control"], row["events_control"]) == (205, 21)
    assert row["variance"] == variance


def test_bcg_sato_matches_metafor(bcg):
    # metafor rma.mh(measure="RD", data=dat.bcg): -0.0033 (-0.0039, -0.0027), z -11.4708,
    # QE 386.7759
    row = mantel_haenszel_rd(bcg, "event", "arm", "stratum", "treated", "control",
                             variance="sato").iloc[0]
    assert row["estimate"] == pytest.approx(-0.0033, abs=5e-5)
    assert row["ci_low"] == pytest.approx(-0.0039, abs=5e-5)
    assert row["ci_high"] == pytest.approx(-0.0027, abs=5e-5)
    assert row["statistic"] == pytest.approx(-11.4708, abs=5e-5)
    assert row["q_statistic"] == pytest.approx(386.7759, abs=5e-5)
    assert row["q_df"] == 12
    assert row["q_p_value"] < 1e-60
    assert row["i_squared"] == pytest.approx(100 * (386.7759 - 12) / 386.7759, abs=1e-4)


def test_bcg_greenland_robins_matches_stata_metan(bcg):
    # Stata metan (Greenland & Robins 1985 variance), recorded in metafor's test: z = 11.56
    # (absolute value; printed to 2 decimals). Estimate and Q do not depend on the variance.
    # (The limits -0.0039, -0.0027 in that test are metafor's, with Sato's variance; no
    # published limits with the Greenland-Robins variance to compare with.)
    row = mantel_haenszel_rd(bcg, "event", "arm", "stratum", "treated", "control").iloc[0]
    assert row["variance"] == "greenland-robins"
    assert abs(row["statistic"]) == pytest.approx(11.56, abs=5e-3)
    assert row["estimate"] == pytest.approx(-0.0033, abs=5e-5)
    assert row["ci_low"] == pytest.approx(row["estimate"] - 1.959963984540054 * row["se"])
    assert row["q_statistic"] == pytest.approx(386.7759, abs=5e-5)
    assert row["p_value"] == pytest.approx(2 * norm.sf(abs(row["statistic"])), rel=1e-12)
    assert row["p_value"] < 1e-25


def test_p_value_is_two_sided(tolbutamide):
    # two-sided p of the z-test; the estimate is positive, so the upper tail is doubled
    row = mantel_haenszel_rd(tolbutamide, "event", "arm", "stratum", "treated", "control").iloc[0]
    assert row["statistic"] == pytest.approx(row["estimate"] / row["se"], rel=1e-12)
    assert row["p_value"] == pytest.approx(2 * norm.sf(row["statistic"]), rel=1e-12)
    assert 0.27 < row["p_value"] < 0.28  # z = 0.0349 / 0.0319 = 1.094


def test_single_stratum_is_crude_wald_difference():
    # By hand: 56/70 vs 48/80 (Newcombe 1998 example a) in one stratum. Greenland-Robins
    # variance = 0.8*0.2/70 + 0.6*0.4/80; estimate 0.2.
    data = long_format([(56, 14, 48, 32)])
    row = mantel_haenszel_rd(data, "event", "arm", "stratum", "treated", "control").iloc[0]
    se = np.sqrt(0.8 * 0.2 / 70 + 0.6 * 0.4 / 80)
    assert row["estimate"] == pytest.approx(0.2, abs=1e-12)
    assert row["se"] == pytest.approx(se, rel=1e-12)
    assert row["ci_low"] == pytest.approx(0.2 - 1.959963984540054 * se, rel=1e-10)
    assert np.isnan(row["q_statistic"]) and row["q_df"] == 0


def test_weights_by_hand():
    # Two strata of different size and sign: weights n1*n2/(n1+n2) = 5*5/10 = 2.5 and
    # 20*60/80 = 15; differences 0.6 - 0.2 = 0.4 and 0.25 - 0.5 = -0.25
    data = long_format([(3, 2, 1, 4), (5, 15, 30, 30)])
    row = mantel_haenszel_rd(data, "event", "arm", "stratum", "treated", "control").iloc[0]
    assert row["estimate"] == pytest.approx((2.5 * 0.4 + 15 * -0.25) / 17.5, rel=1e-12)


def test_strata_with_one_group_are_dropped_and_groups_swap(bcg):
    extra = pd.DataFrame({"stratum": [99] * 5, "arm": ["treated"] * 5, "event": [1, 0, 1, 0, 0]})
    other = pd.DataFrame({"stratum": [0] * 3, "arm": ["other"] * 3, "event": [1, 1, 1]})
    base = mantel_haenszel_rd(bcg, "event", "arm", "stratum", "treated", "control").iloc[0]
    more = mantel_haenszel_rd(pd.concat([bcg, extra, other]), "event", "arm", "stratum",
                              "treated", "control").iloc[0]
    assert more["n_strata_dropped"] == 1 and more["n_strata"] == 13
    assert more["estimate"] == pytest.approx(base["estimate"], rel=1e-12)
    swapped = mantel_haenszel_rd(bcg, "event", "arm", "stratum", "control", "treated").iloc[0]
    assert swapped["estimate"] == pytest.approx(-base["estimate"], rel=1e-12)
    assert swapped["se"] == pytest.approx(base["se"], rel=1e-12)


def test_q_with_zero_cell_by_hand():
    # metafor's rule (escalc add = 1/2, to = "only0" for the Q test only), by hand:
    # stratum 1: 0/10 vs 2/10 has a zero cell -> 0.5/11 vs 2.5/11; stratum 2: 3/10 vs 1/10.
    # MH estimate (unadjusted counts, weights 5 and 5): (-0.2 + 0.2) / 2 = 0.
    data = long_format([(0, 10, 2, 8), (3, 7, 1, 9)])
    row = mantel_haenszel_rd(data, "event", "arm", "stratum", "treated", "control").iloc[0]
    assert row["estimate"] == pytest.approx(0.0, abs=1e-15)
    p1, p2 = 0.5 / 11, 2.5 / 11
    q1 = (p1 - p2) ** 2 / (p1 * (1 - p1) / 11 + p2 * (1 - p2) / 11)
    q = q1 + 0.2**2 / (0.3 * 0.7 / 10 + 0.1 * 0.9 / 10)
    assert row["q_statistic"] == pytest.approx(q, rel=1e-12)
    assert row["q_p_value"] == pytest.approx(chi2.sf(q, 1), rel=1e-12)


def test_zero_cells_and_no_variation():
    # A stratum without events in either group is left out of Q but kept in the estimate
    data = long_format([(0, 10, 0, 10), (3, 7, 1, 9), (4, 6, 2, 8)])
    row = mantel_haenszel_rd(data, "event", "arm", "stratum", "treated", "control").iloc[0]
    assert row["q_df"] == 1
    assert row["estimate"] == pytest.approx((5 * 0 + 5 * 0.2 + 5 * 0.2) / 15, rel=1e-12)
    no_events = long_format([(0, 10, 0, 10), (0, 5, 0, 8)])
    row = mantel_haenszel_rd(no_events, "event", "arm", "stratum", "treated", "control").iloc[0]
    assert row["estimate"] == 0.0 and np.isnan(row["p_value"]) and np.isnan(row["ci_low"])


def test_input_errors_are_readable(tolbutamide):
    with pytest.raises(ValueError, match="variance"):
        mantel_haenszel_rd(tolbutamide, "event", "arm", "stratum", "treated", "control",
                           variance="wald")
    with pytest.raises(ValueError, match="not found in data"):
        mantel_haenszel_rd(tolbutamide, "event", "arm", "office", "treated", "control")
    with pytest.raises(ValueError, match="both as"):
        mantel_haenszel_rd(tolbutamide, "event", "arm", "arm", "treated", "control")
    with pytest.raises(ValueError, match="level"):
        mantel_haenszel_rd(tolbutamide, "event", "arm", "stratum", "treated", "placebo")
    separated = tolbutamide.assign(stratum=np.where(tolbutamide["arm"] == "treated", 0, 1))
    with pytest.raises(ValueError, match="both group"):
        mantel_haenszel_rd(separated, "event", "arm", "stratum", "treated", "control")
    with pytest.raises(TypeError, match="DataFrame"):
        mantel_haenszel_rd([1, 2], "event", "arm", "stratum", "treated", "control")


def test_examples_run():
    result = doctest.testmod(stratified, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
