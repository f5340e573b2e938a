"""Tests of pku_eval.stats.delta_adjust: the δ-adjusted (MNAR) tipping-point analysis.

Reference values
----------------
- Greene, W. H. (2003). Econometric Analysis, 5th ed., Table 21.1 (the data of Spector &
  Mazzeo 1980, 32 students; statsmodels ships them as ``datasets.spector``): the linear
  probability model GRADE ~ GPA + TUCE + PSI by least squares has the PSI coefficient 0.379
  (standard error 0.139), with 32 − 4 = 28 residual degrees of freedom. With no missing
  outcome every imputation is the data, so the pooled estimate and standard error are these.
  (The 0.379 and 0.139 are printed, as 0.3786 and 0.139, in the statsmodels documentation's
  OLS output on these data, statsmodels.org "Linear Regression" page; Greene's table itself
  was not available here to confirm the standard error.)
- Barnard & Rubin (1999), as mice's pool(): when the imputations agree (B = 0) the degrees of
  freedom are ν_obs = ν_c(ν_c + 1)/(ν_c + 3); the formula itself is checked against the worked
  example of Heymans & Eekhout (2019) in tests/test_stats_imputation.py.
- tests/test_stats_delta_adjust_published.py calls ``delta_adjusted_ancova`` as the
  survey-waves chapter does (completed data sets, string arms, a δ grid) against the same
  published fit with a baseline and a covariate, and against Heymans & Eekhout's published
  pooled t-test over three imputations (B > 0) at δ = 0. No published result at δ ≠ 0 that
  could be reproduced here was found (published δ-adjusted analyses, e.g. SAS PROC MI's MNAR
  ADJUST examples or van Buuren 2018 section 9.2, depend on their software's random numbers).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from pku_eval.stats.delta_adjust import (
    delta_adjusted_ancova,
    delta_adjusted_mi,
    delta_tipping_point,
)
from pku_eval.stats.errors import EstimationError


def _spector() -> pd.DataFrame:
    return sm.datasets.spector.load_pandas().data


def test_no_missing_outcome_is_greene_table_21_1():
    res = delta_adjusted_mi(_spector(), "GRADE", "PSI", 1.0, 0.0, baseline="GPA",
                            covariates=["TUCE"], deltas=[0.0, 0.5], m=3, seed=1)
    for _, r in res.iterrows():  # nothing is imputed, so δ changes nothing
        assert r["estimate"] == pytest.approx(0.379, abs=5e-4)
        assert r["se"] == pytest.approx(0.139, abs=5e-4)
        assert r["df_complete"] == 28
        assert r["df"] == pytest.approx(28 * 29 / 31)  # Barnard–Rubin with B = 0
        assert r["fmi"] == pytest.approx(2 / (28 * 29 / 31 + 3))


def _trial(n: int, seed: int, mnar_shift: float) -> tuple[pd.DataFrame, float]:
    """A trial; a third of the treated scores at the wave and a fifth of the controls' are
    missing, the missing treated ones ``mnar_shift`` away from what MAR would say; the true
    effect over everyone is then 0.5 + mnar_shift / 3."""
    rng = np.random.default_rng(seed)
    arm = np.where(rng.random(n) < 0.5, "t", "c")
    office = rng.choice(["a", "b", "c"], n)
    t0 = rng.normal(3, 1, n)
    y = 1 + 0.6 * t0 + 0.5 * (arm == "t") + 0.2 * (office == "b") + rng.normal(0, 0.8, n)
    miss = rng.random(n) < np.where(arm == "t", 1 / 3, 1 / 5)
    y = y + np.where(miss & (arm == "t"), mnar_shift, 0.0)
    data = pd.DataFrame({"arm": arm, "office": office, "t0": t0, "y": np.where(miss, np.nan, y)})
    data.loc[rng.random(n) < 0.1, "t0"] = np.nan  # some baselines missing too
    return data, 0.5 + mnar_shift / 3


def test_delta_recovers_planted_mnar_effect():
    data, truth = _trial(3000, seed=11, mnar_shift=-1.0)
    res = delta_adjusted_mi(data, "y", "arm", "t", "c", baseline="t0", covariates=["office"],
                            deltas=[0.0, -1.0], m=10, n_iter=5, seed=3).set_index("delta")
    mar, right = res.loc[0.0], res.loc[-1.0]
    assert not mar["ci_low"] < truth < mar["ci_high"]  # MAR is wrong here
    assert right["ci_low"] < truth < right["ci_high"]   # the true δ recovers it
    assert right["df"] < right["df_complete"]


def test_estimate_moves_by_delta_times_share_imputed():
    # without covariates the ANCOVA is a difference of means: shifting the imputed treated
    # outcomes by δ moves it by δ × (imputed treated ÷ treated), in every imputation
    data, _ = _trial(400, seed=5, mnar_shift=0.0)
    data = data.dropna(subset=["t0"])
    share = data.loc[data["arm"] == "t", "y"].isna().mean()
    res = delta_adjusted_mi(data, "y", "arm", "t", "c", deltas=[0.0, -0.3, 0.7], m=4, seed=2)
    moved = res.set_index("delta")["estimate"] - res.loc[res["delta"] == 0, "estimate"].iloc[0]
    assert moved.loc[-0.3] == pytest.approx(-0.3 * share)
    assert moved.loc[0.7] == pytest.approx(0.7 * share)
    control = delta_adjusted_mi(data, "y", "arm", "t", "c", deltas=[0.0, 1.0], shift="c",
                                m=4, seed=2).set_index("delta")["estimate"]
    share_c = data.loc[data["arm"] == "c", "y"].isna().mean()
    assert control.loc[1.0] - control.loc[0.0] == pytest.approx(-share_c)


def test_tipping_point_is_first_changed_conclusion():
    data, _ = _trial(600, seed=8, mnar_shift=0.0)
    grid = np.round(np.arange(-2, 2.0001, 0.05), 10)
    table = delta_adjusted_mi(data, "y", "arm", "t", "c", baseline="t0", covariates=["office"],
                              deltas=grid, m=5, n_iter=5, seed=4)
    assert table.loc[table["delta"] == 0, "ci_low"].iloc[0] > 0  # MAR: a positive effect
    tip = delta_tipping_point(table)
    assert tip is not None and tip < 0
    at = table.set_index("delta")
    assert at.loc[tip, "ci_low"] <= 0
    closer = at[(at.index > tip) & (at.index <= 0)]
    assert (closer["ci_low"] > 0).all()
    assert table["estimate"].is_monotonic_increasing


def test_tipping_point_none_and_errors():
    t = pd.DataFrame({"delta": [-0.1, 0.0, 0.1], "ci_low": [0.1, 0.2, 0.3],
                      "ci_high": [0.5, 0.6, 0.7]})
    assert delta_tipping_point(t) is None
    with pytest.raises(ValueError, match="delta 0"):
        delta_tipping_point(t.iloc[[0, 2]])
    done = pd.DataFrame({"imputation": 1, "arm": ["t"] * 4, "y": [1.0, 2, 3, 4],
                         "imp": False})
    with pytest.raises(EstimationError):
        delta_adjusted_ancova(done, "y", "arm", "t", "c", "imp")
    with pytest.raises(ValueError, match="shift"):
        delta_adjusted_ancova(done, "y", "arm", "t", "c", "imp", shift="x")
