"""Published reference values for pku_eval.stats.sensitivity.missing_outcome_bounds, and for
mi_risk_difference and tipping_point in the limit where no outcome is missing (Newcombe's
1998 Wald example and Barnard & Rubin's degrees of freedom: see those tests at the end;
with outcomes missing, published results rest on another program's random draws).

Source
------
Plutzer K, Mejia GC, Spencer AJ, Keirse MJNC (2010). Dealing with missing outcomes: lessons
from a randomized trial of a prenatal intervention to prevent early childhood caries. The Open
Dentistry Journal 4, 55, doi:10.2174/1874210601004010055, Table 2 ("Effect of different
assumptions about missing outcome data", read at
https://www.benthamopen.com/FULLTEXT/TODENTJ-4-55/TABLE/T2/). Outcome: severe early childhood
caries (S-ECC) at 20 months; intervention n = 307 and control n = 318 mother-infant pairs as
randomised (table footnote). Printed rows, "number with S-ECC" intervention / control, then
relative risk and risk difference (control minus intervention):

    All lost to follow-up have S-ECC                      84 / 124   RR 0.70   RD 0.12
    None lost to follow-up have S-ECC                      4 /  20   RR 0.21   RD 0.05
    All have S-ECC frequency as intervention group         5 /  22   RR 0.24   RD 0.05
    All have S-ECC frequency as control group             12 /  30   RR 0.41   RD 0.06
    All have S-ECC frequency as entire population          8 /  26   RR 0.32   RD 0.06

What the table gives and what it does not
-----------------------------------------
The two extreme rows give each arm's known cases and its lost: 4 known cases in the
intervention arm and 84 - 4 = 80 lost; 20 known cases in the control arm and 124 - 20 = 104
lost; their printed relative risks and risk differences are recomputed from these counts in
``test_extreme_rows_give_the_counts``. (The three "frequency as ..." rows are not used: with
227 and 214 examined, the "as control group" row gives 4 + 80 * 20/214 = 11.5 cases in the
intervention arm where 12 is printed, so the authors' observed frequencies are not exactly
recoverable, perhaps because of the 1% violation of random allocation the paper reports. The
bounds need only the two extreme rows.)

The table does *not* print Horowitz & Manski's bounds themselves (those fill the two arms in
opposite directions). Each bound is the difference of two shares the table does print:
the lower bound of "intervention minus control" is
``4/307 - 124/318`` (lost intervention children caries-free, lost controls with S-ECC) and the
upper bound ``84/307 - 20/318``; so the test checks the function against those printed
shares exactly, and against the printed risk differences through the identity
``lower + upper = -(RD_all + RD_none)`` (the table's RDs are control minus intervention,
rounded to 2 decimals: 0.12 + 0.05, so to within 0.01).

The call is the chapter's (src/pku_eval/chapters/employment/sensitivity.py):
``missing_outcome_bounds(rand, outcome, "arm", TREATMENT, CONTROL)`` with one row per
randomised person and the outcome NaN when missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pku_eval.stats.sensitivity import mi_risk_difference, missing_outcome_bounds, tipping_point

N_T, N_C = 307, 318            # randomised (Table 2 footnote)
CASES_NONE = (4, 20)           # "None lost to follow-up have S-ECC"
CASES_ALL = (84, 124)          # "All lost to follow-up have S-ECC"
LOST_T = CASES_ALL[0] - CASES_NONE[0]   # 80
LOST_C = CASES_ALL[1] - CASES_NONE[1]   # 104
SEEN_T, SEEN_C = N_T - LOST_T, N_C - LOST_C   # 227, 214
RD_ALL, RD_NONE = 0.12, 0.05   # printed risk differences, control minus intervention


def plutzer_trial() -> pd.DataFrame:
    """One row per randomised pair: arm, S-ECC (1 yes, 0 no, NaN lost to follow-up)."""
    def arm(name, n, seen, cases):
        y = np.full(n, np.nan)
        y[:seen] = 0.0
        y[:cases] = 1.0
        return pd.DataFrame({"arm": name, "secc": y})
    return pd.concat([arm("intervention", N_T, SEEN_T, CASES_NONE[0]),
                      arm("control", N_C, SEEN_C, CASES_NONE[1])], ignore_index=True)


def test_extreme_rows_give_the_counts():
    # the printed relative risks and risk differences of the two extreme rows follow from the
    # counts taken from the table (RR to 2 decimals, RD control minus intervention)
    all_t, all_c = CASES_ALL[0] / N_T, CASES_ALL[1] / N_C
    none_t, none_c = CASES_NONE[0] / N_T, CASES_NONE[1] / N_C
    assert all_t / all_c == pytest.approx(0.70, abs=0.005)
    assert none_t / none_c == pytest.approx(0.21, abs=0.005)
    assert all_c - all_t == pytest.approx(RD_ALL, abs=0.005)
    assert none_c - none_t == pytest.approx(RD_NONE, abs=0.005)


def test_bounds_reproduce_plutzer_2010_table_2():
    b = missing_outcome_bounds(plutzer_trial(), "secc", "arm", "intervention",
                               "control").iloc[0]
    # the arms as randomised and the lost per arm
    assert (b["n_treatment"], b["n_control"]) == (N_T, N_C)
    assert (b["missing_treatment"], b["missing_control"]) == (LOST_T, LOST_C)
    # lower bound: lost intervention pairs without S-ECC ("none" row, 4 of 307), lost controls
    # with it ("all" row, 124 of 318); upper bound the other way round (84 of 307, 20 of 318)
    assert b["lower"] == pytest.approx(CASES_NONE[0] / N_T - CASES_ALL[1] / N_C, abs=1e-12)
    assert b["upper"] == pytest.approx(CASES_ALL[0] / N_T - CASES_NONE[1] / N_C, abs=1e-12)
    # the printed risk differences of the two same-direction rows (2 decimals each)
    assert -(b["lower"] + b["upper"]) == pytest.approx(RD_ALL + RD_NONE, abs=0.01)
    # complete cases (not printed in the table): 4 of 227 against 20 of 214 examined
    assert b["estimate"] == pytest.approx(CASES_NONE[0] / SEEN_T - CASES_NONE[1] / SEEN_C,
                                          abs=1e-12)
    assert b["lower"] < b["estimate"] < b["upper"]
    # the width of Horowitz & Manski's interval is the share lost in each arm, added
    assert b["upper"] - b["lower"] == pytest.approx(LOST_T / N_T + LOST_C / N_C, abs=1e-12)


def newcombe_example(seed: int = 1) -> pd.DataFrame:
    """Newcombe (1998, Statistics in Medicine 17, 873-890), Table II, example (a): 56/70
    against 48/80, every outcome observed; a baseline covariate as the chapter's imputation
    model has (it changes nothing when nothing is imputed)."""
    rng = np.random.default_rng(seed)

    def arm(name, n, events):
        y = np.zeros(n)
        y[:events] = 1.0
        return pd.DataFrame({"arm": name, "employed": y, "birth_year": rng.normal(size=n)})
    return pd.concat([arm("treatment", 70, 56), arm("internal_control", 80, 48)],
                     ignore_index=True)


def test_mi_without_missing_outcomes_is_newcombes_wald_difference():
    """With no outcome missing, the imputations are all the data set itself: the pooled risk
    difference is Newcombe's (1998) Table II example (a), 0.2000, with the standard error of
    his Wald interval (method 1: 0.0575 to 0.3425, half-width 0.1425 = 1.95996 × SE, known
    to ±5e-5 from the printed limits), and Barnard & Rubin's (1999) degrees of freedom with
    no information missing, ν_obs = ν_com (ν_com + 1) / (ν_com + 3) with ν_com = 70 + 80 − 2.
    The call is the employment chapter's (m = 20 imputations, its seed and covariates)."""
    from scipy import stats as st

    from pku_eval.chapters.employment.sensitivity import IMPUTATIONS

    r = mi_risk_difference(newcombe_example(), "employed", "arm", "treatment",
                           "internal_control", ["birth_year"], m=IMPUTATIONS,
                           seed=2016).iloc[0]
    assert r["estimate"] == pytest.approx(0.2, abs=1e-12)
    assert r["se"] == pytest.approx(0.1425 / st.norm.ppf(0.975), abs=5e-5 / 1.96)
    assert r["riv"] == pytest.approx(0.0, abs=1e-12)
    assert r["df"] == pytest.approx(148 * 149 / 151, rel=1e-9)
    t = st.t.ppf(0.975, r["df"])
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((0.2 - t * r["se"], 0.2 + t * r["se"]),
                                                        abs=1e-12)


def test_no_tipping_point_without_missing_outcomes():
    """Nothing imputed, nothing to shift: δ leaves Newcombe's example where it is, and its
    interval (0.0575 to 0.3425) never reaches 0, so there is no tipping point."""
    from pku_eval.chapters.employment.sensitivity import DELTA_STEP, IMPUTATIONS

    tp, table = tipping_point(newcombe_example(), "employed", "arm", "treatment",
                              "internal_control", ["birth_year"], m=IMPUTATIONS, seed=2016,
                              step=DELTA_STEP)
    assert tp is None
    assert np.allclose(table["estimate"], 0.2) and (table["ci_low"] > 0.05).all()
