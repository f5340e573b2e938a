"""Tests of pku_eval.stats.mixed_fast (the closed-form random-intercept engine).

Reference values: lme4 (Bates et al. 2015, J Stat Softw 67(1)), sleepstudy data, R
    lmer(Reaction ~ Days + (1 | Subject), sleepstudy)        # REML, the default
prints: fixed effects (Intercept) 251.4051 (Std. Error 9.7467), Days 10.4673 (0.8042);
random effects Subject (Intercept) Std.Dev. 37.12, Residual Std.Dev. 30.99.
The sleepstudy data are embedded in test_stats_mixed.py (copied from lme4).

The engine's interval and p-value are Wald with a normal reference (as lme4's
confint(fit, method = "Wald") and statsmodels): estimate -/+ z * SE with
z = qnorm(0.975) = 1.959963984540054, p = 2 * (1 - pnorm(|estimate / SE|)). The expected values
below are derived from lme4's printed estimate and SE with that formula; the tolerances allow
for the rounding of the printed estimate and SE (4 decimals), nothing more.
"""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from test_stats_mixed import simulate_panel, sleepstudy_frame

from pku_eval.stats import mixed_fast
from pku_eval.stats.mixed import arm_by_wave, fit_random_intercept
from pku_eval.stats.mixed_fast import (
    arm_by_wave_fast,
    fit_random_intercept_fast,
    reml_random_intercept,
)

Z_975 = 1.959963984540054  # qnorm(0.975): a t(30) quantile would be 2.042272456301238
Z_95 = 1.6448536269514722  # qnorm(0.95), for alpha = 0.10

# lme4's printed fixed effects for the random-intercept sleepstudy model: (estimate, SE)
LME4_FIXED = {"Intercept": (251.4051, 9.7467), "Days": (10.4673, 0.8042)}


@pytest.fixture(scope="module")
def sleepstudy() -> pd.DataFrame:
    return sleepstudy_frame()


def test_examples_run():
    result = doctest.testmod(mixed_fast, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_matches_lme4_sleepstudy(sleepstudy):
    res = fit_random_intercept_fast(sleepstudy, "Reaction ~ Days", subject="Subject",
                                    include_random=True)
    fixed = res[res["effect"] == "fixed"].set_index("term")
    assert list(fixed.index) == ["Intercept", "Days"]
    # lme4 prints 4 decimals: tolerance half a unit in the last place
    assert fixed.loc["Intercept", "estimate"] == pytest.approx(251.4051, abs=5e-5)
    assert fixed.loc["Intercept", "se"] == pytest.approx(9.7467, abs=5e-5)
    assert fixed.loc["Days", "estimate"] == pytest.approx(10.4673, abs=5e-5)
    assert fixed.loc["Days", "se"] == pytest.approx(0.8042, abs=5e-5)
    random = res[res["effect"] == "random"].set_index("term")["estimate"]
    assert random["sd__(Intercept)"] == pytest.approx(37.12, abs=5e-3)
    assert random["sd__Observation"] == pytest.approx(30.99, abs=5e-3)


@pytest.mark.parametrize("alpha, z", [(0.05, Z_975), (0.10, Z_95)])
def test_wald_ci_and_p_match_lme4_sleepstudy(sleepstudy, alpha, z):
    # Wald interval and two-sided normal p from lme4's printed estimate and SE. Rounding of the
    # printed values moves est -/+ z*SE by at most 5e-5 * (1 + z) < 2e-4, and
    # p = 2 * (1 - pnorm(|est/SE|)) by under 2 % (Days: |z| = 13, d log p = |z| dz).
    # A t(30) quantile moves the Days limits by 0.066; a one-sided p halves p.
    res = fit_random_intercept_fast(sleepstudy, "Reaction ~ Days", subject="Subject",
                                    alpha=alpha).set_index("term")
    for term, (estimate, se) in LME4_FIXED.items():
        row = res.loc[term]
        assert row["ci_low"] == pytest.approx(estimate - z * se, abs=2e-4), term
        assert row["ci_high"] == pytest.approx(estimate + z * se, abs=2e-4), term
        expected_p = 2 * stats.norm.sf(abs(estimate / se))
        assert row["p_value"] == pytest.approx(expected_p, rel=0.02, abs=0), term
    # Days: p = 2 * (1 - pnorm(10.4673 / 0.8042)) = 1.0e-38, not 5e-39 (one-sided)
    assert res.loc["Days", "p_value"] == pytest.approx(1.0e-38, rel=0.02, abs=0)


def test_fast_equals_exact_engine_sleepstudy(sleepstudy):
    # The statsmodels engine (pku_eval.stats.mixed) on the same data agrees to 1e-6 in every
    # column but p, whose relative error is |z| times that of z (z = 13 and 26 here): 1e-3
    fast = fit_random_intercept_fast(sleepstudy, "Reaction ~ Days", subject="Subject")
    exact = fit_random_intercept(sleepstudy, "Reaction ~ Days", subject="Subject")
    assert list(fast.columns) == list(exact.columns)
    for column in ("estimate", "se", "ci_low", "ci_high"):
        np.testing.assert_allclose(fast[column], exact[column], rtol=1e-6, err_msg=column)
    np.testing.assert_allclose(fast["p_value"], exact["p_value"], rtol=1e-3)


def test_ml_agrees_with_statsmodels(sleepstudy):
    fast = fit_random_intercept_fast(sleepstudy, "Reaction ~ Days", "Subject", reml=False)
    slow = fit_random_intercept(sleepstudy, "Reaction ~ Days", "Subject", reml=False)
    np.testing.assert_allclose(fast["estimate"], slow["estimate"], rtol=1e-6)
    np.testing.assert_allclose(fast["se"], slow["se"], rtol=1e-3)


def test_no_subject_variance_gives_ols():
    # one row per subject: the random intercept is not identified apart from the residual;
    # the estimates must still be the OLS ones
    rng = np.random.default_rng(1)
    x = rng.normal(size=50)
    y = 1 + 2 * x + rng.normal(size=50)
    fit = reml_random_intercept(y, np.column_stack([np.ones(50), x]), np.arange(50))
    ols = np.linalg.lstsq(np.column_stack([np.ones(50), x]), y, rcond=None)[0]
    np.testing.assert_allclose(fit["beta"], ols, rtol=1e-6)


@pytest.mark.parametrize("seed", [3, 2016])
def test_arm_by_wave_fast_equals_statsmodels_engine(seed):
    data = simulate_panel(300, seed=seed)
    fast = arm_by_wave_fast(data, "score", "arm", "wave", "pid", "treatment", "internal_control")
    slow = arm_by_wave(data, "score", "arm", "wave", "pid", "treatment", "internal_control")
    assert list(fast.columns) == list(slow.columns)
    assert fast["wave"].tolist() == slow["wave"].tolist() == ["T1", "T2"]
    np.testing.assert_allclose(fast["estimate"], slow["estimate"], atol=1e-6)
    np.testing.assert_allclose(fast["se"], slow["se"], rtol=2e-3)
    # statsmodels stops its optimiser earlier (SEs differ by up to 3e-4 relative, limits by
    # up to 6e-5 here); a t(30) quantile would move the limits by 0.0074, a one-sided p halves p
    np.testing.assert_allclose(fast["ci_low"], slow["ci_low"], atol=2e-4)
    np.testing.assert_allclose(fast["ci_high"], slow["ci_high"], atol=2e-4)
    np.testing.assert_allclose(fast["p_value"], slow["p_value"], rtol=0.05)
    for col in ("n_subjects", "n_obs", "n_treatment", "n_control"):
        assert fast[col].tolist() == slow[col].tolist()


def test_arm_by_wave_fast_ci_and_p_are_two_sided_wald():
    # Small effects (p between 0.01 and 0.6) so the p-values are informative; both engines
    # give the same limits and p, and both follow est -/+ qnorm(0.975) * SE and
    # p = 2 * (1 - pnorm(|est/SE|)) exactly.
    data = simulate_panel(300, seed=7, effects={"T1": 0.05, "T2": -0.1})
    fast = arm_by_wave_fast(data, "score", "arm", "wave", "pid", "treatment", "internal_control")
    slow = arm_by_wave(data, "score", "arm", "wave", "pid", "treatment", "internal_control")
    assert (fast["p_value"] > 0.01).all() and (fast["p_value"] < 0.6).all()
    for res in (fast, slow):
        np.testing.assert_allclose(res["ci_low"], res["estimate"] - Z_975 * res["se"],
                                   rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(res["ci_high"], res["estimate"] + Z_975 * res["se"],
                                   rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(
            res["p_value"], 2 * stats.norm.sf(np.abs(res["estimate"] / res["se"])), rtol=1e-10)
    np.testing.assert_allclose(fast["ci_low"], slow["ci_low"], atol=2e-4)
    np.testing.assert_allclose(fast["ci_high"], slow["ci_high"], atol=2e-4)
    np.testing.assert_allclose(fast["p_value"], slow["p_value"], rtol=2e-3)
    # alpha is honoured: a 90% interval uses qnorm(0.95)
    narrow = arm_by_wave_fast(data, "score", "arm", "wave", "pid", "treatment",
                              "internal_control", alpha=0.10)
    np.testing.assert_allclose(narrow["ci_high"] - narrow["ci_low"], 2 * Z_95 * fast["se"],
                               rtol=1e-10)


def test_arm_by_wave_fast_input_errors():
    data = simulate_panel(40, seed=1)
    with pytest.raises(ValueError, match="one row per subject"):
        arm_by_wave_fast(pd.concat([data, data.head(1)]), "score", "arm", "wave", "pid",
                         "treatment", "internal_control")
    with pytest.raises(ValueError, match="only one arm"):
        only = data[~((data["wave"] == "T2") & (data["arm"] == "internal_control"))]
        arm_by_wave_fast(only, "score", "arm", "wave", "pid", "treatment", "internal_control")
    with pytest.raises(ValueError, match="not found"):
        arm_by_wave_fast(data, "score", "arm", "wave", "pid", "treatment", "nobody")
