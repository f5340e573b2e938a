"""Tests of pku_eval.stats.mixed_fast (the closed-form random-intercept engine).

Reference values: lme4 (Bates et al. 2015, J Stat Softw 67(1)), sleepstudy data, R
    lmer(Reaction ~ Days + (1 | Subject), sleepstudy)        # REML, the default
prints: fixed effects (Intercept) 251.4051 (Std. Error 9.7467), Days 10.4673 (0.8042);
random effects Subject (Intercept) Std.Dev. 37.12, Residual Std.Dev. 30.99.
The sleepstudy data are embedded in test_stats_mixed.py (copied from lme4).
"""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
from test_stats_mixed import SLEEPSTUDY_REACTION, simulate_panel

from pku_eval.stats import mixed_fast
from pku_eval.stats.mixed import arm_by_wave, fit_random_intercept
from pku_eval.stats.mixed_fast import (
    arm_by_wave_fast,
    fit_random_intercept_fast,
    reml_random_intercept,
)


@pytest.fixture(scope="module")
def sleepstudy() -> pd.DataFrame:
    return pd.DataFrame(
        [(reaction, day, subject) for subject, reactions in SLEEPSTUDY_REACTION.items()
         for day, reaction in enumerate(reactions)],
        columns=["Reaction", "Days", "Subject"])


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
    for col in ("n_subjects", "n_obs", "n_treatment", "n_control"):
        assert fast[col].tolist() == slow[col].tolist()


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
