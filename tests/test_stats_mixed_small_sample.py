"""Small-sample inference of the random-intercept model: Satterthwaite's degrees of freedom
(``df_method="satterthwaite"`` of :mod:`pku_eval.stats.mixed_fast`), issue #16.

Reference values
----------------
- lmerTest (Kuznetsova, Brockhoff & Christensen 2017, J Stat Softw 82(13)), sleepstudy data
  (embedded in test_stats_mixed.py, copied from lme4): ``summary(lmerTest::lmer(Reaction ~
  Days + (1 | Subject), sleepstudy))`` prints "t-tests use Satterthwaite's method" and

      Fixed effects:
                  Estimate Std. Error       df t value Pr(>|t|)
      (Intercept) 251.4051     9.7467  22.8102   25.79   <2e-16 ***
      Days         10.4673     0.8042 161.0000   13.02   <2e-16 ***

  (as printed, e.g., in the lmerTest chapter of "R for data analysis", section 30.7.1, and
  in many lmerTest tutorials). The intercept's 22.8102 is a genuine Satterthwaite value (it
  mixes the between- and within-subject strata); Days, a within-subject term of a balanced
  design, gets the exact N − G − 1 = 180 − 18 − 1 = 161.
- Split-plot designs (e.g. Kirk, R. E. (2013), Experimental Design, 4th ed., chapter 12;
  Fitzmaurice, Laird & Ware (2011), Applied Longitudinal Analysis, 2nd ed., section 5.4): in
  a balanced design with G subjects nested in two groups, measured at w occasions, the group ×
  occasion interaction is tested against the subject × occasion stratum with exactly
  (G − 2)(w − 1) degrees of freedom (a between-subject covariate such as office does not
  change that stratum). Satterthwaite's method reproduces exact degrees of freedom where they
  exist (Christensen 2018, "Satterthwaite's method for degrees of freedom in linear mixed
  models", the lmerTest note), so the chapter's arm × wave contrast must get them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from test_stats_mixed import sleepstudy_frame

from pku_eval.stats.mixed_fast import (
    arm_by_wave_fast,
    fit_random_intercept_fast,
    reml_random_intercept,
)

# lmerTest's printed (estimate, SE, df)
LMERTEST = {"Intercept": (251.4051, 9.7467, 22.8102), "Days": (10.4673, 0.8042, 161.0000)}
# the options of the survey_waves chapter's arm × wave model (analyses._fit)
CHAPTER = {"baseline": "T0", "covariates": ("office",)}


@pytest.fixture(scope="module")
def sleepstudy() -> pd.DataFrame:
    return sleepstudy_frame()


def balanced_panel(subjects: int = 40, waves=("T0", "T1", "T2"), seed: int = 5) -> pd.DataFrame:
    """Two arms of equal size, every subject at every wave, four offices with both arms."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(subjects):
        arm = "treatment" if i % 2 == 0 else "internal_control"
        office = "abcd"[(i // 2) % 4]
        u = rng.normal()
        for k, wave in enumerate(waves):
            rows.append((f"P{i}", arm, office, wave,
                         3 + u + 0.3 * k * (arm == "treatment") + rng.normal()))
    return pd.DataFrame(rows, columns=["pid", "arm", "office", "wave", "score"])


def test_satterthwaite_df_matches_lmertest_sleepstudy(sleepstudy):
    res = fit_random_intercept_fast(sleepstudy, "Reaction ~ Days", subject="Subject",
                                    df_method="satterthwaite").set_index("term")
    for term, (estimate, se, df) in LMERTEST.items():
        row = res.loc[term]
        # lmerTest prints 4 decimals: half a unit in the last place
        assert row["estimate"] == pytest.approx(estimate, abs=5e-5), term
        assert row["se"] == pytest.approx(se, abs=5e-5), term
        assert row["df"] == pytest.approx(df, abs=5e-5), term
        # t interval from the printed values; their rounding moves the limits by < 2e-4 (+ the
        # quantile's change with df, < 1e-6 here)
        t = stats.t.isf(0.025, df)
        assert row["ci_low"] == pytest.approx(estimate - t * se, abs=3e-4), term
        assert row["ci_high"] == pytest.approx(estimate + t * se, abs=3e-4), term
        assert row["p_value"] == pytest.approx(2 * stats.t.sf(estimate / se, df), rel=0.02)
    # the intercept's t(22.81) interval is visibly wider than the Wald (normal) one
    wald = fit_random_intercept_fast(sleepstudy, "Reaction ~ Days", "Subject").set_index("term")
    assert "df" not in wald.columns
    assert (res.loc["Intercept", "ci_high"] - res.loc["Intercept", "ci_low"]) / (
        wald.loc["Intercept", "ci_high"] - wald.loc["Intercept", "ci_low"]) == pytest.approx(
        stats.t.isf(0.025, 22.8102) / stats.norm.isf(0.025), rel=1e-4)


@pytest.mark.parametrize("waves", [("T0", "T1"), ("T0", "T1", "T2")])
def test_arm_by_wave_gets_the_exact_split_plot_df_with_the_chapters_options(waves):
    subjects = 40
    data = balanced_panel(subjects, waves)
    res = arm_by_wave_fast(data, "score", "arm", "wave", "pid", "treatment",
                           "internal_control", df_method="satterthwaite", **CHAPTER)
    expected = (subjects - 2) * (len(waves) - 1)
    np.testing.assert_allclose(res["df"], expected, rtol=1e-5)
    # the same estimates and SEs as the pinned Wald model; only the reference changes
    wald = arm_by_wave_fast(data, "score", "arm", "wave", "pid", "treatment",
                            "internal_control", **CHAPTER)
    np.testing.assert_allclose(res["estimate"], wald["estimate"], rtol=1e-12)
    np.testing.assert_allclose(res["se"], wald["se"], rtol=1e-12)
    t = stats.t.isf(0.025, expected)
    np.testing.assert_allclose(res["ci_high"] - res["estimate"], t * res["se"], rtol=1e-5)


def test_unbalanced_arm_by_wave_df_is_the_engines_df_of_the_interaction():
    data = balanced_panel(40).drop(index=[5, 8, 20, 33, 50, 71, 100])
    res = arm_by_wave_fast(data, "score", "arm", "wave", "pid", "treatment",
                           "internal_control", df_method="satterthwaite", **CHAPTER)
    # unbalanced: no exact df; below the balanced design's 76, above the subjects' 40 − 2
    assert ((res["df"] > 38) & (res["df"] < 76)).all()
    design = data.assign(treat=(data["arm"] == "treatment").astype(float))
    engine = fit_random_intercept_fast(
        design, "score ~ treat * C(wave, Treatment('T0')) + C(office)", subject="pid",
        df_method="satterthwaite").set_index("term")
    for wave in ("T1", "T2"):
        term = f"treat:C(wave, Treatment('T0'))[T.{wave}]"
        got = res.set_index("wave").loc[wave]
        assert got["df"] == pytest.approx(engine.loc[term, "df"], rel=1e-5)  # optimiser tol.
        assert got["ci_low"] == pytest.approx(engine.loc[term, "ci_low"], rel=1e-6)


def test_no_subject_variance_gives_the_least_squares_df():
    # each subject's two residuals cancel: the subject means are all on the line, so the REML
    # subject variance is 0 (its boundary) and the model is least squares, with N − p = 48 df
    rng = np.random.default_rng(1)
    e = rng.normal(size=25)
    x = rng.normal(size=50)
    y = 1 + 2 * x + np.column_stack([e, -e]).ravel()
    fit = reml_random_intercept(y, np.column_stack([np.ones(50), x]), np.arange(50) // 2,
                                df_method="satterthwaite")
    assert fit["sd_intercept"] < 1e-4 * fit["sd_residual"]
    np.testing.assert_array_equal(fit["df"], [48.0, 48.0])


def test_bad_df_method_and_ml_are_refused(sleepstudy):
    with pytest.raises(ValueError, match="df_method"):
        fit_random_intercept_fast(sleepstudy, "Reaction ~ Days", "Subject",
                                  df_method="kenward")
    with pytest.raises(ValueError, match="REML"):
        fit_random_intercept_fast(sleepstudy, "Reaction ~ Days", "Subject", reml=False,
                                  df_method="satterthwaite")
