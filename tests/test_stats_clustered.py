"""Tests of pku_eval.stats.clustered: cluster-robust variances and the partially nested model.

Sources
-------
- Cluster-robust (CR1) variance: Grunfeld investment data (tests/data/grunfeld200.csv and its
  README): Stata ``regress invest mvalue kstock, vce(cluster company)``, as recorded in
  statsmodels' test suite (results_grunfeld_ols_robust_cluster.py), equal to R
  ``sandwich::vcovCL(type = "HC1")``.
- The REML engine of the partially nested model with every row clustered is lme4's random
  intercept: ``lmer(Reaction ~ Days + (1 | Subject), sleepstudy)`` prints (Intercept) 251.4051
  (SE 9.7467), Days 10.4673 (SE 0.8042), Subject SD 37.12, residual SD 30.99 (Bates et al.
  2015, J Stat Softw 67(1)).
- No published output of a partially nested model on public data was found (Bauer, Sterba &
  Hallfors 2008 and Roberts & Roberts 2005 give no data set): the model
  ``y ~ arm + x + (0 + treated | coach)`` is checked against a second, independent
  implementation, statsmodels' ``MixedLM`` with the random slope of the treatment indicator
  and each control in a group of their own (the lme4 formulation of Bauer et al. 2008, eq. 3).
  ``test_partially_nested_with_the_chapters_covariates_cross_check`` repeats that cross-check
  with the covariates the survey-waves chapter passes (a numeric baseline score and a
  categorical office; src/pku_eval/chapters/survey_waves/nested.py). It is a cross-check
  against another implementation run here, not a published value. Searched without success
  for a published output of this model on data available here: lme4/nlme/SAS examples of
  ``(0 + treat | group)`` or ``random treat / subject=group``, Baldwin et al. (2011,
  Psychological Methods; the SAS output in their supplement is for the Body Project data,
  which are not public), the Hufthammer (2015) r-sig-mixed-models thread, Sterba/Bauer and
  the R package PND.heter.cluster (its example data carry no mixed-model output).
"""

from __future__ import annotations

import doctest
import pathlib

import numpy as np
import pandas as pd
import pytest
from test_stats_mixed import sleepstudy_frame

from pku_eval.stats import EstimationError, clustered
from pku_eval.stats.clustered import (
    cluster_robust_ols,
    partially_nested_effect,
    risk_difference_clustered,
)
from pku_eval.stats.mixed_fast import reml_random_intercept

DATA = pathlib.Path(__file__).parent / "data"


def test_cr1_matches_stata_vce_cluster_on_grunfeld():
    # Stata keeps the data in float precision: agreement to 7 significant digits
    d = pd.read_csv(DATA / "grunfeld200.csv")
    res = cluster_robust_ols(d, "invest", ["value", "capital"], "firm").set_index("term")
    assert res.loc["value", "estimate"] == pytest.approx(.11556215606596, rel=1e-7)
    assert res.loc["capital", "estimate"] == pytest.approx(.23067848754982, rel=1e-7)
    assert res.loc["Intercept", "estimate"] == pytest.approx(-42.714369016733, rel=1e-7)
    assert res.loc["value", "se"] == pytest.approx(.01589433647768, rel=1e-7)
    assert res.loc["capital", "se"] == pytest.approx(.08496711097464, rel=1e-7)
    assert res.loc["Intercept", "se"] == pytest.approx(20.425202580078, rel=1e-7)
    assert res.loc["value", "ci_low"] == pytest.approx(.07960666895505, rel=1e-7)
    assert res.loc["value", "ci_high"] == pytest.approx(.15151764317688, rel=1e-7)
    assert res.loc["value", "p_value"] == pytest.approx(.00004710548549, rel=1e-7)
    assert int(res.loc["value", "df"]) == 9 and int(res.loc["value", "n_clusters"]) == 10


def test_missing_cluster_is_a_cluster_of_its_own():
    d = pd.read_csv(DATA / "grunfeld200.csv")
    alone = cluster_robust_ols(d.assign(firm=None), "invest", ["value", "capital"], "firm")
    hc1 = cluster_robust_ols(d, "invest", ["value", "capital"], None)
    np.testing.assert_allclose(alone["se"], hc1["se"])
    assert int(alone["n_clusters"].iloc[0]) == 200


def test_risk_difference_clustered_is_the_difference_of_shares_with_cr1():
    rng = np.random.default_rng(3)
    n_t, n_c = 240, 160
    coach = np.arange(n_t) % 20
    p = np.clip(0.4 + rng.normal(0, 0.15, 20)[coach], 0, 1)
    df = pd.DataFrame({
        "arm": ["t"] * n_t + ["c"] * n_c,
        "job": np.r_[rng.random(n_t) < p, rng.random(n_c) < 0.3].astype(int),
        "coach": [f"C{c:03d}" for c in coach] + [None] * n_c,
    })
    res = risk_difference_clustered(df, "job", "arm", "t", "c", cluster="coach").iloc[0]
    shares = df.groupby("arm")["job"].mean()
    assert res["estimate"] == pytest.approx(shares["t"] - shares["c"], rel=1e-7)
    ols = cluster_robust_ols(df.assign(tr=(df["arm"] == "t").astype(float)), "job", "tr",
                             "coach").iloc[1]
    assert res["se"] == pytest.approx(ols["se"], rel=1e-12)
    assert res["n_clusters"] == 20 + n_c and res["n_clusters_treatment"] == 20
    # the coaches' shares vary (planted), so the clustered interval is wider
    assert res["width_ratio"] > 1
    assert res["width_ratio"] == pytest.approx(
        (res["ci_high"] - res["ci_low"])
        / (res["ci_high_independent"] - res["ci_low_independent"]))


def test_engine_with_all_rows_clustered_matches_lme4_sleepstudy():
    d = sleepstudy_frame()
    x = np.column_stack([np.ones(len(d)), d["Days"]])
    fit = reml_random_intercept(d["Reaction"].to_numpy(), x, d["Subject"].to_numpy(),
                                clustered=np.ones(len(d), dtype=bool))
    np.testing.assert_allclose(fit["beta"], [251.4051, 10.4673], atol=5e-5)
    np.testing.assert_allclose(np.sqrt(np.diag(fit["cov"])), [9.7467, 0.8042], atol=5e-5)
    assert fit["sd_intercept"] == pytest.approx(37.12, abs=5e-3)
    assert fit["sd_residual"] == pytest.approx(30.99, abs=5e-3)


def partially_nested_data(seed=1, coach_sd=0.5):
    rng = np.random.default_rng(seed)
    n = 300
    arm = np.where(np.arange(n) < 180, "t", "c")
    coach = pd.Series([f"C{i % 15:03d}" if a == "t" else None for i, a in enumerate(arm)])
    u = rng.normal(0, coach_sd, 15)
    y = (0.3 * (arm == "t") + np.where(arm == "t", u[np.arange(n) % 15], 0)
         + rng.normal(0, 1, n))
    return pd.DataFrame({"y": y, "arm": arm, "coach": coach, "x": rng.normal(size=n)})


def test_partially_nested_matches_statsmodels_mixedlm():
    import statsmodels.formula.api as smf
    df = partially_nested_data()
    res = partially_nested_effect(df, "y", "arm", "t", "c", "coach", covariates=["x"]).iloc[0]
    g = df["coach"].where(df["arm"] == "t", [f"alone{i}" for i in range(len(df))])
    sm = smf.mixedlm("y ~ tr + x", df.assign(tr=(df["arm"] == "t").astype(float), g=g),
                     groups="g", re_formula="0 + tr").fit(reml=True)
    assert res["estimate"] == pytest.approx(sm.params["tr"], abs=1e-5)
    assert res["se"] == pytest.approx(sm.bse["tr"], rel=1e-3)
    assert res["sd_cluster"] ** 2 == pytest.approx(sm.cov_re.iloc[0, 0], rel=1e-3)
    assert res["sd_residual"] ** 2 == pytest.approx(sm.scale, rel=1e-4)
    assert res["n_clusters"] == 15 and res["width_ratio"] > 1


def test_partially_nested_with_the_chapters_covariates_cross_check():
    # cross-check (not a published value): the chapter's call, partially_nested_effect(data,
    # scale, "arm", TREATMENT, CONTROL, "coach", covariates=["_t0", "office"]), against
    # statsmodels' MixedLM with the random slope of the treatment indicator, each control a
    # group of its own, and the office as a treatment-coded factor
    import warnings

    import statsmodels.formula.api as smf
    rng = np.random.default_rng(21)
    n = 320
    arm = np.where(np.arange(n) % 5 < 3, "treatment", "internal_control")
    office = rng.choice(["bergen", "oslo", "trondheim"], n)
    t0 = rng.normal(3, 1, n)
    coach_id = np.arange(n) % 16
    u = rng.normal(0, 0.45, 16)
    y = (1 + 0.5 * t0 + 0.3 * (arm == "treatment") + 0.25 * (office == "oslo")
         - 0.2 * (office == "trondheim") + np.where(arm == "treatment", u[coach_id], 0)
         + rng.normal(0, 1, n))
    coach = pd.Series([f"C{c:02d}" if a == "treatment" else None
                       for c, a in zip(coach_id, arm, strict=True)])
    df = pd.DataFrame({"score": y, "arm": arm, "office": office, "_t0": t0, "coach": coach})
    res = partially_nested_effect(df, "score", "arm", "treatment", "internal_control", "coach",
                                  covariates=["_t0", "office"]).iloc[0]
    g = df["coach"].where(df["arm"] == "treatment", pd.Series([f"alone{i}" for i in range(n)]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sm = smf.mixedlm("score ~ tr + _t0 + C(office)",
                         df.assign(tr=(df["arm"] == "treatment").astype(float), g=g),
                         groups="g", re_formula="0 + tr").fit(reml=True)
    assert res["estimate"] == pytest.approx(sm.params["tr"], abs=1e-5)
    assert res["se"] == pytest.approx(sm.bse["tr"], rel=1e-3)
    assert res["sd_cluster"] ** 2 == pytest.approx(sm.cov_re.iloc[0, 0], rel=1e-3)
    assert res["sd_residual"] ** 2 == pytest.approx(sm.scale, rel=1e-4)
    assert res["n"] == n and res["n_clusters"] == 16


def test_partially_nested_without_coach_variance_is_least_squares():
    df = partially_nested_data(seed=5, coach_sd=0.0)
    res = partially_nested_effect(df, "y", "arm", "t", "c", "coach", covariates=["x"]).iloc[0]
    if res["sd_cluster"] < 1e-3:  # the REML estimate sits on the boundary
        assert res["estimate"] == pytest.approx(
            df.groupby("arm")["y"].mean().pipe(lambda s: s["t"] - s["c"]), abs=0.05)
        assert res["width_ratio"] == pytest.approx(1.0, abs=1e-3)


def test_bad_input_and_too_few_clusters():
    df = partially_nested_data()
    with pytest.raises(ValueError, match="not found"):
        partially_nested_effect(df, "y", "arm", "t", "nobody", "coach")
    with pytest.raises(EstimationError):
        partially_nested_effect(df.assign(coach="C1"), "y", "arm", "t", "c", "coach")
    with pytest.raises(ValueError, match="0/1"):
        risk_difference_clustered(df, "y", "arm", "t", "c", "coach")


def test_doctests():
    assert doctest.testmod(clustered, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0
