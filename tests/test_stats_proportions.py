"""Tests of pku_eval.stats.proportions against published values.

Sources
-------
- Newcombe RG (1998). Interval estimation for the difference between independent proportions:
  comparison of eleven methods. Stat Med 17:873-890, Table II, method 10 (hybrid score).
  All eight columns (a)-(h) of Table II for all eleven methods are transcribed in the test data
  of the Python package DBCI (github.com/DeepPSP/DBCI, test/test-data/newcombee.csv, row
  "wilson" = method 10); its method-10 entries agree with every row pinned below, and give
  column (c), 6/7 - 2/7, as 0.0582 to 0.8062.
- Fagerland MW, Lydersen S, Laake P (2015). Recommended confidence intervals for two
  independent binomial proportions. Stat Methods Med Res 24:224-254, worked example of
  Perondi et al. (2004): 7/34 versus 1/34 (tables reproduced in statsmodels'
  stats/tests/test_proportion.py::test_confint_2indep).
- Agresti A (2007). An Introduction to Categorical Data Analysis, 2nd ed., section 2.3:
  Physicians' Health Study, myocardial infarction 189/11034 (placebo) versus 104/11037
  (aspirin); odds ratio 1.83, 95% CI (1.44, 2.33).
- R: glm(Admit ~ Gender + Dept, family = binomial, weights = Freq,
  data = as.data.frame(UCBAdmissions)): GenderFemale estimate 0.09987, std. error 0.08085,
  z 1.235, Pr(>|z|) 0.217 (the Berkeley admissions example).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from pku_eval.stats.proportions import (
    adjusted_odds_ratio,
    odds_ratio,
    risk_difference,
    risk_ratio,
    wilson_interval,
)


def two_groups(events_t: int, n_t: int, events_c: int, n_c: int) -> pd.DataFrame:
    """One row per person: arm 't' or 'c', outcome 0/1."""
    return pd.DataFrame(
        {
            "arm": ["t"] * n_t + ["c"] * n_c,
            "job": [1] * events_t + [0] * (n_t - events_t) + [1] * events_c
            + [0] * (n_c - events_c),
        }
    )


# Newcombe (1998) Table II, method 10 ("hybrid score", from Wilson intervals), 95% limits to
# four decimals, all eight columns (a)-(h). Rows (a) and (b) are also the reference values of
# the R package propint's test suite (tests/testthat, "ci.two.indep.props produces the
# results reported in Newcombe1998"); row (c) is taken from the DBCI transcription of the
# whole table (module docstring). Its upper limit is 0.80624964 unrounded, just below the
# rounding boundary 0.80625: it prints as 0.8062, and the half-unit tolerance below leaves it
# only 5e-7 of room upwards.
NEWCOMBE_TABLE_II = [
    # x_t, n_t, x_c, n_c, lower, upper
    (56, 70, 48, 80, 0.0524, 0.3339),  # (a)
    (9, 10, 3, 10, 0.1705, 0.8090),  # (b)
    (6, 7, 2, 7, 0.0582, 0.8062),  # (c)
    (5, 56, 0, 29, -0.0381, 0.1926),  # (d)
    (0, 10, 0, 20, -0.1611, 0.2775),  # (e)
    (0, 10, 0, 10, -0.2775, 0.2775),  # (f)
    (10, 10, 0, 20, 0.6791, 1.0000),  # (g)
    (10, 10, 0, 10, 0.6075, 1.0000),  # (h)
]


@pytest.mark.parametrize("x_t, n_t, x_c, n_c, lower, upper", NEWCOMBE_TABLE_II)
def test_risk_difference_newcombe_table_ii(x_t, n_t, x_c, n_c, lower, upper):
    res = risk_difference(two_groups(x_t, n_t, x_c, n_c), "job", "arm", "t", "c")
    assert res.shape[0] == 1
    assert res.loc[0, "estimate"] == pytest.approx(x_t / n_t - x_c / n_c, abs=1e-12)
    # published to 4 decimals: half a unit in the last place
    assert res.loc[0, "ci_low"] == pytest.approx(lower, abs=5e-5)
    assert res.loc[0, "ci_high"] == pytest.approx(upper, abs=5e-5)


def test_risk_difference_example_a_counts():
    # Newcombe's example (a): 56/70 - 48/80 = 0.8 - 0.6 = 0.2
    res = risk_difference(two_groups(56, 70, 48, 80), "job", "arm", "t", "c").iloc[0]
    assert res["estimate"] == pytest.approx(0.2, abs=1e-12)
    assert (res["n_treatment"], res["events_treatment"]) == (70, 56)
    assert (res["n_control"], res["events_control"]) == (80, 48)
    assert res["p_treatment"] == pytest.approx(0.8)
    assert res["p_control"] == pytest.approx(0.6)


def test_risk_difference_fagerland_perondi():
    # Fagerland et al. (2015): Perondi et al. 7/34 vs 1/34, Newcombe hybrid score 0.019 to 0.34
    res = risk_difference(two_groups(7, 34, 1, 34), "job", "arm", "t", "c").iloc[0]
    assert res["ci_low"] == pytest.approx(0.019, abs=5e-4)
    assert res["ci_high"] == pytest.approx(0.34, abs=5e-3)


@pytest.mark.parametrize("counts", [(56, 70, 48, 80), (7, 34, 1, 34), (189, 11034, 104, 11037)])
def test_risk_difference_p_equals_pearson_chi_square(counts):
    # The pooled two-proportion z-test is Pearson's chi-square without continuity correction
    # (R: prop.test(x, n, correct = FALSE)); compared with scipy's independent implementation.
    x_t, n_t, x_c, n_c = counts
    res = risk_difference(two_groups(*counts), "job", "arm", "t", "c").iloc[0]
    table = np.array([[x_t, n_t - x_t], [x_c, n_c - x_c]])
    chi2, p, _, _ = chi2_contingency(table, correction=False)
    assert res["statistic"] ** 2 == pytest.approx(chi2, rel=1e-10)
    assert res["p_value"] == pytest.approx(p, rel=1e-8)


def test_risk_difference_ignores_missing_outcome_and_other_groups():
    data = two_groups(56, 70, 48, 80)
    extra = pd.DataFrame({"arm": ["t", "c", "x", "x"], "job": [np.nan, np.nan, 1, 0]})
    res = risk_difference(pd.concat([data, extra]), "job", "arm", "t", "c").iloc[0]
    assert res["n_treatment"] == 70 and res["n_control"] == 80
    assert res["ci_low"] == pytest.approx(0.0524, abs=5e-5)


def test_risk_difference_p_undefined_when_no_events_at_all():
    res = risk_difference(two_groups(0, 10, 0, 20), "job", "arm", "t", "c").iloc[0]
    assert np.isnan(res["p_value"])


def test_wilson_interval_bounds():
    # Wilson's interval for 0/10 has lower limit exactly 0 and upper z^2/(n + z^2)
    low, high = wilson_interval(0, 10)
    z2 = 1.959963984540054**2
    assert low == pytest.approx(0.0, abs=1e-15)
    assert high == pytest.approx(z2 / (10 + z2), rel=1e-12)


def test_risk_ratio_fagerland_katz():
    # Fagerland et al. (2015): Perondi 7/34 vs 1/34, risk ratio 7, Katz log interval 0.91 to 54
    res = risk_ratio(two_groups(7, 34, 1, 34), "job", "arm", "t", "c").iloc[0]
    assert res["estimate"] == pytest.approx(7.0)
    assert res["ci_low"] == pytest.approx(0.91, abs=5e-3)
    assert res["ci_high"] == pytest.approx(54, abs=0.5)


def test_odds_ratio_fagerland_woolf():
    # Fagerland et al. (2015): Perondi 7/34 vs 1/34, Woolf logit interval 0.99 to 74
    res = odds_ratio(two_groups(7, 34, 1, 34), "job", "arm", "t", "c").iloc[0]
    assert res["estimate"] == pytest.approx(7 * 33 / (27 * 1))
    assert res["ci_low"] == pytest.approx(0.99, abs=5e-3)
    assert res["ci_high"] == pytest.approx(74, abs=0.5)


def test_odds_ratio_agresti_aspirin():
    # Agresti (2007) section 2.3: odds ratio 1.83, 95% CI (1.44, 2.33)
    res = odds_ratio(two_groups(189, 11034, 104, 11037), "job", "arm", "t", "c").iloc[0]
    assert res["estimate"] == pytest.approx(1.83, abs=5e-3)
    assert res["ci_low"] == pytest.approx(1.44, abs=5e-3)
    assert res["ci_high"] == pytest.approx(2.33, abs=5e-3)


def test_ratio_intervals_undefined_with_zero_cell():
    res = risk_ratio(two_groups(5, 56, 0, 29), "job", "arm", "t", "c").iloc[0]
    assert np.isinf(res["estimate"]) and np.isnan(res["ci_low"]) and np.isnan(res["p_value"])
    res = odds_ratio(two_groups(5, 56, 0, 29), "job", "arm", "t", "c").iloc[0]
    assert np.isinf(res["estimate"]) and np.isnan(res["ci_high"])


def ucb_admissions() -> pd.DataFrame:
    """R's UCBAdmissions as one row per applicant (4526 rows)."""
    counts = {  # department: (male admitted, male rejected, female admitted, female rejected)
        "A": (512, 313, 89, 19),
        "B": (353, 207, 17, 8),
        "C": (120, 205, 202, 391),
        "D": (138, 279, 131, 244),
        "E": (53, 138, 94, 299),
        "F": (22, 351, 24, 317),
    }
    rows = []
    for dept, (m_adm, m_rej, f_adm, f_rej) in counts.items():
        for gender, admitted, rejected in (("male", m_adm, m_rej), ("female", f_adm, f_rej)):
            rows += [(dept, gender, 1)] * admitted + [(dept, gender, 0)] * rejected
    return pd.DataFrame(rows, columns=["dept", "gender", "admit"])


def test_adjusted_odds_ratio_ucb_admissions():
    # R glm(Admit ~ Gender + Dept, binomial, weights = Freq): GenderFemale 0.09987 (SE 0.08085),
    # p = 0.217. Our function reports exp(coef) with the Wald interval.
    data = ucb_admissions()
    res = adjusted_odds_ratio(data, "admit", "gender", "female", "male", covariates=["dept"])
    row = res.iloc[0]
    assert row["coef"] == pytest.approx(0.09987, abs=5e-6)
    assert row["se"] == pytest.approx(0.08085, abs=5e-6)
    assert row["p_value"] == pytest.approx(0.217, abs=5e-4)
    assert row["estimate"] == pytest.approx(np.exp(0.09987), rel=1e-4)
    assert row["ci_low"] == pytest.approx(np.exp(0.09987 - 1.959964 * 0.08085), rel=1e-4)
    assert row["ci_high"] == pytest.approx(np.exp(0.09987 + 1.959964 * 0.08085), rel=1e-4)
    assert (row["n"], row["events"]) == (4526, 1755)
    assert bool(row["converged"])


def test_adjusted_odds_ratio_without_covariates_is_woolf():
    # Logistic regression on one binary predictor reproduces the crude OR and Woolf's SE exactly
    data = ucb_admissions()
    crude = odds_ratio(data, "admit", "gender", "male", "female").iloc[0]
    fitted = adjusted_odds_ratio(data, "admit", "gender", "male", "female", covariates=[]).iloc[0]
    # Berkeley crude odds ratio, men vs women: (1198 * 1278) / (1493 * 557) = 1.84
    assert crude["estimate"] == pytest.approx(1198 * 1278 / (1493 * 557), rel=1e-12)
    for column in ("estimate", "ci_low", "ci_high", "p_value"):
        assert fitted[column] == pytest.approx(crude[column], rel=1e-6)


def test_input_errors_are_readable():
    data = two_groups(5, 10, 3, 10)
    with pytest.raises(ValueError, match="not found in data"):
        risk_difference(data, "employed", "arm", "t", "c")
    with pytest.raises(ValueError, match="level"):
        risk_difference(data, "job", "arm", "t", "internal_control")
    with pytest.raises(ValueError, match="alpha"):
        risk_difference(data, "job", "arm", "t", "c", alpha=5)
    with pytest.raises(TypeError, match="DataFrame"):
        risk_difference(data.to_dict(), "job", "arm", "t", "c")
    bad = data.assign(job=data["job"] * 2)
    with pytest.raises(ValueError, match="0/1"):
        odds_ratio(bad, "job", "arm", "t", "c")
    with pytest.raises(ValueError, match="both as"):
        adjusted_odds_ratio(data, "job", "arm", "t", "c", covariates=["arm"])
