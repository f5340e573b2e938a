"""Tests of pku_eval.stats.survival.km_median (Kaplan-Meier median and its interval) against R.

Sources
-------
- R survival package (therneau/survival), tests/Examples/survival-Ex.Rout.save (saved output of
  the package's examples): ``survfit(Surv(time, status) ~ ph.ecog, data=lung)`` prints

                  n events median 0.95LCL 0.95UCL
      ph.ecog=0  63     37    394     348     574
      ph.ecog=1 113     82    306     268     429
      ph.ecog=2  50     44    199     156     288
      ph.ecog=3   1      1    118      NA      NA

  (R's default conf.type = "log"; lung = lifelines.datasets.load_lung, status 1 = dead).
- Same package, tests/doaml.Rout.save: ``survfit(Surv(aml$time, aml$status) ~ aml$x)`` prints
  Maintained 11 7 31 18 NA and Nonmaintained 12 11 23 8 NA (n, events, median, LCL, UCL).
- Same package, tests/quantile.R with tests/quantile.Rout.save (every ``aeq`` prints TRUE): the
  rules for a curve exactly at the quantile over a stretch (midpoint of the stretch, up to the
  last follow-up time at the end of the curve) on the data ``test1`` typed in below, e.g.
  ``quantile(survfit(Surv(time, status) ~ 1, test1), 1 - qq)`` with
  qq = (13/14, 6/7, 2/3, 1/2, 9/35, 1/10) gives quantile (1, 3.5, 6, 9, 9.5, NA),
  lower (1, 1, 1, 6, 6, 9) and upper all NA.
- Freireich 6-MP data (MASS::gehan), ``summary(survfit(Surv(time, cens) ~ treat, gehan))`` as in
  tests/test_stats_survival.py (survival and std.err printed to 3 and 4 decimals), for the
  "plain" limits S -/+ 1.96 SE (Klein & Moeschberger 2003, eq. 4.3.1).

For conf_type="log-log" (the default here and in the se_practice chapter) we found no printed R
median interval. The median rule is the one checked against R above (it does not depend on the
band), and the log-log band itself is checked against lifelines in test_stats_survival.py; here
the log-log medians and limits are compared with lifelines' ``median_survival_times`` on the
lifelines band - an independent implementation (a cross-check, not a published value).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from lifelines.datasets import load_lung
from lifelines.utils import median_survival_times

from pku_eval.stats import EstimationError
from pku_eval.stats.survival import kaplan_meier, km_median

AML = pd.DataFrame({
    "weeks": [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161,
              5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45],
    "relapse": [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0,
                1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1],
    "x": ["Maintained"] * 11 + ["Nonmaintained"] * 12})

# survival tests/quantile.R; the row with status NA is dropped by R and by km_median
TEST1 = pd.DataFrame({"time": [9, 3, 1, 1, 6, 6, 8, 10],
                      "status": [1, np.nan, 1, 0, 1, 1, 0, 0],
                      "x": [0, 2, 1, 1, 1, 0, 0, 0]})
QQ = [13 / 14, 6 / 7, 2 / 3, 0.5, 9 / 35, 0.1]


def rows(result: pd.DataFrame) -> list[tuple]:
    return [tuple(None if pd.isna(v) else float(v) for v in r)
            for r in result[["estimate", "ci_low", "ci_high"]].itertuples(index=False)]


def test_lung_by_ecog_r_print_survfit():
    res = km_median(load_lung(), "time", "status", "ph.ecog", conf_type="log")
    assert res["group"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert rows(res) == [(394, 348, 574), (306, 268, 429), (199, 156, 288), (118, None, None)]
    assert res["n"].tolist() == [63, 113, 50, 1]
    assert res["events"].tolist() == [37, 82, 44, 1]


def test_aml_r_doaml():
    res = km_median(AML, "weeks", "relapse", "x", conf_type="log")
    assert rows(res) == [(31, 18, None), (23, 8, None)]
    assert res["n"].tolist() == [11, 12] and res["events"].tolist() == [7, 11]


@pytest.mark.parametrize(
    "group, quantile, lower",
    [(None, [1, 3.5, 6, 9, 9.5, None], [1, 1, 1, 6, 6, 9]),
     (0, [6, 6, 9, 9, None, None], [6, 6, 6, 6, 9, 9]),
     (1, [1, 1, 3.5, 6, 6, 6], [1, 1, 1, 1, None, None])])
def test_flat_stretches_r_quantile_tests(group, quantile, lower):
    # survival tests/quantile.R: fit2 (no strata) and fit2 by x; upper limits are all NA
    data = TEST1 if group is None else TEST1[TEST1["x"] == group]
    got = [km_median(data, "time", "status", conf_type="log", prob=1 - q).iloc[0] for q in QQ]
    assert [None if np.isnan(r["estimate"]) else r["estimate"] for r in got] == quantile
    assert [None if np.isnan(r["ci_low"]) else r["ci_low"] for r in got] == lower
    assert all(np.isnan(r["ci_high"]) for r in got)


def test_without_censoring_the_median_is_the_sample_median():
    # the midpoint rule of R: an even number of event times gives the usual sample median
    df = pd.DataFrame({"t": [3, 1, 4, 1.5, 9, 2.5], "e": 1})
    assert km_median(df, "t", "e").loc[0, "estimate"] == float(np.median(df["t"]))
    assert km_median(df.iloc[:5], "t", "e").loc[0, "estimate"] == 3.0  # odd: the middle one


@pytest.mark.parametrize("by", [None, "ph.ecog", "sex"])
def test_log_log_matches_lifelines(by):
    """Cross-check (see the module docstring): lifelines reads its median interval off the same
    log-log (exponential Greenwood) band. Groups of one person differ by convention only
    (lifelines: the event time, R and km_median: NA), so they are left out."""
    lung = load_lung().dropna(subset=["ph.ecog"])
    res = km_median(lung, "time", "status", by)
    groups = [(None, lung)] if by is None else list(lung.groupby(by))
    for i, (_, part) in enumerate(groups):
        if len(part) < 2:
            continue
        fitter = KaplanMeierFitter().fit(part["time"], part["status"])
        limits = median_survival_times(fitter.confidence_interval_).to_numpy().ravel()
        assert res.loc[i, "estimate"] == fitter.median_survival_time_
        assert (res.loc[i, "ci_low"], res.loc[i, "ci_high"]) == tuple(limits)


def test_plain_band_and_its_median_from_r_summary():
    # R summary(survfit(Surv(time, cens) ~ treat, gehan)) for 6-MP: survival and std.err; the
    # plain limits S -/+ 1.959964 SE computed from the printed values (half a printed unit in
    # S and SE gives at most 5e-4 + 1.96 * 5e-5 = 6e-4)
    mp = pd.DataFrame({"time": [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25,
                                32, 32, 34, 35],
                       "cens": [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]})
    surv = np.array([0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448])
    se = np.array([0.0764, 0.0869, 0.0963, 0.1068, 0.1141, 0.1282, 0.1346])
    km = kaplan_meier(mp, "time", "cens", conf_type="plain")
    events = km[km["events"] > 0]
    np.testing.assert_allclose(events["ci_low"], surv - 1.959964 * se, atol=6e-4)
    np.testing.assert_allclose(events["ci_high"], np.minimum(surv + 1.959964 * se, 1), atol=6e-4)
    # the median of 6-MP is 23 weeks (S = 0.448 < 0.5 there, 0.538 before); the plain lower
    # limit first falls to 0.5 at 13 (0.690 - 1.96 * 0.1068 = 0.481), the upper limit never
    res = km_median(mp, "time", "cens", conf_type="plain").iloc[0]
    assert (res["estimate"], res["ci_low"]) == (23.0, 13.0) and np.isnan(res["ci_high"])


def test_errors():
    with pytest.raises(ValueError, match="prob"):
        km_median(AML, "weeks", "relapse", prob=1.0)
    with pytest.raises(TypeError, match="prob"):
        km_median(AML, "weeks", "relapse", prob="half")
    with pytest.raises(ValueError, match="conf_type"):
        km_median(AML, "weeks", "relapse", conf_type="arcsin")
    with pytest.raises(EstimationError) as info:
        km_median(AML.assign(weeks=np.nan), "weeks", "relapse")
    assert info.value.reason == "no_data"
    with pytest.raises(ValueError, match="negative duration") as info:
        km_median(AML.assign(weeks=-AML["weeks"]), "weeks", "relapse")
    assert not isinstance(info.value, EstimationError)
