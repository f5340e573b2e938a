"""Tests of pku_eval.stats.sensitivity: bounds, imputation under MAR, the δ tipping point and
the precision forecast.

Sources
-------
- Half-width forecast: the Wald interval of Newcombe (1998, Statistics in Medicine 17,
  873-890), Table II, method 1, example (a) 56/70 against 48/80: 0.0575 to 0.3425 (half-width
  0.1425). The sizes for a stated half-width (n_for_half_width) are checked by inverting that
  published interval: with the shares 0.8 and 0.6, the allocation 80/70 and the half-width
  0.1425 they must give back 70 and 80 participants (to the 4 printed decimals of the limits).
  The half-width of a scale effect at other sizes (half_width_at_sizes) is checked against the
  same published Wald interval: two groups with the same share p have the standard error
  sqrt(p(1 − p)) · sqrt(1/n_t + 1/n_c), the form the function scales; and by hand.
- Worst/best-case bounds (Horowitz & Manski 2000): checked by hand below, and against the
  published counts of Plutzer, Mejia, Spencer & Keirse (2010, The Open Dentistry Journal 4,
  55, Table 2) in tests/test_stats_sensitivity_published.py (that table prints the
  same-direction scenarios "all lost had the outcome" / "none had it"; each bound is the
  difference of two of its printed shares, and the sum of the bounds is tied to its printed
  risk differences; see that file).
- The logistic multiple imputation (mice's ``logreg``) and the δ-adjusted tipping point: no
  published output could be reproduced here (mice's, Stata's and SAS's results depend on
  their own random numbers; the published sensitivity analyses searched, e.g. SAS PROC
  MI/MIANALYZE's MNAR ADJUST and tipping-point examples, print only the first rows of data
  that SAS's random-number functions generate, and pool a continuous outcome's ANCOVA, not a
  risk difference), so they are checked by their properties: Rubin's rules are those of
  tests/test_stats_imputation.py (Heymans & Eekhout's published example), MCAR data give the
  complete-case estimate back within its interval, the planted truth is covered, the same seed
  gives the same result, and δ lowers the estimate monotonically down to the worst case of the
  treated arm.
"""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

from pku_eval.stats import EstimationError, sensitivity
from pku_eval.stats.sensitivity import (
    half_width_at_sizes,
    half_width_forecast,
    mi_risk_difference,
    missing_outcome_bounds,
    n_for_half_width,
    tipping_point,
)


def test_half_width_matches_newcombe_wald_interval():
    assert half_width_forecast(56 / 70, 48 / 80, 70, 80) == pytest.approx(0.1425, abs=5e-5)
    # four times the people halve the width
    assert half_width_forecast(0.4, 0.3, 400, 400) == pytest.approx(
        half_width_forecast(0.4, 0.3, 100, 100) / 2)


def test_n_for_half_width_inverts_newcombes_wald_interval():
    # Newcombe's limits are printed to 4 decimals: the half-width 0.1425 is known to ±5e-5,
    # so n = 70 (∝ 1/d²) to ±2 · 5e-5 / 0.1425 relative, about ±0.05 people
    n_t, n_c = n_for_half_width(0.8, 0.6, 0.1425, ratio=80 / 70)
    assert n_t == pytest.approx(70, abs=0.06) and n_c == pytest.approx(80, abs=0.07)
    assert n_c / n_t == pytest.approx(80 / 70, rel=1e-12)
    # and the forecast at those sizes is the half-width asked for
    assert half_width_forecast(0.8, 0.6, n_t, n_c) == pytest.approx(0.1425, rel=1e-12)
    # a 90% interval needs fewer: (z_0.95 / z_0.975)^2 of them
    assert n_for_half_width(0.8, 0.6, 0.1425, 80 / 70, alpha=0.10)[0] == pytest.approx(
        n_t * (1.6448536269514722 / 1.959963984540054) ** 2, rel=1e-12)
    with pytest.raises(ValueError, match="proportion"):
        n_for_half_width(0.8, 0.6, 5)
    with pytest.raises(ValueError, match="ratio"):
        n_for_half_width(0.8, 0.6, 0.05, ratio=0)


def test_half_width_at_sizes_scales_the_wald_interval():
    # Newcombe (a)'s sizes 70 and 80 at one common share: the Wald half-width at any other
    # sizes is the scaled one (half_width_forecast is checked against Newcombe above)
    now = half_width_forecast(0.6, 0.6, 70, 80)
    for later in ((140, 160), (100, 300), (35, 40)):
        assert half_width_at_sizes(now, 70, 80, *later) == pytest.approx(
            half_width_forecast(0.6, 0.6, *later), rel=1e-12)
    # by hand: four times the people in both groups halve the width
    assert half_width_at_sizes(0.3, 50, 50, 200, 200) == pytest.approx(0.15, rel=1e-12)
    with pytest.raises(ValueError, match="positive"):
        half_width_at_sizes(0, 50, 50, 100, 100)


def test_bounds_by_hand():
    # treated: 3 of 8 known employed, 2 missing (n 10); controls: 2 of 9 known, 1 missing
    df = pd.DataFrame({"arm": ["t"] * 10 + ["c"] * 10,
                       "job": [1, 1, 1, 0, 0, 0, 0, 0, None, None]
                              + [1, 1, 0, 0, 0, 0, 0, 0, 0, None]})
    b = missing_outcome_bounds(df, "job", "arm", "t", "c").iloc[0]
    assert b["estimate"] == pytest.approx(3 / 8 - 2 / 9)
    assert b["lower"] == pytest.approx(3 / 10 - 3 / 10)
    assert b["upper"] == pytest.approx(5 / 10 - 2 / 10)
    assert (b["missing_treatment"], b["missing_control"]) == (2, 1)
    assert b["lower"] <= b["estimate"] <= b["upper"]


def simulated(n=1500, seed=0, missing=0.15, mar=True):
    rng = np.random.default_rng(seed)
    arm = np.where(rng.random(n) < 0.6, "t", "c")
    x = rng.normal(size=n)
    p = 1 / (1 + np.exp(-(-0.8 + 0.6 * (arm == "t") + 0.8 * x)))
    y = (rng.random(n) < p).astype(float)
    # MAR: the chance of a missing outcome depends on x only
    p_miss = 1 / (1 + np.exp(-(np.log(missing / (1 - missing)) + (1.0 * x if mar else 0))))
    observed = y.copy()
    observed[rng.random(n) < p_miss] = np.nan
    truth = float(np.mean(1 / (1 + np.exp(-(-0.2 + 0.8 * x))))
                  - np.mean(1 / (1 + np.exp(-(-0.8 + 0.8 * x)))))
    return pd.DataFrame({"arm": arm, "x": x, "g": rng.choice(["a", "b"], n),
                         "job": observed, "full": y}), truth


def test_mar_imputation_covers_the_full_data_estimate():
    df, _ = simulated()
    full = df.groupby("arm")["full"].mean()
    res = mi_risk_difference(df, "job", "arm", "t", "c", ["x", "g"], m=20, seed=3).iloc[0]
    assert res["ci_low"] < full["t"] - full["c"] < res["ci_high"]
    assert 0 < res["fmi"] < 1 and res["m"] == 20 and res["delta"] == 0


def test_same_seed_same_result_and_delta_lowers_the_estimate():
    df, _ = simulated(seed=4)
    a = mi_risk_difference(df, "job", "arm", "t", "c", ["x"], m=10, seed=7)
    b = mi_risk_difference(df, "job", "arm", "t", "c", ["x"], m=10, seed=7)
    pd.testing.assert_frame_equal(a, b)
    tp, table = tipping_point(df, "job", "arm", "t", "c", ["x"], m=10, seed=7, step=0.05)
    assert np.all(np.diff(table["estimate"]) <= 1e-12)
    assert table["estimate"].iloc[0] == pytest.approx(a["estimate"].iloc[0])
    # at δ = 1 every missing treated outcome is 0: the treated share is the worst case
    bounds = missing_outcome_bounds(df, "job", "arm", "t", "c").iloc[0]
    known_c = df.loc[df["arm"] == "c", "job"].dropna()
    assert table["estimate"].iloc[-1] <= bounds["upper"]
    assert table["estimate"].iloc[-1] >= bounds["lower"]
    assert len(known_c) > 0
    if tp is not None:
        row = table.set_index("delta").loc[tp]
        assert row["ci_low"] <= 0 <= row["ci_high"]
        before = table[table["delta"] < tp]
        assert (before["ci_low"] > 0).all()


def test_tipping_point_found_for_a_small_effect():
    df, _ = simulated(n=800, seed=11, missing=0.3)
    tp, table = tipping_point(df, "job", "arm", "t", "c", ["x"], m=10, seed=1, step=0.02)
    if table["ci_low"].iloc[0] > 0:
        assert tp is not None and 0 < tp <= 1


def test_bad_input():
    df, _ = simulated(n=200)
    with pytest.raises(ValueError, match="delta"):
        mi_risk_difference(df, "job", "arm", "t", "c", ["x"], delta=2)
    with pytest.raises(ValueError, match="m must"):
        mi_risk_difference(df, "job", "arm", "t", "c", ["x"], m=1)
    with pytest.raises(EstimationError):
        missing_outcome_bounds(df.assign(job=np.where(df["arm"] == "t", np.nan, df["job"])),
                               "job", "arm", "t", "c")


def test_doctests():
    assert doctest.testmod(sensitivity, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0


def test_mar_pooling_uses_barnard_rubin_df():
    # Barnard & Rubin (1999) with complete-data df n − 2, as mice's pool(dfcom = n − 2); the
    # formula is checked against Heymans & Eekhout's worked example in test_stats_imputation
    df, _ = simulated(n=300, seed=6)
    res = mi_risk_difference(df, "job", "arm", "t", "c", ["x"], m=5, seed=2).iloc[0]
    nu_c = len(df) - 2
    r, m = res["riv"], res["m"]
    nu_m = (m - 1) * (1 + 1 / r) ** 2
    nu_obs = (1 - r / (1 + r)) * nu_c * (nu_c + 1) / (nu_c + 3)
    assert res["df"] == pytest.approx(1 / (1 / nu_m + 1 / nu_obs))
    assert res["df"] < nu_c
