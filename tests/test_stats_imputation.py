"""Tests of pku_eval.stats.imputation: Rubin's rules and the chained-equations imputer.

Reference values
----------------
- SAS/STAT User's Guide, "The MIANALYZE procedure", section "Combining inferences from imputed
  data sets": with m = 5 imputations and a relative increase in variance r = 10%, Rubin's
  degrees of freedom are v_m = (m - 1)(1 + 1/r)^2 = 484.
- Heymans MW, Eekhout I (2019). Applied Missing Data Analysis with SPSS and (R)Studio,
  chapter "Rubin's Rules" (bookdown.org/mwheymans/bookmi; source github.com/mwheymans/bookmi,
  09-Background.Rmd and images/table5.1.png). A t-test of the Tampa scale by radiation in the
  leg in m = 3 SPSS imputations of n = 150 patients (k = 2 parameters, complete-data df 148):
  mean differences 2.174, 1.965, 1.774 with standard errors 0.896, 0.882, 0.898. Worked in the
  text: pooled 1.971; V_W = 0.7957147; V_B = 0.040027; V_T = 0.849084; pooled SE 0.9214575;
  Wald 2.139; RIV 0.06704779; lambda 0.06283485; df_old = (m - 1)/lambda^2 = 506.5576
  (SPSS); Barnard-Rubin df_obs 136.8633 and df_adjusted 107.7509 ("equal to the df used by
  mice"); p = 0.03289185 (df_old, SPSS) and 0.03467225 (df_adjusted, mice);
  FMI = (RIV + 2/(df + 3))/(1 + RIV) = 0.0665132 (SPSS) and 0.0797587 (mice).
  SPSS's pooled row: t 2.139, df 507, Sig. .033, difference 1.971, SE .921, 95% CI .161 to
  3.781, fraction of missing information .067, relative increase in variance .067.
  The pooled estimate and the variances follow from the printed inputs to all printed digits;
  RIV, lambda and the quantities derived from them were computed by the authors from
  unrounded SPSS output and differ from the printed inputs' values in the fourth significant
  digit (RIV 0.06707 from the printed inputs), so those are checked to 1e-3 relative.
"""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pku_eval.stats import imputation
from pku_eval.stats.imputation import impute_chained, rubin_pool


def test_examples_run():
    result = doctest.testmod(imputation, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_rubin_df_matches_sas_example():
    # U-bar = 1 and (1 + 1/5) B = 0.1: r = 10%
    b = 0.1 / 1.2
    q = np.sqrt(b / 2.5) * np.array([-2.0, -1.0, 0.0, 1.0, 2.0]) + 3.0  # variance b (ddof 1)
    res = rubin_pool(pd.DataFrame({"estimate": q, "se": 1.0})).iloc[0]
    assert res["riv"] == pytest.approx(0.1)
    assert res["df"] == pytest.approx(484.0)
    assert res["estimate"] == pytest.approx(3.0)
    assert res["se"] == pytest.approx(np.sqrt(1.1))
    half = stats.t.isf(0.025, 484.0) * np.sqrt(1.1)
    assert res["ci_low"] == pytest.approx(3.0 - half)
    assert res["ci_high"] == pytest.approx(3.0 + half)
    # fraction of missing information (Rubin 1987): (r + 2/(df + 3)) / (r + 1)
    assert res["fmi"] == pytest.approx((0.1 + 2 / 487) / 1.1)


HEYMANS_TAMPA = pd.DataFrame({"estimate": [2.174, 1.965, 1.774], "se": [0.896, 0.882, 0.898]})


def test_rubin_heymans_eekhout_worked_example_mice_df():
    # With complete-data df n - k = 150 - 2: Barnard-Rubin df, as mice's pool() (module doc)
    res = rubin_pool(HEYMANS_TAMPA, df_complete=148).iloc[0]
    assert res["m"] == 3
    assert res["estimate"] == pytest.approx(1.971, abs=1e-12)
    # V_T = V_W + (1 + 1/m) V_B = 0.7957147 + 0.040027 * 4/3 = 0.849084: the printed digits
    assert res["se"] ** 2 == pytest.approx(0.849084, abs=5e-7)
    assert res["se"] == pytest.approx(0.9214575, abs=5e-8)
    assert res["riv"] == pytest.approx(0.06704779, rel=1e-3)
    assert res["df"] == pytest.approx(107.7509, rel=1e-3)
    assert res["fmi"] == pytest.approx(0.0797587, rel=1e-3)
    assert res["p_value"] == pytest.approx(0.03467225, rel=1e-3)
    half = stats.t.isf(0.025, 107.7509) * 0.9214575
    assert res["ci_low"] == pytest.approx(1.971 - half, abs=1e-3)
    assert res["ci_high"] == pytest.approx(1.971 + half, abs=1e-3)


def test_rubin_heymans_eekhout_worked_example_spss_df():
    # Without a complete-data df: Rubin's (1987) df, as SPSS (module doc)
    res = rubin_pool(HEYMANS_TAMPA).iloc[0]
    assert res["estimate"] == pytest.approx(1.971, abs=1e-12)
    assert res["se"] == pytest.approx(0.9214575, abs=5e-8)
    assert res["df"] == pytest.approx(506.5576, rel=1e-3)
    assert res["fmi"] == pytest.approx(0.0665132, rel=1e-3)
    assert res["p_value"] == pytest.approx(0.03289185, rel=1e-3)
    # SPSS's pooled row, three decimals: Sig. .033, CI .161 to 3.781, FMI .067, RIV .067
    assert res["p_value"] == pytest.approx(0.033, abs=5e-4)
    assert res["ci_low"] == pytest.approx(0.161, abs=5e-4)
    assert res["ci_high"] == pytest.approx(3.781, abs=5e-4)
    assert res["fmi"] == pytest.approx(0.067, abs=5e-4)
    assert res["riv"] == pytest.approx(0.067, abs=5e-4)


def test_rubin_barnard_rubin_small_sample_df():
    b = 0.1 / 1.2
    q = np.sqrt(b / 2.5) * np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    res = rubin_pool(pd.DataFrame({"estimate": q, "se": 1.0}), df_complete=30).iloc[0]
    gamma = 0.1 / 1.1
    df_obs = (1 - gamma) * 30 * 31 / 33
    assert res["df"] == pytest.approx(1 / (1 / 484 + 1 / df_obs))
    assert res["df"] < 30


def test_rubin_identical_imputations_is_wald_and_by_groups():
    data = pd.DataFrame({"wave": ["T1"] * 3 + ["T2"] * 3,
                         "estimate": [0.5] * 3 + [1.0, 1.2, 0.8], "se": 0.1})
    res = rubin_pool(data, by="wave").set_index("wave")
    assert np.isinf(res.loc["T1", "df"]) and res.loc["T1", "fmi"] == 0
    assert res.loc["T1", "ci_low"] == pytest.approx(0.5 - 1.959963985 * 0.1)
    assert res.loc["T2", "estimate"] == pytest.approx(1.0) and res.loc["T2", "m"] == 3
    with pytest.raises(ValueError, match="at least two"):
        rubin_pool(data.head(1))


def _mar_sample(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = 1.0 + x + rng.normal(scale=0.5, size=n)
    missing = rng.random(n) < np.where(x > 0, 0.7, 0.1)  # missing at random given x
    return pd.DataFrame({"x": x, "y": np.where(missing, np.nan, y),
                         "group": np.where(rng.random(n) < 0.5, "a", "b")})


def test_impute_chained_recovers_mean_under_mar():
    data = _mar_sample(3000, seed=7)
    assert data["y"].mean() < 0.8  # complete cases are biased (true mean 1)
    done = impute_chained(data, ["x", "y"], m=10, seed=2016)
    per = done.groupby("imputation")["y"].agg(estimate="mean",
                                              se=lambda s: s.std() / np.sqrt(len(s)))
    pooled = rubin_pool(per).iloc[0]
    assert pooled["ci_low"] < 1.0 < pooled["ci_high"]
    assert pooled["fmi"] > 0  # the imputations differ: uncertainty carried over


def test_impute_chained_keeps_observed_values_and_is_seeded():
    data = _mar_sample(200, seed=1)
    data["office"] = np.resize(["moss", "rygge", "hurum"], len(data))
    a = impute_chained(data, ["x", "y"], predictors=["office"], by="group", m=3, seed=5)
    b = impute_chained(data, ["x", "y"], predictors=["office"], by="group", m=3, seed=5)
    c = impute_chained(data, ["x", "y"], predictors=["office"], by="group", m=3, seed=6)
    pd.testing.assert_frame_equal(a, b)
    assert not a["y"].equals(c["y"])
    assert a["y"].notna().all() and len(a) == 3 * len(data)
    observed = data["y"].notna().to_numpy()
    for _, part in a.groupby("imputation"):
        np.testing.assert_array_equal(part["y"].to_numpy()[observed], data["y"][observed])
        assert part["group"].tolist() == data["group"].tolist()


def test_impute_chained_by_group_keeps_group_difference():
    rng = np.random.default_rng(3)
    n = 2000
    group = np.where(np.arange(n) < n // 2, "a", "b")
    y0 = rng.normal(size=n)
    y1 = y0 + np.where(group == "b", 1.0, 0.0) + rng.normal(scale=0.3, size=n)
    y1[rng.random(n) < 0.4] = np.nan
    data = pd.DataFrame({"group": group, "y0": y0, "y1": y1})
    done = impute_chained(data, ["y0", "y1"], by="group", m=5, seed=1)
    imputed = done[np.tile(np.isnan(y1), 5)]
    gap = (imputed.loc[imputed["group"] == "b", "y1"].mean()
           - imputed.loc[imputed["group"] == "a", "y1"].mean())
    assert gap == pytest.approx(1.0, abs=0.1)


def test_impute_chained_input_errors():
    data = _mar_sample(50, seed=2)
    with pytest.raises(ValueError, match="missing values"):
        impute_chained(data.assign(z=np.nan), ["y"], predictors=["z"])
    with pytest.raises(ValueError, match="positive integer"):
        impute_chained(data, ["y"], m=0)
    with pytest.raises(ValueError, match="fewer than two observed"):
        impute_chained(data.assign(y=np.nan), ["x", "y"])


def test_impute_chained_leaves_out_a_level_only_missing_rows_have():
    # level "c" occurs only where y is missing: its coefficient is not identified among the
    # observed rows; mice drops such a predictor (remove.lindep) instead of drawing from an
    # unbounded posterior, so the imputations stay on the scale of the data
    rng = np.random.default_rng(3)
    g = np.array(["a"] * 40 + ["b"] * 40 + ["c"] * 10)
    y = rng.normal(3, 0.5, len(g))
    data = pd.DataFrame({"g": g, "x": rng.normal(size=len(g)),
                         "y": np.where(g == "c", np.nan, y)})
    done = impute_chained(data, ["y"], predictors=["g", "x"], m=5, seed=1)
    assert done["y"].between(0, 6).all()


@pytest.mark.parametrize("df_complete", [np.inf, 12.0])
def test_rubin_pools_groups_as_each_group_alone(df_complete):
    """Pooling by groups (all groups at once, #19) gives each group what pooling that group
    alone gives, whatever the rows' order; rows with a missing key belong to no group."""
    rng = np.random.default_rng(7)
    n = 6 * 40
    data = pd.DataFrame({"wave": rng.choice(["T0", "T1", "T2"], n),
                         "delta": rng.choice([-1.0, 0.0, 0.5, 2.0], n),
                         "estimate": rng.normal(size=n), "se": rng.uniform(0.1, 1.0, n)})
    data.loc[data.index[:5], "wave"] = None
    same = (data["wave"] == "T1") & (data["delta"] == 0.5)
    data.loc[same, "estimate"] = 0.5  # identical imputations in one group: Wald, df inf
    pooled = rubin_pool(data, by=["wave", "delta"], df_complete=df_complete)
    groups = data.dropna(subset=["wave"]).groupby(["wave", "delta"], sort=True)
    assert list(zip(pooled["wave"], pooled["delta"])) == list(groups.groups)
    for (wave, delta), part in groups:
        alone = rubin_pool(part, df_complete=df_complete).iloc[0]
        row = pooled[(pooled["wave"] == wave) & (pooled["delta"] == delta)].iloc[0]
        for col in alone.index:
            assert row[col] == pytest.approx(alone[col], rel=1e-12), (wave, delta, col)
    assert np.isinf(pooled.loc[(pooled["wave"] == "T1") & (pooled["delta"] == 0.5),
                               "df"]).all() == (df_complete == np.inf)
