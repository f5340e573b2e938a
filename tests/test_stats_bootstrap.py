"""Tests of pku_eval.stats.bootstrap (cluster bootstrap of a pooled ratio).

What kind of reference
----------------------
A bootstrap interval has no single published value: R's ``boot`` draws from R's generator, so a
printed ``boot.ci`` cannot be reproduced with numpy's. The references here are therefore

(a) the published point estimate of the ratio for the published data;
(b) the analytical standard error that the bootstrap standard error converges to: the
    linearisation (delta-method) standard error of a ratio estimator,
    ``SE(R) = sqrt(sum_i (y_i - R x_i)^2) / sum_i x_i``, which is Cochran's variance of the
    ratio estimator (Cochran, W. G. (1977). Sampling Techniques, 3rd ed., Wiley, section 6.4,
    eq. 6.9, without the finite population correction and with divisor n instead of n - 1) and
    Davison & Hinkley's nonparametric delta method variance v_L = n^-2 sum l_j^2 with
    empirical influence values l_j = (x_j - t u_j) / u-bar (Davison, A. C., & Hinkley, D. V.
    (1997). Bootstrap Methods and their Application, Cambridge University Press, section 2.7,
    Example 2.18). The tolerances are justified at each test;
(c) exact properties: reproducibility with the seed, invariance to the order of the rows and
    to how a cluster's totals are split over rows, and the legacy algorithm of the se_practice
    chapter (so that its published intervals did not change when the code moved here).

Data: the ``city`` and ``bigcity`` data of R's ``boot`` package (the data sets of Davison &
Hinkley 1997; the boot documentation gives Cochran 1977, p. 152, as their source): populations
of US cities in 1920 (``u``, thousands) and 1930 (``x``); the ratio x-bar / u-bar estimates the
growth. The first 10 cities are ``city``, all 49 are ``bigcity``. Values copied below from a
transcription of the boot package data (a second, independent transcription agrees on
``city``). Davison & Hinkley's bootstrap example for ``city`` (pp. 22-24) has t = 1.520.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pku_eval.stats import EstimationError
from pku_eval.stats.bootstrap import cluster_bootstrap_ratio

U = [138, 93, 61, 179, 48, 37, 29, 23, 30, 2, 38, 46, 71, 25, 298, 74, 50, 76, 381, 387, 78,
     60, 507, 50, 77, 64, 40, 136, 243, 256, 94, 36, 45, 67, 120, 172, 66, 46, 121, 44, 64, 56,
     40, 116, 87, 43, 43, 161, 36]
X = [143, 104, 69, 260, 75, 63, 50, 48, 111, 50, 52, 53, 79, 57, 317, 93, 58, 80, 464, 459,
     106, 57, 634, 64, 89, 77, 60, 139, 291, 288, 85, 46, 53, 67, 115, 183, 86, 65, 113, 58,
     63, 142, 64, 130, 105, 61, 50, 232, 54]
Z95 = 1.959963984540054


def cities(n: int = 49, copies: int = 1) -> pd.DataFrame:
    u = np.tile(np.array(U[:n], float), copies)
    x = np.tile(np.array(X[:n], float), copies)
    return pd.DataFrame({"u": u, "x": x, "city": np.arange(len(u))})


def linearisation_se(df: pd.DataFrame) -> float:
    """Cochran (1977) eq. 6.9 / Davison & Hinkley's v_L for the ratio sum(x) / sum(u)."""
    ratio = df["x"].sum() / df["u"].sum()
    return float(np.sqrt(((df["x"] - ratio * df["u"]) ** 2).sum()) / df["u"].sum())


def test_city_ratio_is_the_published_estimate():
    # Davison & Hinkley (1997), pp. 22-24: t = x-bar / u-bar = 1.520 for the city data
    res = cluster_bootstrap_ratio(cities(10), "x", "u", "city", n_boot=200, seed=1)
    row = res.iloc[0]
    assert row["estimate"] == pytest.approx(1.520, abs=5e-4)
    assert row["estimate"] == 973 / 640  # exactly sum(x) / sum(u)
    assert (row["n"], row["n_clusters"], row["n_boot"], row["n_boot_used"]) == (10, 10, 200, 200)
    assert row["ci_low"] < row["estimate"] < row["ci_high"]


def test_bootstrap_se_converges_to_the_ratio_estimator_se():
    """Reference (b). The bigcity data replicated 20 times (980 clusters): the bootstrap
    variance differs from the linearisation variance by terms of relative order 1/n (here
    about 0.1-0.2 %), and the Monte Carlo error of a standard deviation from B = 20 000
    replicates is about 1/sqrt(2B) = 0.5 %; a 2 % tolerance is four Monte Carlo errors.
    The percentile limits then lie within 0.2 SE of estimate -/+ 1.96 SE (observed below 0.1
    SE over seeds 1-5; the remaining difference is the small skewness of a ratio and the
    Monte Carlo error of a 2.5 % quantile, about 0.04 SE)."""
    df = cities(49, copies=20)
    se = linearisation_se(df)
    row = cluster_bootstrap_ratio(df, "x", "u", "city", n_boot=20_000, seed=2016).iloc[0]
    assert row["se"] == pytest.approx(se, rel=0.02)
    assert row["ci_low"] == pytest.approx(row["estimate"] - Z95 * se, abs=0.2 * se)
    assert row["ci_high"] == pytest.approx(row["estimate"] + Z95 * se, abs=0.2 * se)


def test_bigcity_bootstrap_se_near_the_ratio_estimator_se():
    """Reference (b) at the published sample size n = 49: the bootstrap SE exceeds the
    linearisation SE by terms of relative order 1/n (observed 3.4-4.1 % over seeds 1-3, the
    skewed city sizes making the constant about 2); Monte Carlo error 0.5 %. Tolerance 6 %."""
    df = cities(49)
    row = cluster_bootstrap_ratio(df, "x", "u", "city", n_boot=20_000, seed=1).iloc[0]
    assert row["estimate"] == 6262 / 5054  # = 1.239
    assert row["se"] == pytest.approx(linearisation_se(df), rel=0.06)


def test_reproducible_with_the_seed():
    df = cities(49)
    a = cluster_bootstrap_ratio(df, "x", "u", "city", seed=7)
    b = cluster_bootstrap_ratio(df, "x", "u", "city", seed=7)
    c = cluster_bootstrap_ratio(df, "x", "u", "city", seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert a.loc[0, "ci_low"] != c.loc[0, "ci_low"]
    seq = cluster_bootstrap_ratio(df, "x", "u", "city", seed=np.random.SeedSequence(7))
    pd.testing.assert_frame_equal(a, seq)


def test_invariant_to_row_order_and_to_splitting_a_cluster_over_rows():
    """Exact: the rows are summed per cluster (sorted by label) before resampling."""
    df = cities(49).assign(city=lambda d: "c" + d["city"].astype(str).str.zfill(2))
    rng = np.random.default_rng(3)
    # split every city into 1-4 rows whose parts sum to its totals, then shuffle all rows
    parts = []
    for _, row in df.iterrows():
        k = int(rng.integers(1, 5))
        weights = rng.dirichlet(np.ones(k))
        parts.append(pd.DataFrame({"u": row["u"] * weights, "x": row["x"] * weights,
                                   "city": row["city"]}))
    long = pd.concat(parts, ignore_index=True).sample(frac=1, random_state=5)
    one = cluster_bootstrap_ratio(df, "x", "u", "city", seed=11).iloc[0]
    many = cluster_bootstrap_ratio(long, "x", "u", "city", seed=11).iloc[0]
    assert many["n"] == len(long) > one["n"] == 49
    for key in ("estimate", "ci_low", "ci_high", "se"):
        assert many[key] == pytest.approx(one[key], rel=1e-12), key
    shuffled = cluster_bootstrap_ratio(df.iloc[::-1], "x", "u", "city", seed=11)
    pd.testing.assert_frame_equal(shuffled, cluster_bootstrap_ratio(df, "x", "u", "city",
                                                                    seed=11))


def _legacy_chapter_interval(numerator, denominator, seed, reps=1000):
    """The loop that chapters/se_practice.py used before it called this function."""
    n = len(numerator)
    rng = np.random.default_rng(seed)
    out = np.empty(reps)
    chunk = max(1, min(reps, 4_000_000 // max(n, 1)))
    done = 0
    while done < reps:
        k = min(chunk, reps - done)
        idx = rng.integers(0, n, size=(k, n))
        with np.errstate(invalid="ignore", divide="ignore"):
            out[done:done + k] = numerator[idx].sum(axis=1) / denominator[idx].sum(axis=1)
        done += k
    out = out[np.isfinite(out)]
    return float(np.quantile(out, 0.025)), float(np.quantile(out, 0.975))


@pytest.mark.parametrize("n", [7, 480, 5000])
def test_same_intervals_as_the_chapters_former_loop(n):
    rng = np.random.default_rng(n)
    contacts = rng.poisson(4, n).astype(float)
    employer = rng.binomial(contacts.astype(int), 0.3).astype(float)
    df = pd.DataFrame({"e": employer, "c": contacts, "p": np.arange(n)})
    res = cluster_bootstrap_ratio(df, "e", "c", "p", n_boot=1000, seed=2016).iloc[0]
    assert (res["ci_low"], res["ci_high"]) == _legacy_chapter_interval(employer, contacts, 2016)


def test_missing_rows_are_left_out():
    df = cities(10)
    with_gaps = pd.concat([df, pd.DataFrame({"u": [np.nan, 5.0], "x": [3.0, np.nan],
                                             "city": [98, 99]})], ignore_index=True)
    a = cluster_bootstrap_ratio(df, "x", "u", "city", seed=1)
    b = cluster_bootstrap_ratio(with_gaps, "x", "u", "city", seed=1)
    pd.testing.assert_frame_equal(a, b)


def test_estimation_errors_carry_a_reason():
    one = pd.DataFrame({"u": [1.0, 2.0], "x": [1.0, 1.0], "city": ["a", "a"]})
    with pytest.raises(EstimationError, match="only 1 cluster") as info:
        cluster_bootstrap_ratio(one, "x", "u", "city")
    assert info.value.reason == "too_few"
    zero = pd.DataFrame({"u": [0.0, 0.0], "x": [1.0, 1.0], "city": ["a", "b"]})
    with pytest.raises(EstimationError) as info:
        cluster_bootstrap_ratio(zero, "x", "u", "city")
    assert info.value.reason == "no_variance"
    empty = pd.DataFrame({"u": [np.nan], "x": [1.0], "city": ["a"]})
    with pytest.raises(EstimationError) as info:
        cluster_bootstrap_ratio(empty, "x", "u", "city")
    assert info.value.reason == "no_data"


def test_wrong_input_is_not_an_estimation_error():
    df = cities(10)
    for kwargs, error, text in (({"n_boot": 0}, ValueError, "n_boot"),
                                ({"seed": "abc"}, TypeError, "seed"),
                                ({"alpha": 5}, ValueError, "alpha")):
        with pytest.raises(error, match=text) as info:
            cluster_bootstrap_ratio(df, "x", "u", "city", **kwargs)
        assert not isinstance(info.value, EstimationError)
    with pytest.raises(ValueError, match="not found"):
        cluster_bootstrap_ratio(df, "x", "pop", "city")
    with pytest.raises(TypeError, match="numeric"):
        cluster_bootstrap_ratio(df.assign(x=df["x"].astype(str)), "x", "u", "city")
    with pytest.raises(ValueError, match="both"):
        cluster_bootstrap_ratio(df, "x", "x", "city")
