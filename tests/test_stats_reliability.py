"""Tests of pku_eval.stats.reliability.

Sources
-------
- pingouin documentation of ``pingouin.cronbach_alpha`` (pingouin 0.5-0.7; results "tested
  against the psych R package"), with pingouin's bundled data sets:
  * ``cronbach_alpha`` (15 subjects x 10 items, long format, complete):
    alpha 0.5917188485995826, 95% CI [0.195, 0.84] (Feldt).
  * ``cronbach_wide_missing`` (12 x 11 binary items), listwise deletion
    ("In R: psych:alpha(data, use='complete.obs')"): alpha 0.8016949152542373.
    pingouin prints the CI [0.581, 0.933], computed with n = 12, the rows *before* listwise
    deletion; we use the 9 complete rows, so our interval is (correctly) wider and that
    printed CI is not a reference for us.
- Reversed items: DATA_CONTRACT.md, survey.csv, mastery_1 ... mastery_7 (1-4): "Items 1, 3, 4,
  6 and 7 are worded negatively and are reversed (5 - x) before scoring". The tests below write
  that list out literally; they do not read it from the codebook they check.
- McDonald's omega: we know of no published omega value we can cite to enough digits, so the
  tests use a constructed covariance matrix with known loadings (a one-factor model holds
  exactly, so ML recovers the loadings exactly) and scikit-learn's FactorAnalysis (an
  independent ML implementation) on real data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin
import pytest
from sklearn.decomposition import FactorAnalysis

from pku_eval.codebook import SCALES, Scale
from pku_eval.stats.reliability import cronbach_alpha, mcdonald_omega, one_factor_ml
from pku_eval.tidy import reversed_items

# DATA_CONTRACT.md: mastery items 1, 3, 4, 6 and 7 are worded negatively, reversed as 5 - x
MASTERY_REVERSED = ("mastery_1", "mastery_3", "mastery_4", "mastery_6", "mastery_7")
MASTERY_ITEMS = tuple(f"mastery_{i}" for i in range(1, 8))


@pytest.fixture(scope="module")
def likert() -> pd.DataFrame:
    long = pingouin.read_dataset("cronbach_alpha")
    return long.pivot(index="Subj", columns="Items", values="Scores")


def test_cronbach_alpha_pingouin_psych_complete(likert):
    res = cronbach_alpha(likert, list(likert.columns))
    assert res.shape[0] == 1
    row = res.iloc[0]
    assert row["estimate"] == pytest.approx(0.5917188485995826, rel=1e-9)
    assert row["ci_low"] == pytest.approx(0.195, abs=5e-4)  # printed to 3 decimals
    assert row["ci_high"] == pytest.approx(0.84, abs=5e-3)  # printed as 0.84 (0.840)
    assert (row["n"], row["k"], row["n_dropped"]) == (15, 10, 0)


def test_cronbach_alpha_listwise_psych_complete_obs():
    wide = pingouin.read_dataset("cronbach_wide_missing")
    res = cronbach_alpha(wide, list(wide.columns)).iloc[0]
    assert res["estimate"] == pytest.approx(0.8016949152542373, rel=1e-9)
    assert (res["n"], res["k"], res["n_dropped"]) == (9, 11, 3)
    # with n = 9 instead of pingouin's 12 the Feldt interval is wider than [0.581, 0.933]
    assert res["ci_low"] < 0.581 and res["ci_high"] > 0.933


def alpha_by_hand(items: np.ndarray) -> float:
    """Cronbach (1951): k/(k-1) * (1 - sum of item variances / variance of the sum), ddof 1."""
    k = items.shape[1]
    return k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum() / items.sum(axis=1).var(ddof=1))


def test_reversal_then_alpha_reproduces_published_value(likert):
    # Store three of pingouin's published items reverse-worded (8 - x on the 1-7 scale), then
    # reverse them back with the project's helper: alpha must be the published 0.5917188...
    stored = likert.copy()
    for item in ("Q2", "Q5", "Q9"):
        stored[item] = 8 - stored[item]
    assert cronbach_alpha(stored, list(stored.columns)).loc[0, "estimate"] < 0.3
    scale = Scale("test", "survey", tuple(likert.columns), 1, "test", "test",
                  reversed_items=("Q2", "Q5", "Q9"), low=1, high=7)
    turned = reversed_items(stored, scale)
    assert cronbach_alpha(turned, list(turned.columns)).loc[0, "estimate"] == pytest.approx(
        0.5917188485995826, rel=1e-9)


def test_mastery_reversal_is_the_data_contracts():
    # The items the analysis turns, and how: 5 - x on items 1, 3, 4, 6, 7, others unchanged.
    # (Alpha alone cannot see the constant: c - x gives the same alpha for any c.)
    mastery = SCALES["mastery"]
    assert mastery.items == MASTERY_ITEMS
    assert set(mastery.reversed_items) == set(MASTERY_REVERSED)
    answers = pd.DataFrame({item: [1.0, 2.0, 3.0, 4.0] for item in MASTERY_ITEMS})
    turned = reversed_items(answers, mastery)
    for item in MASTERY_ITEMS:
        expected = [4.0, 3.0, 2.0, 1.0] if item in MASTERY_REVERSED else [1.0, 2.0, 3.0, 4.0]
        assert turned[item].tolist() == expected, item


def test_chapter_alpha_reverses_exactly_the_contract_items():
    # Answers as worded: the respondents' intended agreement on 1-4, stored as 5 - x on the
    # negatively worded items. The chapter's alpha (REPORT_SPEC: after reversal, listwise)
    # must equal alpha of the intended answers, computed here by hand.
    from pku_eval.chapters.survey_waves import reliability

    rng = np.random.default_rng(20161231)
    n = 80
    trait = rng.normal(size=(n, 1))
    intended = np.clip(np.rint(2.5 + trait + rng.normal(scale=0.8, size=(n, 7))), 1, 4)
    long = pd.DataFrame(intended, columns=list(MASTERY_ITEMS))
    for item in MASTERY_REVERSED:
        long[item] = 5 - long[item]
    for name in ("satisfaction", "participation"):
        for item in SCALES[name].items:
            long[item] = rng.integers(1, 6, size=n).astype(float)
    long.loc[3, "mastery_2"] = np.nan  # listwise: this answer drops out
    long["wave"] = pd.Categorical(["T0"] * n, categories=["T0"])
    table, alpha = reliability(long, min_cell=1)
    complete = np.delete(intended, 3, axis=0)
    expected = alpha_by_hand(complete)
    assert expected > 0.7  # a coherent scale once reversed
    assert alpha["mastery"] == pytest.approx(expected, rel=1e-12)
    row = table[(table["scale"] == "mastery") & (table["wave"] == "T0")].iloc[0]
    assert row["n"] == n - 1
    # not reversing one contract item (or reversing a positively worded one) changes alpha
    for wrong in (MASTERY_REVERSED[:-1], (*MASTERY_REVERSED, "mastery_2")):
        mis = complete.copy()
        for item in set(wrong) ^ set(MASTERY_REVERSED):
            j = MASTERY_ITEMS.index(item)
            mis[:, j] = 5 - mis[:, j]
        assert abs(alpha_by_hand(mis) - expected) > 0.05


def constructed(loadings, sds, uniquenesses=None, n=200, seed=0) -> pd.DataFrame:
    """Data whose sample covariance (ddof=1) is exactly diag(sd) (LL' + Psi) diag(sd)."""
    loadings = np.asarray(loadings, float)
    sds = np.asarray(sds, float)
    psi = 1 - loadings**2 if uniquenesses is None else np.asarray(uniquenesses, float)
    sigma = np.outer(loadings, loadings) + np.diag(psi)
    sigma = sigma * np.outer(sds, sds)
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, len(loadings)))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False)).T)  # sample cov = I
    x = z @ np.linalg.cholesky(sigma).T + 3.0
    np.testing.assert_allclose(np.cov(x, rowvar=False), sigma, atol=1e-10)
    return pd.DataFrame(x, columns=[f"q{i + 1}" for i in range(len(loadings))])


def test_one_factor_ml_recovers_known_loadings():
    lam = np.array([0.8, 0.7, 0.6, 0.5, 0.75])
    data = constructed(lam, np.ones(5))
    loadings, psi, converged = one_factor_ml(np.corrcoef(data.to_numpy(), rowvar=False))
    assert converged
    np.testing.assert_allclose(loadings, lam, atol=1e-6)
    np.testing.assert_allclose(psi, 1 - lam**2, atol=1e-6)


@pytest.mark.parametrize("standardized", [False, True])
def test_mcdonald_omega_exact_recovery(standardized):
    # Constructed population: known loadings and item SDs, so omega is known exactly.
    lam = np.array([0.8, 0.7, 0.6, 0.5, 0.75])
    sd = np.array([1.0, 1.5, 0.8, 2.0, 1.2])
    data = constructed(lam, sd)
    if standardized:
        common, unique = lam.sum() ** 2, np.sum(1 - lam**2)
    else:
        common, unique = (lam * sd).sum() ** 2, np.sum((1 - lam**2) * sd**2)
    expected = common / (common + unique)
    res = mcdonald_omega(data, list(data.columns), standardized=standardized).iloc[0]
    assert res["estimate"] == pytest.approx(expected, abs=1e-6)
    assert (res["n"], res["k"]) == (200, 5)
    assert bool(res["converged"])


def test_omega_equals_alpha_for_tau_equivalent_items():
    # Equal loadings on the covariance scale (tau-equivalence): alpha = omega exactly.
    sd = np.array([1.0, 1.25, 0.9, 1.1])
    lam_raw = 0.7
    lam = lam_raw / sd  # standardised loadings giving raw loading 0.7 for every item
    psi = 1 - lam**2
    data = constructed(lam, sd, uniquenesses=psi)
    alpha = cronbach_alpha(data, list(data.columns)).loc[0, "estimate"]
    omega = mcdonald_omega(data, list(data.columns)).loc[0, "estimate"]
    assert omega == pytest.approx(alpha, abs=1e-6)
    expected = (4 * lam_raw) ** 2 / ((4 * lam_raw) ** 2 + np.sum(psi * sd**2))
    assert alpha == pytest.approx(expected, abs=1e-10)


def test_mcdonald_omega_matches_sklearn_factor_analysis(likert):
    # scikit-learn's FactorAnalysis is an independent ML implementation (SVD-based iterations)
    x = likert.to_numpy(float)
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    fa = FactorAnalysis(n_components=1, tol=1e-12, max_iter=100_000).fit(z)
    lam = fa.components_.ravel()
    lam = lam * np.sign(lam.sum())
    expected = lam.sum() ** 2 / (lam.sum() ** 2 + fa.noise_variance_.sum())
    res = mcdonald_omega(likert, list(likert.columns), standardized=True).iloc[0]
    assert res["estimate"] == pytest.approx(expected, abs=1e-4)


def test_reliability_input_errors(likert):
    with pytest.raises(ValueError, match="at least two items"):
        cronbach_alpha(likert, ["Q1"])
    with pytest.raises(ValueError, match="not found"):
        cronbach_alpha(likert, ["Q1", "Q99"])
    with pytest.raises(TypeError, match="numeric"):
        cronbach_alpha(likert.assign(Q1=likert["Q1"].astype(str)), ["Q1", "Q2"])
    with pytest.raises(ValueError, match="three items"):
        mcdonald_omega(likert, ["Q1", "Q2"])
    with pytest.raises(ValueError, match="no variance"):
        mcdonald_omega(likert.assign(Q3=1.0), ["Q1", "Q2", "Q3"])
