"""Tests of pku_eval.stats.weighting against published R output on the Lalonde data.

Sources (tests/data/lalonde.csv and its README): cobalt's ``bal.tab`` example with ATE
weights from a logistic propensity model (standardised mean differences before and after
weighting, effective sample sizes), and the IPTW estimate of ``survey::svyglm`` with its
confidence interval from the "Crash Course in Causality" data analysis project (ATE 224.68,
95% CI -1559.32 to 2008.67, weights 1.009 to 40.077).
"""

from __future__ import annotations

import pathlib

import numpy as np
import pandas as pd
import pytest

from pku_eval.stats import EstimationError
from pku_eval.stats.weighting import balance_table, ipw_difference, propensity_weights

DATA = pathlib.Path(__file__).parent / "data"
COVARIATES = ["age", "educ", "race", "married", "nodegree", "re74", "re75"]
COBALT = {  # covariate: (Diff.Un, Diff.Adj)
    "age": (-0.2419, -0.1676), "educ": (0.0448, 0.1296), "race_black": (0.6404, 0.0499),
    "race_hispan": (-0.0827, 0.0047), "race_white": (-0.5577, -0.0546),
    "married": (-0.3236, -0.0944), "nodegree": (0.1114, -0.0547),
    "re74": (-0.5958, -0.2740), "re75": (-0.2870, -0.1579),
}


@pytest.fixture(scope="module")
def lalonde():
    return pd.read_csv(DATA / "lalonde.csv")


def test_balance_matches_cobalt_bal_tab(lalonde):
    w = propensity_weights(lalonde, "treat", 1, 0, COVARIATES, estimand="ATE")
    bal = balance_table(lalonde.assign(w=w["weight"]), "treat", 1, 0, COVARIATES,
                        weights="w", estimand="ATE").set_index("covariate")
    for name, (un, adj) in COBALT.items():
        assert bal.loc[name, "diff_unadjusted"] == pytest.approx(un, abs=5e-5), name
        assert bal.loc[name, "diff_adjusted"] == pytest.approx(adj, abs=5e-5), name
    assert bal["ess_control"].iloc[0] == pytest.approx(329.01, abs=5e-3)
    assert bal["ess_treatment"].iloc[0] == pytest.approx(58.33, abs=5e-3)
    assert bal.loc["married", "type"] == "binary" and bal.loc["age", "type"] == "continuous"


def test_ipw_difference_matches_svyglm(lalonde):
    res = ipw_difference(lalonde, "re78", "treat", 1, 0, COVARIATES, estimand="ATE").iloc[0]
    assert res["estimate"] == pytest.approx(224.68, abs=5e-3)
    assert res["ci_low"] == pytest.approx(-1559.32, abs=5e-2)
    assert res["ci_high"] == pytest.approx(2008.67, abs=5e-2)
    assert res["weight_min"] == pytest.approx(1.009, abs=5e-4)
    assert res["weight_max"] == pytest.approx(40.077, abs=5e-4)
    assert res["n_treatment"] == 185 and res["n_control"] == 429


def test_att_weights_leave_the_treated_alone(lalonde):
    w = propensity_weights(lalonde, "treat", 1, 0, COVARIATES, estimand="ATT")
    assert (w.loc[w["treated"] == 1, "weight"] == 1).all()
    ctrl = w[w["treated"] == 0]
    np.testing.assert_allclose(ctrl["weight"], ctrl["ps"] / (1 - ctrl["ps"]))


def test_no_overlap_and_bad_input(lalonde):
    separated = lalonde.assign(x=lalonde["treat"] * 10.0 + np.linspace(0, 1, len(lalonde)))
    with pytest.raises(EstimationError):
        ipw_difference(separated, "re78", "treat", 1, 0, ["x"])
    with pytest.raises(ValueError, match="estimand"):
        propensity_weights(lalonde, "treat", 1, 0, COVARIATES, estimand="ATC")
    with pytest.raises(ValueError, match="not found"):
        balance_table(lalonde, "treat", 1, 0, ["nope"])
