"""Tests of pku_eval.stats.multiplicity against published values.

Sources
-------
- R package multtest, ``mt.rawp2adjp(rawp, proc = "Holm")``: three sets of raw and Holm-adjusted
  p-values as stored in statsmodels 0.15.0, statsmodels/stats/tests/test_multi.py
  (``pval0`` with column "Holm" of ``res_multtest1``; columns "rawp" and "Holm" of
  ``res_multtest2`` and ``res_multtest3``; that file states the values were computed with
  R:multtest).
- R ``p.adjust`` documentation (stats package): missing values are kept as ``NA`` and not
  counted, ``n`` defaults to the number of non-missing p-values. p.adjust(c(0.01, NA, 0.04),
  "holm") = 0.02, NA, 0.04, by hand from that rule.
"""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from pku_eval.stats import multiplicity
from pku_eval.stats.multiplicity import holm

# R multtest, via statsmodels' test_multi.py: (raw p-values, Holm-adjusted)
PVAL0 = [0.838541367553, 0.642193923795, 0.680845947633, 0.967833824309, 0.71626938238,
         0.177096952723, 5.23656777208e-005, 0.0202732688798, 0.00028140506198,
         0.0149877310796]
# res_multtest1 lists the p-values sorted; Holm column in that order
PVAL0_SORTED_HOLM = [
    (5.2365677720800003e-05, 5.2365677720800005e-04),
    (2.8140506198000000e-04, 2.5326455578199999e-03),
    (1.4987731079600001e-02, 1.1990184863680001e-01),
    (2.0273268879800001e-02, 1.4191288215860001e-01),
    (1.7709695272300000e-01, 1.0),
    (6.4219392379499995e-01, 1.0),
    (6.8084594763299999e-01, 1.0),
    (7.1626938238000004e-01, 1.0),
    (8.3854136755300002e-01, 1.0),
    (9.6783382430900000e-01, 1.0),
]
MULTTEST2 = ([0.002, 0.004, 0.006, 0.008, 0.01, 0.012],
             [0.012, 0.02, 0.024, 0.024, 0.024, 0.024])
MULTTEST3 = ([0.001, 0.002, 0.003, 0.004, 0.005, 0.05, 0.06, 0.07, 0.08, 0.09],
             [0.01, 0.018, 0.024, 0.028, 0.03, 0.25, 0.25, 0.25, 0.25, 0.25])


def test_holm_r_multtest_pval0():
    res = holm(PVAL0)
    by_p = dict(zip(res["p_value"], res["p_adjusted"]))
    for raw, adjusted in PVAL0_SORTED_HOLM:
        assert by_p[raw] == pytest.approx(adjusted, rel=1e-12)
    assert res["m"].iloc[0] == 10
    assert res["reject"].sum() == 2  # 5.2e-4 and 2.5e-3 at alpha 0.05


@pytest.mark.parametrize("raw, adjusted", [MULTTEST2, MULTTEST3])
def test_holm_r_multtest_sets(raw, adjusted):
    res = holm(raw)
    np.testing.assert_allclose(res["p_adjusted"], adjusted, rtol=1e-12)


def test_holm_keeps_input_order_and_labels():
    # the same p-values given unsorted, as a Series with labels
    raw, adjusted = MULTTEST3
    order = [7, 2, 9, 0, 5, 3, 8, 1, 6, 4]
    p = pd.Series([raw[i] for i in order], index=[f"H{i}" for i in order])
    res = holm(p, alpha=0.025)
    assert res["hypothesis"].tolist() == [f"H{i}" for i in order]
    np.testing.assert_allclose(res["p_adjusted"], [adjusted[i] for i in order], rtol=1e-12)
    assert res["rank"].tolist() == [i + 1 for i in order]
    assert res["reject"].tolist() == [adjusted[i] <= 0.025 for i in order]


def test_holm_missing_values_like_p_adjust():
    res = holm([0.01, None, 0.04])
    assert res["p_adjusted"].iloc[0] == pytest.approx(0.02)
    assert np.isnan(res["p_adjusted"].iloc[1]) and not res["reject"].iloc[1]
    assert res["p_adjusted"].iloc[2] == pytest.approx(0.04)
    assert res["m"].iloc[0] == 2 and pd.isna(res["rank"].iloc[1])


def test_holm_matches_statsmodels():
    rng = np.random.default_rng(1979)
    p = rng.uniform(0, 0.2, 25) ** 2
    reject, adjusted, _, _ = multipletests(p, alpha=0.05, method="holm")
    res = holm(p)
    np.testing.assert_allclose(res["p_adjusted"], adjusted, rtol=1e-12)
    assert res["reject"].tolist() == reject.tolist()


def test_holm_input_errors():
    with pytest.raises(ValueError, match="between 0 and 1"):
        holm([0.01, 1.5])
    with pytest.raises(ValueError, match="empty"):
        holm([])
    with pytest.raises(TypeError, match="numbers"):
        holm(["a", 0.1])
    with pytest.raises(TypeError, match="sequence"):
        holm(0.05)
    with pytest.raises(TypeError, match="Series"):
        holm(pd.DataFrame({"p": [0.1]}))


def test_examples_run():
    result = doctest.testmod(multiplicity, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
