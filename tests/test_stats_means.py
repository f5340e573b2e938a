"""Tests of pku_eval.stats.means against R output on R's ``sleep`` data (Student 1908).

R's datasets::sleep: extra hours of sleep for 10 patients (ID 1-10) under drug 1 and drug 2.

    t.test(extra ~ group, data = sleep)                  # Welch (R's default)
    t = -1.8608, df = 17.776, p-value = 0.07939
    95 percent confidence interval: -3.3654832  0.2054832
    mean in group 1 0.75, mean in group 2 2.33

    t.test(sleep$extra[1:10], sleep$extra[11:20], paired = TRUE)
    t = -4.0621, df = 9, p-value = 0.002833
    95 percent confidence interval: -2.4598858 -0.7001142
    mean difference -1.58

    wilcox.test(sleep$extra[1:10], sleep$extra[11:20], paired = TRUE)
    V = 0, p-value = 0.009091   (normal approximation: ties and a zero difference)

    t.test(sleep$extra)
    t = 3.413, df = 19, p-value = 0.002918
    95 percent confidence interval: 0.5955845 2.4844155    mean of x 1.54

R computes group 1 minus group 2; our functions compute second minus first, so the tests pass
first = "2", second = "1" to get R's sign.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pku_eval.stats.means import mean_ci, paired_difference, welch_difference

GROUP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
GROUP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


@pytest.fixture(scope="module")
def sleep() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "extra": GROUP_1 + GROUP_2,
            "group": ["1"] * 10 + ["2"] * 10,
            "ID": [f"ID-{i:02d}" for i in range(1, 11)] * 2,
        }
    )


def test_welch_difference_r_sleep(sleep):
    res = welch_difference(sleep, "extra", "group", first="2", second="1")
    assert res.shape[0] == 1
    row = res.iloc[0]
    assert row["estimate"] == pytest.approx(0.75 - 2.33, abs=1e-12)
    assert row["t"] == pytest.approx(-1.8608, abs=5e-5)
    assert row["df"] == pytest.approx(17.776, abs=5e-4)
    assert row["p_value"] == pytest.approx(0.07939, abs=5e-6)
    assert row["ci_low"] == pytest.approx(-3.3654832, abs=5e-8)
    assert row["ci_high"] == pytest.approx(0.2054832, abs=5e-8)
    assert (row["n_first"], row["n_second"]) == (10, 10)
    assert row["mean_first"] == pytest.approx(2.33)
    assert row["mean_second"] == pytest.approx(0.75)


def test_welch_difference_direction(sleep):
    # second minus first: post minus pre when first="pre", second="post"
    res = welch_difference(sleep, "extra", "group", first="1", second="2").iloc[0]
    assert res["estimate"] == pytest.approx(1.58)
    assert res["ci_low"] == pytest.approx(-0.2054832, abs=5e-8)
    assert res["ci_high"] == pytest.approx(3.3654832, abs=5e-8)


def test_paired_difference_r_sleep(sleep):
    res = paired_difference(sleep, "extra", "group", "ID", first="2", second="1")
    assert res.shape[0] == 1
    row = res.iloc[0]
    assert row["estimate"] == pytest.approx(-1.58, abs=1e-12)
    assert row["t"] == pytest.approx(-4.0621, abs=5e-5)
    assert row["df"] == 9
    assert row["p_value"] == pytest.approx(0.002833, abs=5e-7)
    assert row["ci_low"] == pytest.approx(-2.4598858, abs=5e-8)
    assert row["ci_high"] == pytest.approx(-0.7001142, abs=5e-8)
    assert row["n_pairs"] == 10
    # wilcox.test(paired = TRUE): V = 0, p-value = 0.009091
    assert row["wilcoxon_statistic"] == 0
    assert row["wilcoxon_p_value"] == pytest.approx(0.009091, abs=5e-7)
    # all nine non-zero differences are negative: rank-biserial correlation -1
    assert row["rank_biserial"] == pytest.approx(-1.0)


def test_paired_difference_pairs_by_subject_not_by_order(sleep):
    shuffled = sleep.sample(frac=1.0, random_state=3)
    incomplete = pd.concat(
        [shuffled, pd.DataFrame({"extra": [9.9], "group": ["1"], "ID": ["ID-99"]})]
    )
    res = paired_difference(incomplete, "extra", "group", "ID", first="2", second="1").iloc[0]
    assert res["n_pairs"] == 10
    assert res["t"] == pytest.approx(-4.0621, abs=5e-5)


def test_wilcoxon_exact_without_ties():
    # No ties, no zeros, n < 50: exact p as R. Differences 1..6 all positive:
    # V = 21, exact two-sided p = 2 / 2^6 = 0.03125.
    data = pd.DataFrame(
        {
            "id": list("abcdef") * 2,
            "round": ["pre"] * 6 + ["post"] * 6,
            "score": [0.0] * 6 + [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    res = paired_difference(data, "score", "round", "id", "pre", "post").iloc[0]
    assert res["wilcoxon_statistic"] == 21
    assert res["wilcoxon_p_value"] == pytest.approx(2 / 2**6, rel=1e-12)
    assert res["rank_biserial"] == pytest.approx(1.0)


def test_mean_ci_r_sleep(sleep):
    res = mean_ci(sleep, "extra")
    assert res.shape[0] == 1
    row = res.iloc[0]
    assert row["n"] == 20
    assert row["mean"] == pytest.approx(1.54, abs=1e-12)
    assert row["ci_low"] == pytest.approx(0.5955845, abs=5e-8)
    assert row["ci_high"] == pytest.approx(2.4844155, abs=5e-8)


def test_mean_ci_by_group(sleep):
    res = mean_ci(sleep, "extra", by="group")
    assert res["group"].tolist() == ["1", "2"]
    assert res["n"].tolist() == [10, 10]
    np.testing.assert_allclose(res["mean"], [0.75, 2.33])
    np.testing.assert_allclose(res["sd"], [np.std(GROUP_1, ddof=1), np.std(GROUP_2, ddof=1)])
    # half-width t(0.975, 9) * sd / sqrt(10); t quantile 2.262157 (R: qt(0.975, 9))
    half = 2.262157 * res["sd"] / np.sqrt(10)
    np.testing.assert_allclose(res["ci_high"] - res["mean"], half, rtol=1e-6)
    np.testing.assert_allclose(res["mean"] - res["ci_low"], half, rtol=1e-6)


def test_mean_ci_missing_values_and_single_observation():
    data = pd.DataFrame({"g": ["a", "a", "a", "b", "c"], "x": [1.0, np.nan, 3.0, 5.0, np.nan]})
    res = mean_ci(data, "x", by=["g"]).set_index("g")
    assert res.loc["a", "n"] == 2 and res.loc["a", "mean"] == 2.0
    assert res.loc["b", "n"] == 1 and np.isnan(res.loc["b", "ci_low"])
    assert "c" not in res.index


def test_means_input_errors(sleep):
    with pytest.raises(ValueError, match="level"):
        welch_difference(sleep, "extra", "group", "1", "3")
    with pytest.raises(ValueError, match="at least 2"):
        welch_difference(sleep.iloc[:11], "extra", "group", "1", "2")
    with pytest.raises(ValueError, match="more than one value"):
        paired_difference(pd.concat([sleep, sleep.head(1)]), "extra", "group", "ID", "1", "2")
    with pytest.raises(TypeError, match="numeric"):
        mean_ci(sleep, "group")
    with pytest.raises(ValueError, match="alpha"):
        mean_ci(sleep, "extra", alpha=0)
