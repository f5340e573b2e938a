"""Published reference values for pku_eval.stats.delta_adjust.delta_adjusted_ancova, called as
the survey-waves chapter calls it (src/pku_eval/chapters/survey_waves/tipping.py):
``delta_adjusted_ancova(completed, outcome, "arm", TREATMENT, CONTROL, "_imputed",
baseline=..., covariates=[...], deltas=grid)`` on stacked completed data sets with an
``imputation`` column, string arm labels and a grid of δ from −w to +w that contains 0.

Sources
-------
1. No imputation spread (B = 0), baseline and covariate adjusted: the linear probability model
   of Spector & Mazzeo's (1980) PSI data (32 students; the data of Greene, Econometric Analysis
   5th ed., ch. 21, shipped with statsmodels as ``datasets.spector``), GRADE on GPA, TUCE and
   PSI by least squares. Published output: the statsmodels documentation, "Linear Regression"
   page (https://www.statsmodels.org/stable/regression.html, section "Examples",
   ``print(res.summary())``), row PSI: coef 0.3786, std err 0.139, t 2.720; "Df Residuals: 28".
   (That output is statsmodels', i.e. another implementation's, printed in its documentation;
   statsmodels' "Discrete Choice Models Overview" notebook, which prints the same PSI
   coefficient 0.378555, says its examples follow Greene's ch. 21; Greene's table itself was
   not available here.) PSI is the arm, GPA the baseline, TUCE the covariate. With no imputed
   outcome the pooled estimate and standard error are that fit's at every δ.
2. Imputations that differ (B > 0), the pooled arm effect at δ = 0 (MAR): Heymans & Eekhout
   (2019), Applied Missing Data Analysis with SPSS and (R)Studio, ch. 5 section "The Pooled
   Independent T-test" and ch. 9 "Rubin's Rules" (bookdown.org/mwheymans/bookmi; source
   github.com/mwheymans/bookmi, 05-MultipleImputation_after.Rmd, 09-Background.Rmd and the
   SPSS table images/table5.1.png). Tampa scale by radiation in the leg, n = 150, m = 3 SPSS
   imputations; the SPSS table prints per imputation (equal variances assumed) mean
   difference / std. error / df: 2.174 / .896 / 148, 1.965 / .882 / 148, 1.774 / .898 / 148,
   and the pooled row 1.971 / .921, t 2.139. Chapter 9 works Rubin's rules from those printed
   values: pooled 1.971, SE 0.9214575, Wald 2.139, and with mice's (Barnard-Rubin) degrees of
   freedom df_adjusted 107.7509, p 0.03467225, FMI 0.0797587 (RIV 0.06704779; the authors
   computed RIV and what follows from it from unrounded SPSS output: 0.06707 from the printed
   values, hence rel 1e-3 on those, as tests/test_stats_imputation.py).
   The book's completed data sets are not copied here. In their place each imputation is a
   data set built to have exactly the printed mean difference and equal-variance standard
   error, with n = 150 (df 148; the group sizes, 74 and 76, are ours: the table does not print
   them, and the difference and its standard error do not depend on them once fixed), so the
   function must turn each data set into the printed t-test by its least-squares fit and then
   pool them as the book does. Without a baseline or covariates here: the published analysis
   has none.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from pku_eval.stats.delta_adjust import delta_adjusted_ancova, delta_tipping_point

GRID = np.round(np.arange(-1.0, 1.0 + 0.005, 0.01), 10)  # as delta_grid(): -w .. +w, step 0.01


def _stacked(frame: pd.DataFrame, m: int) -> pd.DataFrame:
    return pd.concat([frame.assign(imputation=k) for k in range(1, m + 1)], ignore_index=True)


def test_spector_lpm_as_the_chapter_calls_it():
    d = sm.datasets.spector.load_pandas().data
    d = d.assign(arm=np.where(d["PSI"] == 1, "treatment", "internal_control"), _imputed=False)
    table = delta_adjusted_ancova(_stacked(d, 5), "GRADE", "arm", "treatment",
                                  "internal_control", "_imputed", baseline="GPA",
                                  covariates=["TUCE"], deltas=GRID)
    assert len(table) == len(GRID)
    for _, r in table.iterrows():
        assert r["estimate"] == pytest.approx(0.3786, abs=5e-5)
        assert r["se"] == pytest.approx(0.139, abs=5e-4)
        assert r["estimate"] / r["se"] == pytest.approx(2.720, abs=5e-4)
        assert r["df_complete"] == 28
    # nothing imputed: the MAR conclusion (interval above 0) holds at every δ
    assert delta_tipping_point(table) is None


# Heymans & Eekhout, SPSS table 5.1: mean difference and std. error per imputation
HEYMANS = ((2.174, 0.896), (1.965, 0.882), (1.774, 0.898))
N_RAD, N_NO = 74, 76


def _heymans_completed() -> pd.DataFrame:
    """Three completed data sets with the printed per-imputation t-tests (see module doc)."""
    def sign(n):  # +1, -1, +1, ...: mean 0 and sum of squares n for an even n
        return np.where(np.arange(n) % 2 == 0, 1.0, -1.0)

    parts = []
    for k, (diff, se) in enumerate(HEYMANS, start=1):
        # pooled SD s with s^2 (1/74 + 1/76) = se^2; each value is the group mean +- c with
        # s^2 = 150 c^2 / 148
        c = np.sqrt(se**2 * 148 / 150 / (1 / N_RAD + 1 / N_NO))
        tampa = np.r_[40.0 + diff + c * sign(N_RAD), 40.0 + c * sign(N_NO)]
        parts.append(pd.DataFrame({
            "imputation": k, "participant_id": np.arange(N_RAD + N_NO),
            "arm": ["radiation"] * N_RAD + ["no_radiation"] * N_NO, "tampa": tampa,
            # which rows were imputed only matters for δ != 0
            "_imputed": np.r_[np.arange(N_RAD) < 9, np.arange(N_NO) < 8]}))
    return pd.concat(parts, ignore_index=True)


def test_heymans_eekhout_pooled_t_test_at_mar():
    table = delta_adjusted_ancova(_heymans_completed(), "tampa", "arm", "radiation",
                                  "no_radiation", "_imputed", deltas=GRID)
    r = table.set_index("delta").loc[0.0]
    assert r["m"] == 3 and r["df_complete"] == 148   # SPSS's df per imputation
    assert r["estimate"] == pytest.approx(1.971, abs=1e-9)
    assert r["se"] == pytest.approx(0.9214575, abs=5e-8)
    assert r["estimate"] / r["se"] == pytest.approx(2.139, abs=5e-4)
    assert r["se"] == pytest.approx(0.921, abs=5e-4)   # SPSS's pooled row
    assert r["riv"] == pytest.approx(0.06704779, rel=1e-3)
    assert r["df"] == pytest.approx(107.7509, rel=1e-3)
    assert r["p_value"] == pytest.approx(0.03467225, rel=1e-3)
    assert r["fmi"] == pytest.approx(0.0797587, rel=1e-3)
