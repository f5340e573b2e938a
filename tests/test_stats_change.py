"""Tests of pku_eval.stats.change (one-sample t of change scores, reliable-change
classification, percentile bands) against published R output.

R's datasets::sleep (Student 1908), the paired comparison as R's t.test documents it:

    t.test(sleep$extra[1:10], sleep$extra[11:20], paired = TRUE)
    t = -4.0621, df = 9, p-value = 0.002833
    95 percent confidence interval: -2.4598858 -0.7001142
    mean difference -1.58

R's datasets::airquality (tests/data/airquality.csv, a copy of the reference data), the
published ``summary(airquality)``:

    Ozone: Min. 1.00, 1st Qu. 18.00, Median 31.50, Mean 42.13, 3rd Qu. 63.25, Max. 168.00,
    NA's 37          (quantile(x, type = 7), R's default)

The KOR chapter calls these functions with the same options: one_sample_t(d, "change"),
reliable_change(d, "first", "last", 5, 25) (Miller, Duncan et al. 2003: reliable change 5
points, clinical cut-off 25), percentile_bands(d, "ors", by="session_no").
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pku_eval.stats import EstimationError
from pku_eval.stats.change import one_sample_t, percentile_bands, reliable_change

GROUP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
GROUP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_one_sample_t_of_change_matches_r_paired_t_test():
    d = pd.DataFrame({"change": np.subtract(GROUP_1, GROUP_2)})
    r = one_sample_t(d, "change").iloc[0]
    assert r["estimate"] == pytest.approx(-1.58, abs=1e-12)
    assert r["t"] == pytest.approx(-4.0621, abs=5e-5)
    assert r["df"] == 9
    assert r["p_value"] == pytest.approx(0.002833, abs=5e-7)
    assert r["ci_low"] == pytest.approx(-2.4598858, abs=5e-8)
    assert r["ci_high"] == pytest.approx(-0.7001142, abs=5e-8)


def test_one_sample_t_refuses_too_few_and_constant_values():
    with pytest.raises(EstimationError) as e:
        one_sample_t(pd.DataFrame({"x": [1.0]}), "x")
    assert e.value.reason == "too_few"
    with pytest.raises(EstimationError) as e:
        one_sample_t(pd.DataFrame({"x": [2.0, 2.0, 2.0]}), "x")
    assert e.value.reason == "no_variance"


def test_percentile_bands_match_r_quantile_type_7():
    air = pd.read_csv(Path(__file__).parent / "data" / "airquality.csv")
    r = percentile_bands(air, "Ozone", q=(0.0, 0.25, 0.5, 0.75, 1.0)).iloc[0]
    assert r["n"] == 116  # 153 days, 37 NA
    assert [r["p0"], r["p25"], r["p50"], r["p75"], r["p100"]] == pytest.approx(
        [1.0, 18.0, 31.5, 63.25, 168.0])
    by = percentile_bands(air, "Ozone", by="Month")
    assert list(by["Month"]) == [5, 6, 7, 8, 9]
    assert by["n"].sum() == 116


def test_reliable_change_classes_follow_the_thresholds_inclusively():
    # last - first: +5 (exactly the threshold: reliable), +4.9, -5, -4.9, +8 from 20 to 28
    # (clinically significant), +6 from 26 to 32 (started above the cut-off: not in the base),
    # +5 from 19.9 to 24.9 (stays below 25: not clinically significant)
    d = pd.DataFrame({"first": [10.0, 10.0, 20.0, 20.0, 20.0, 26.0, 19.9, np.nan],
                      "last": [15.0, 14.9, 15.0, 15.1, 28.0, 32.0, 24.9, 30.0]})
    r = reliable_change(d, "first", "last", 5, 25).set_index("class")
    assert r.loc["reliable_improvement", ["events", "n"]].tolist() == [4, 7]
    assert r.loc["reliable_deterioration", ["events", "n"]].tolist() == [1, 7]
    assert r.loc["no_reliable_change", ["events", "n"]].tolist() == [2, 7]
    assert r.loc["clinically_significant", ["events", "n"]].tolist() == [1, 6]
    assert r.loc["reliable_improvement", "share"] == pytest.approx(4 / 7)
    lo, hi = r.loc["reliable_improvement", ["ci_low", "ci_high"]]
    assert lo < 4 / 7 < hi
