"""Tests of pku_eval.stats.effect_sizes against published values.

Sources
-------
- metafor (wviechtb/metafor), tests/testthat/test_misc_escalc.r, "escalc() works correctly for
  measure='SMD/SMDH/ROM'": ``escalc(measure = "SMD", m1i, sd1i, n1i, m2i, sd2i, n2i,
  data = dat.normand1999, subset = 1:4)`` gives yi = -0.3552, -0.3479, -2.3176, -1.8880 and
  vi = 0.0131, 0.0645, 0.0458, 0.1606 (printed to 4 decimals).
  dat.normand1999 (Normand 1999, Stat Med 18:321-359, length of hospital stay in days,
  specialist stroke care vs routine care), studies 1-4 (n, mean, SD per group):
  Edinburgh 155, 55, 47 vs 156, 75, 64; Orpington-Mild 31, 27, 7 vs 32, 29, 4;
  Orpington-Moderate 75, 64, 17 vs 71, 119, 29; Orpington-Severe 18, 66, 20 vs 18, 137, 48.
  These summary data are confirmed by metafor's tests/testthat/
  test_analysis_example_normand1999.r (mean differences -20, -2, -55, -71 with variances
  40.5863, 2.0468, 15.2809, 150.2222 from the pooled SDs, Normand's Table VIII).
  Raw samples with exactly these sizes, means and SDs are built below.
- Hedges' exact correction J(m) = Γ(m/2) / (√(m/2) Γ((m-1)/2)) (Hedges 1981): for m = 8,
  J = Γ(4) / (2 Γ(7/2)) = 6 / (2 · 15√π/8) = 1.6/√π, by hand.
- Altman DG (1998). Confidence intervals for the number needed to treat. BMJ 317:1309-12,
  example of figures 1-2: NNT 10 from an absolute risk reduction (ARR) of 10% with 95% CI -5%
  to 25%, whose interval is NNTB 4 to ∞ to NNTH 20 (as restated by R. G. Newcombe, BMJ rapid
  response to that article, 5 January 1999: "a confidence interval for an absolute risk
  reduction (ARR) from, say, -5% to +25% inverts to ... (NNTB) of 4, through infinity to ...
  (NNTH) of 20").
- Barrowman NJ (2002). Missing the point (estimate)? Confidence intervals for the number needed
  to treat. CMAJ 166:1676-7: ARR 16.6% with 95% CI 0.9% to 32.2%: NNT 1/0.166 ≈ 6, 95% CI
  1/0.322 to 1/0.009, "approximately 3.1-111.1".
"""

from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd
import pytest

from pku_eval.stats import effect_sizes
from pku_eval.stats.effect_sizes import hedges_g, number_needed_to_treat
from pku_eval.stats.proportions import risk_difference

NORMAND_1_TO_4 = [
    # n1, m1, sd1 (specialist care), n2, m2, sd2 (routine care), metafor yi, vi
    (155, 55, 47, 156, 75, 64, -0.3552, 0.0131),
    (31, 27, 7, 32, 29, 4, -0.3479, 0.0645),
    (75, 64, 17, 71, 119, 29, -2.3176, 0.0458),
    (18, 66, 20, 18, 137, 48, -1.8880, 0.1606),
]


def sample_with(n: int, mean: float, sd: float) -> np.ndarray:
    """n values whose mean and SD (ddof=1) are exactly ``mean`` and ``sd``."""
    z = np.linspace(-1.0, 1.0, n)
    z = (z - z.mean()) / z.std(ddof=1)
    return mean + sd * z


def two_samples(n1, m1, s1, n2, m2, s2) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "care": ["specialist"] * n1 + ["routine"] * n2,
            "days": np.concatenate([sample_with(n1, m1, s1), sample_with(n2, m2, s2)]),
        }
    )


@pytest.mark.parametrize("n1, m1, s1, n2, m2, s2, yi, vi", NORMAND_1_TO_4)
def test_hedges_g_metafor_escalc_smd(n1, m1, s1, n2, m2, s2, yi, vi):
    data = two_samples(n1, m1, s1, n2, m2, s2)
    res = hedges_g(data, "days", "care", "specialist", "routine")
    assert res.shape[0] == 1
    row = res.iloc[0]
    assert (row["n_treatment"], row["n_control"]) == (n1, n2)
    assert row["mean_treatment"] == pytest.approx(m1, rel=1e-12)
    assert row["sd_control"] == pytest.approx(s2, rel=1e-12)
    # metafor prints 4 decimals: half a unit
    assert row["estimate"] == pytest.approx(yi, abs=5e-5)
    assert row["se"] ** 2 == pytest.approx(vi, abs=5e-5)
    # Wald interval from metafor's yi and vi (summary.escalc): g -/+ 1.96 sqrt(vi)
    assert row["ci_low"] == pytest.approx(yi - 1.959963984540054 * np.sqrt(vi), abs=5e-4)
    assert row["ci_high"] == pytest.approx(yi + 1.959963984540054 * np.sqrt(vi), abs=5e-4)


def test_hedges_exact_correction_by_hand():
    # m = 8 (5 + 5 observations): J = 1.6 / sqrt(pi) = 0.90270...; the approximation
    # 1 - 3/(4m - 1) = 0.90323 differs in the 4th decimal.
    data = pd.DataFrame({"arm": ["t"] * 5 + ["c"] * 5,
                         "score": [5.0, 6.0, 7.0, 8.0, 9.0, 4.0, 5.0, 5.5, 6.0, 7.5]})
    row = hedges_g(data, "score", "arm", "t", "c").iloc[0]
    assert row["correction"] == pytest.approx(1.6 / math.sqrt(math.pi), rel=1e-12)
    # d = (7 - 5.6) / sqrt((4 * 2.5 + 4 * 1.675) / 8)
    d = 1.4 / math.sqrt((4 * 2.5 + 4 * 1.675) / 8)
    assert row["cohen_d"] == pytest.approx(d, rel=1e-12)
    assert row["estimate"] == pytest.approx(d * 1.6 / math.sqrt(math.pi), rel=1e-12)


def test_hedges_g_swaps_sign_and_ignores_missing():
    data = two_samples(31, 27, 7, 32, 29, 4)
    forward = hedges_g(data, "days", "care", "specialist", "routine").iloc[0]
    extra = pd.DataFrame({"care": ["specialist", "other"], "days": [np.nan, 500.0]})
    backward = hedges_g(pd.concat([data, extra]), "days", "care", "routine",
                        "specialist").iloc[0]
    assert backward["estimate"] == pytest.approx(-forward["estimate"], rel=1e-12)
    assert backward["ci_low"] == pytest.approx(-forward["ci_high"], rel=1e-12)


def test_hedges_g_input_errors():
    data = two_samples(5, 1, 1, 5, 2, 1)
    with pytest.raises(ValueError, match="at least 2"):
        hedges_g(data.iloc[:6], "days", "care", "specialist", "routine")
    with pytest.raises(TypeError, match="numeric"):
        hedges_g(data.assign(days="x"), "days", "care", "specialist", "routine")
    with pytest.raises(ValueError, match="constant"):
        hedges_g(data.assign(days=1.0), "days", "care", "specialist", "routine")
    with pytest.raises(ValueError, match="level"):
        hedges_g(data, "days", "care", "specialist", "usual")


# ---------------------------------------------------------------- number needed to treat


@pytest.mark.parametrize(
    "difference, low, high, event_is",
    [
        (-0.10, -0.25, 0.05, "harmful"),  # risk of a bad event falls by 10 points
        (0.10, -0.05, 0.25, "beneficial"),  # chance of a good event rises by 10 points
    ],
)
def test_nnt_altman_1998_interval_through_infinity(difference, low, high, event_is):
    # Altman (1998): ARR 10% (-5% to 25%): NNTB 10, 95% CI NNTB 4 to infinity to NNTH 20
    row = number_needed_to_treat(difference, low, high, event_is=event_is).iloc[0]
    assert row["estimate"] == pytest.approx(10.0, rel=1e-12)
    assert row["kind"] == "NNTB" and row["nnt"] == pytest.approx(10.0)
    assert row["crosses_infinity"]
    assert row["ci_low"] == pytest.approx(4.0, rel=1e-12)  # NNTB 4
    assert row["ci_high"] == pytest.approx(-20.0, rel=1e-12)  # NNTH 20
    assert row["text"] == "NNTB 10.0 (NNTH 20.0 to ∞ to NNTB 4.0)"
    assert (row["arr"], row["arr_ci_low"], row["arr_ci_high"]) == pytest.approx((0.1, -0.05, 0.25))


def test_nnt_barrowman_cmaj_2002():
    # ARR 16.6% (0.9% to 32.2%): NNT 6 (1/0.166 = 6.02), 95% CI approximately 3.1 to 111.1
    row = number_needed_to_treat(-0.166, -0.322, -0.009, event_is="harmful").iloc[0]
    assert row["estimate"] == pytest.approx(1 / 0.166, rel=1e-12)
    assert round(row["estimate"]) == 6
    assert row["ci_low"] == pytest.approx(3.1, abs=0.05)
    assert row["ci_high"] == pytest.approx(111.1, abs=0.05)
    assert not row["crosses_infinity"]
    assert row["text"] == "NNTB 6.0 (NNTB 3.1 to NNTB 111.1)"


def test_nnt_harm():
    # A treatment that raises the risk of a bad event by 5 points (2 to 8): NNTH 20 (12.5-50)
    row = number_needed_to_treat(0.05, 0.02, 0.08, event_is="harmful").iloc[0]
    assert row["kind"] == "NNTH" and row["nnt"] == pytest.approx(20.0)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((-50.0, -12.5))
    assert row["text"] == "NNTH 20.0 (NNTH 12.5 to NNTH 50.0)"


def test_nnt_from_risk_difference_frame():
    # Newcombe (1998) example (a): 56/70 vs 48/80 employed, RD 0.2 (0.0524 to 0.3339):
    # NNTB 5 (1/0.3339 to 1/0.0524)
    data = pd.DataFrame({"arm": ["t"] * 70 + ["c"] * 80,
                         "job": [1] * 56 + [0] * 14 + [1] * 48 + [0] * 32})
    rd = risk_difference(data, "job", "arm", "t", "c")
    row = number_needed_to_treat(rd, event_is="beneficial").iloc[0]
    assert row["estimate"] == pytest.approx(5.0, rel=1e-12)
    assert row["ci_low"] == pytest.approx(1 / 0.3339, abs=0.01)
    assert row["ci_high"] == pytest.approx(1 / 0.0524, abs=0.02)


def test_nnt_input_errors():
    with pytest.raises(TypeError):
        number_needed_to_treat(0.1, 0.05, 0.15)  # event_is is required
    with pytest.raises(ValueError, match="event_is"):
        number_needed_to_treat(0.1, 0.05, 0.15, event_is="good")
    with pytest.raises(TypeError, match="ci_low"):
        number_needed_to_treat(0.1, event_is="beneficial")
    with pytest.raises(ValueError, match="enclose"):
        number_needed_to_treat(0.1, 0.15, 0.2, event_is="beneficial")
    with pytest.raises(ValueError, match="percent"):
        number_needed_to_treat(10, 5, 15, event_is="beneficial")


def test_examples_run():
    result = doctest.testmod(effect_sizes, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
