"""Tests of pku_eval.stats.survival_contrasts against published values.

Sources
-------
- R survival package (therneau/survival), tests/doaml.Rout.save: saved output of the package's
  own regression test, run under "R Under development (unstable) (2024-04-17 r86441)". For the
  ``aml`` data (Miller 1981; weeks to relapse, maintained vs non-maintained chemotherapy),
  ``summary(survfit(Surv(aml$time, aml$status) ~ aml$x))`` prints

      aml$x=Maintained                          aml$x=Nonmaintained
      time n.risk n.event survival std.err      time n.risk n.event survival std.err
         9     11       1    0.909  0.0867         5     12       2   0.8333  0.1076
        13     10       1    0.818  0.1163         8     10       2   0.6667  0.1361
        18      8       1    0.716  0.1397        12      8       1   0.5833  0.1423
        23      7       1    0.614  0.1526        23      6       1   0.4861  0.1481
        31      5       1    0.491  0.1642        27      5       1   0.3889  0.1470
        34      4       1    0.368  0.1627        30      4       1   0.2917  0.1387
        48      2       1    0.184  0.1535        33      3       1   0.1944  0.1219
                                                 43      2       1   0.0972  0.0919
                                                 45      1       1   0.0000     NaN

  The Kaplan-Meier curve is a step function, so S at a horizon is the printed value at the last
  event time <= horizon (what ``summary(fit, times = h)`` prints); the expected risk
  differences below are computed from these printed numbers only.
  The aml data (R ``survival::aml``, also Rdatasets csv/survival/aml.csv) are typed in below.
- survRM2 1.0-4 vignette "Comparing two survival curves using the restricted mean survival
  time" (Uno, 2017-02-21, inst/doc/survRM2-vignette3-2.html), section 3.1:
  ``D = rmst2.sample.data(); rmst2(D$time, D$status, D$arm, tau = 10)`` prints

      RMST (arm=1) 7.146 0.283 6.592 7.701        RMTL (arm=1) 2.854 0.283 2.299 3.408
      RMST (arm=0) 7.283 0.295 6.704 7.863        RMTL (arm=0) 2.717 0.295 2.137 3.296
      RMST (arm=1)-(arm=0) -0.137  -0.939 0.665 p 0.738
      RMST (arm=1)/(arm=0)  0.981   0.878 1.096 p 0.738
      RMTL (arm=1)/(arm=0)  1.050   0.787 1.402 p 0.738

  ``rmst2.sample.data()`` (survRM2 R/rmst2.sample.data.R) is rows 1-312 of survival's ``pbc``
  (the randomised patients), time/365.25 years, status = (status == 2) (death),
  arm = (trt == 1) (D-penicillamine). The 312 rows (id 1-312: days, status 0/1/2, trt 1/2) are
  copied below from Rdatasets csv/survival/pbc.csv (a CSV export of survival::pbc).
  Tolerances are half a unit of the printed last digit.
"""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from lifelines.utils import restricted_mean_survival_time
from scipy.stats import norm

from pku_eval.stats import survival_contrasts
from pku_eval.stats.survival_contrasts import km_risk_difference, rmst_difference

Z95 = 1.959963984540054

# survival::pbc rows 1-312, "days:status:trt" (status 0 censored, 1 transplant, 2 dead;
# trt 1 D-penicillamine, 2 placebo)
PBC_312 = """
    400:2:1 4500:0:1 1012:2:1 1925:2:1 1504:1:2 2503:2:2 1832:0:2 2466:2:2 2400:2:1 51:2:2
    3762:2:2 304:2:2 3577:0:2 1217:2:2 3584:2:1 3672:0:2 769:2:2 131:2:1 4232:0:1 1356:2:2
    3445:0:2 673:2:1 264:2:2 4079:2:1 4127:0:2 1444:2:2 77:2:2 549:2:2 4509:0:2 321:2:2
    3839:2:2 4523:0:2 3170:2:2 3933:0:1 2847:2:2 3611:0:2 223:2:1 3244:2:2 2297:2:1 4467:0:1
    1350:2:1 4453:0:2 4556:0:1 3428:2:2 4025:0:2 2256:2:1 2576:0:2 4427:0:2 708:2:2 2598:2:1
    3853:2:2 2386:2:1 1000:2:1 1434:2:1 1360:2:1 1847:2:2 3282:2:1 4459:0:1 2224:2:1 4365:0:1
    4256:0:2 3090:2:2 859:2:2 1487:2:2 3992:0:1 4191:2:1 2769:2:2 4039:0:1 1170:2:1 3458:0:1
    4196:0:2 4184:0:2 4190:0:2 1827:2:1 1191:2:1 71:2:1 326:2:2 1690:2:1 3707:0:1 890:2:2
    2540:2:1 3574:2:1 4050:0:1 4032:0:2 3358:2:2 1657:2:1 198:2:1 2452:0:2 1741:2:1 2689:2:1
    460:2:2 388:2:1 3913:0:1 750:2:1 130:2:2 3850:0:1 611:2:2 3823:0:1 3820:0:2 552:2:2
    3581:0:2 3099:0:1 110:2:2 3086:2:1 3092:1:2 3222:2:1 3388:0:2 2583:2:1 2504:0:2 2105:2:1
    2350:1:1 3445:2:2 980:2:1 3395:2:2 3422:0:2 3336:0:1 1083:2:1 2288:2:1 515:2:1 2033:1:1
    191:2:2 3297:0:1 971:2:1 3069:0:1 2468:1:2 824:2:1 3255:0:2 1037:2:1 3239:0:1 1413:2:2
    850:2:2 2944:0:1 2796:2:2 3149:0:2 3150:0:1 3098:0:1 2990:0:1 1297:2:1 2106:0:2 3059:0:1
    3050:0:1 2419:2:2 786:2:2 943:2:2 2976:0:2 2615:0:2 2995:0:1 1427:2:2 762:2:1 2891:0:2
    2870:0:1 1152:2:1 2863:0:1 140:2:1 2666:0:2 853:2:2 2835:0:2 2475:1:1 1536:2:2 2772:0:2
    2797:0:2 186:2:2 2055:2:1 264:2:2 1077:2:1 2721:0:2 1682:2:1 2713:0:2 1212:2:2 2692:0:1
    2574:0:1 2301:0:2 2657:0:1 2644:0:1 2624:0:2 1492:2:1 2609:0:2 2580:0:1 2573:0:2 2563:0:2
    2556:0:1 2555:0:1 2241:1:2 974:2:2 2527:0:1 1576:2:1 733:2:2 2332:0:1 2456:0:2 2504:0:1
    216:2:2 2443:0:1 797:2:2 2449:0:1 2330:0:1 2363:0:1 2365:0:1 2357:0:2 1592:0:1 2318:0:2
    2294:0:2 2272:0:1 2221:0:2 2090:2:2 2081:2:1 2255:0:1 2171:0:1 904:2:1 2216:0:2 2224:0:2
    2195:0:2 2176:0:2 2178:0:1 1786:2:2 1080:2:2 2168:0:1 790:2:2 2170:0:1 2157:0:2 1235:2:1
    2050:0:2 597:2:2 334:2:1 1945:0:1 2022:0:1 1978:0:2 999:2:1 1967:0:2 348:2:1 1979:0:2
    1165:2:2 1951:0:1 1932:0:1 1776:0:2 1882:0:2 1908:0:1 1882:0:1 1874:0:2 694:2:1 1831:0:1
    837:1:2 1810:0:1 930:2:2 1690:2:1 1790:0:2 1435:1:1 732:1:1 1785:0:2 1783:0:1 1769:0:2
    1457:0:1 1770:0:1 1765:0:1 737:1:1 1735:0:2 1701:0:1 1614:0:1 1702:0:1 1615:0:2 1656:0:2
    1677:0:2 1666:0:2 1301:1:2 1542:1:2 1084:1:2 1614:0:1 179:2:1 1191:2:1 1363:0:2 1568:0:1
    1569:0:2 1525:0:1 1558:0:2 1447:1:1 1349:0:1 1481:0:1 1434:0:2 1420:0:2 1433:0:2 1412:0:1
    41:2:1 1455:0:2 1030:0:2 1418:0:2 1401:0:1 1408:0:1 1234:0:1 1067:1:2 799:2:1 1363:0:1
    901:1:1 1329:0:2 1320:0:2 1302:0:1 877:1:1 1321:0:2 533:1:1 1300:0:2 1293:0:1 207:2:2
    1295:0:2 1271:0:1 1250:0:2 1230:0:1 1216:0:2 1216:0:2 1149:0:2 1153:0:1 994:0:2 939:0:1
    839:0:1 788:0:2
"""


@pytest.fixture(scope="module")
def aml() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "weeks": [9, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161,
                      5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45],
            "relapse": [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0,
                        1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1],
            "x": ["Maintained"] * 11 + ["Nonmaintained"] * 12,
        }
    )


@pytest.fixture(scope="module")
def pbc() -> pd.DataFrame:
    """survRM2::rmst2.sample.data(): years, death indicator, arm 1 = D-penicillamine."""
    rows = [token.split(":") for token in PBC_312.split()]
    days, status, trt = (np.array(column, dtype=float) for column in zip(*rows))
    return pd.DataFrame(
        {"time": days / 365.25, "status": (status == 2).astype(int), "arm": (trt == 1).astype(int)}
    )


def test_pbc_sample_matches_vignette(pbc):
    # vignette: nrow(D) = 312, 158 on D-penicillamine and 154 on placebo; head(D) times
    assert len(pbc) == 312
    assert (pbc["arm"] == 1).sum() == 158 and (pbc["arm"] == 0).sum() == 154
    np.testing.assert_allclose(
        pbc["time"].head(6), [1.095140, 12.320329, 2.770705, 5.270363, 4.117728, 6.852841],
        atol=5e-7,
    )
    assert pbc["status"].head(6).tolist() == [1, 0, 1, 1, 0, 1]
    assert pbc["arm"].head(6).tolist() == [1, 1, 1, 1, 0, 0]


# ---------------------------------------------------------------- km_risk_difference


@pytest.mark.parametrize(
    "horizon, s_maint, se_maint, s_non, se_non",
    [
        # week 12: maintained carries S(9) forward; the non-maintained event AT week 12 counts
        (12, 0.909, 0.0867, 0.5833, 0.1423),
        # week 23: events at 23 in both groups count
        (23, 0.614, 0.1526, 0.4861, 0.1481),
        # week 40: between event times
        (40, 0.368, 0.1627, 0.1944, 0.1219),
    ],
)
def test_km_risk_difference_aml_r_survfit(aml, horizon, s_maint, se_maint, s_non, se_non):
    res = km_risk_difference(aml, "weeks", "relapse", "x", horizon, "Maintained", "Nonmaintained")
    row = res.iloc[0]
    # survival printed to 3 decimals (maintained) and 4 (non-maintained), std.err to 4
    assert row["risk_treatment"] == pytest.approx(1 - s_maint, abs=5e-4)
    assert row["risk_control"] == pytest.approx(1 - s_non, abs=5e-5)
    assert row["se_treatment"] == pytest.approx(se_maint, abs=5e-5)
    assert row["se_control"] == pytest.approx(se_non, abs=5e-5)
    difference = (1 - s_maint) - (1 - s_non)
    se = np.hypot(se_maint, se_non)
    assert row["estimate"] == pytest.approx(difference, abs=5.5e-4)
    assert row["se"] == pytest.approx(se, abs=1e-4)
    assert row["ci_low"] == pytest.approx(difference - Z95 * se, abs=1e-3)
    assert row["ci_high"] == pytest.approx(difference + Z95 * se, abs=1e-3)
    assert row["statistic"] == pytest.approx(row["estimate"] / row["se"], rel=1e-12)
    assert row["p_value"] == pytest.approx(2 * norm.sf(abs(difference) / se), abs=3e-3)
    assert row["note"] == ""


def test_km_risk_difference_counts_at_risk_and_events(aml):
    # n.risk printed by R: maintained 10 at week 13 (nobody leaves between 12 and 13),
    # non-maintained 8 at week 12; events up to and including week 12: 1 and 5
    row = km_risk_difference(aml, "weeks", "relapse", "x", 12, "Maintained", "Nonmaintained")
    row = row.iloc[0]
    assert (row["at_risk_treatment"], row["at_risk_control"]) == (10, 8)
    assert (row["events_treatment"], row["events_control"]) == (1, 5)
    assert (row["n_treatment"], row["n_control"]) == (11, 12)
    assert row["horizon"] == 12.0


def test_km_event_exactly_at_horizon_counts(aml):
    # just before week 12 the non-maintained risk is 1 - 0.6667 (R, time 8); at 12 it is
    # 1 - 0.5833
    before = km_risk_difference(aml, "weeks", "relapse", "x", 11.999, "Maintained",
                                "Nonmaintained").iloc[0]
    at = km_risk_difference(aml, "weeks", "relapse", "x", 12, "Maintained",
                            "Nonmaintained").iloc[0]
    assert before["risk_control"] == pytest.approx(1 - 0.6667, abs=5e-5)
    assert at["risk_control"] == pytest.approx(1 - 0.5833, abs=5e-5)


def test_km_risk_difference_swapping_groups_flips_sign(aml):
    forward = km_risk_difference(aml, "weeks", "relapse", "x", 30, "Maintained",
                                 "Nonmaintained").iloc[0]
    backward = km_risk_difference(aml, "weeks", "relapse", "x", 30, "Nonmaintained",
                                  "Maintained").iloc[0]
    assert backward["estimate"] == pytest.approx(-forward["estimate"], abs=1e-12)
    assert backward["ci_low"] == pytest.approx(-forward["ci_high"], abs=1e-12)
    assert backward["p_value"] == pytest.approx(forward["p_value"], rel=1e-12)


def test_km_risk_difference_matches_lifelines(pbc):
    # Independent implementation: lifelines' KaplanMeierFitter (survival and Greenwood
    # variance) on the pbc sample, at 5 years
    res = km_risk_difference(pbc, "time", "status", "arm", 5.0, 1, 0).iloc[0]
    for label, level in (("treatment", 1), ("control", 0)):
        part = pbc[pbc["arm"] == level]
        fitter = KaplanMeierFitter().fit(part["time"], part["status"])
        survival = float(fitter.survival_function_at_times(5.0).iloc[0])
        assert res[f"risk_{label}"] == pytest.approx(1 - survival, rel=1e-12)
        table = fitter.event_table
        table = table[table.index <= 5.0]
        d, n = table["observed"], table["at_risk"]
        greenwood = np.sum(d / (n * (n - d)))
        assert res[f"se_{label}"] == pytest.approx(survival * np.sqrt(greenwood), rel=1e-10)


def test_km_nobody_followed_to_horizon_gives_nan_and_reason(aml):
    # the last non-maintained patient relapses at week 45: nobody is at risk at week 50
    res = km_risk_difference(aml, "weeks", "relapse", "x", 50, "Maintained", "Nonmaintained")
    row = res.iloc[0]
    assert np.isnan(row["estimate"]) and np.isnan(row["ci_low"]) and np.isnan(row["p_value"])
    assert row["at_risk_control"] == 0
    assert "Nonmaintained" in row["note"] and "45" in row["note"]
    assert not np.isnan(row["risk_treatment"])


def test_km_curve_at_zero_has_undefined_interval(aml):
    # at week 45 the non-maintained curve reaches 0 (R: survival 0, std.err NaN)
    row = km_risk_difference(aml, "weeks", "relapse", "x", 45, "Maintained",
                             "Nonmaintained").iloc[0]
    assert row["risk_control"] == 1.0
    assert np.isnan(row["se_control"]) and np.isnan(row["ci_low"])


def test_km_before_any_event_risk_zero(aml):
    row = km_risk_difference(aml, "weeks", "relapse", "x", 4, "Maintained",
                             "Nonmaintained").iloc[0]
    assert row["estimate"] == 0.0 and row["se"] == 0.0
    assert np.isnan(row["p_value"])


def test_km_risk_difference_bad_input(aml):
    with pytest.raises(ValueError, match="horizon"):
        km_risk_difference(aml, "weeks", "relapse", "x", -1, "Maintained", "Nonmaintained")
    with pytest.raises(TypeError, match="horizon"):
        km_risk_difference(aml, "weeks", "relapse", "x", "12", "Maintained", "Nonmaintained")
    with pytest.raises(ValueError, match="level"):
        km_risk_difference(aml, "weeks", "relapse", "x", 12, "Maintained", "placebo")
    with pytest.raises(ValueError, match="not found"):
        km_risk_difference(aml, "time", "relapse", "x", 12, "Maintained", "Nonmaintained")
    with pytest.raises(ValueError, match="0/1"):
        km_risk_difference(aml.assign(relapse=2), "weeks", "relapse", "x", 12, "Maintained",
                           "Nonmaintained")


# ---------------------------------------------------------------- rmst_difference


def test_rmst_difference_survrm2_vignette(pbc):
    # survRM2 vignette, rmst2(time, status, arm, tau = 10), printed to 3 decimals
    row = rmst_difference(pbc, "time", "status", "arm", 10, treatment=1, control=0).iloc[0]
    tol = 5e-4
    assert row["rmst_treatment"] == pytest.approx(7.146, abs=tol)
    assert row["se_treatment"] == pytest.approx(0.283, abs=tol)
    assert row["rmst_control"] == pytest.approx(7.283, abs=tol)
    assert row["se_control"] == pytest.approx(0.295, abs=tol)
    assert row["estimate"] == pytest.approx(-0.137, abs=tol)
    assert row["ci_low"] == pytest.approx(-0.939, abs=tol)
    assert row["ci_high"] == pytest.approx(0.665, abs=tol)
    assert row["p_value"] == pytest.approx(0.738, abs=tol)
    assert row["ratio"] == pytest.approx(0.981, abs=tol)
    assert row["ratio_ci_low"] == pytest.approx(0.878, abs=tol)
    assert row["ratio_ci_high"] == pytest.approx(1.096, abs=tol)
    assert row["ratio_p_value"] == pytest.approx(0.738, abs=tol)
    assert row["rmtl_ratio"] == pytest.approx(1.050, abs=tol)
    assert row["rmtl_ratio_ci_low"] == pytest.approx(0.787, abs=tol)
    assert row["rmtl_ratio_ci_high"] == pytest.approx(1.402, abs=tol)
    assert row["rmtl_ratio_p_value"] == pytest.approx(0.738, abs=tol)
    # RMST intervals per arm printed by the vignette: 6.592-7.701 and 6.704-7.863
    assert row["rmst_treatment"] - Z95 * row["se_treatment"] == pytest.approx(6.592, abs=tol)
    assert row["rmst_control"] + Z95 * row["se_control"] == pytest.approx(7.863, abs=tol)
    assert (row["n_treatment"], row["n_control"], row["tau"], row["note"]) == (158, 154, 10.0, "")


def test_rmst_matches_lifelines_area(pbc, aml):
    # Point estimate against lifelines' restricted_mean_survival_time (its own integration of
    # the Kaplan-Meier curve)
    for data, duration, event, group, tau, levels in (
        (pbc, "time", "status", "arm", 10.0, (1, 0)),
        (aml, "weeks", "relapse", "x", 40.0, ("Maintained", "Nonmaintained")),
    ):
        row = rmst_difference(data, duration, event, group, tau, *levels).iloc[0]
        for label, level in zip(("treatment", "control"), levels):
            part = data[data[group] == level]
            fitter = KaplanMeierFitter().fit(part[duration], part[event])
            expected = restricted_mean_survival_time(fitter, t=tau)
            assert row[f"rmst_{label}"] == pytest.approx(expected, rel=1e-9)


def test_rmst_by_hand():
    # A tiny example computed from the formula by hand: times 1, 2+, 3 (events at 1 and 3),
    # tau = 3. S = 1 on [0,1), 2/3 on [1,3): RMST = 1 + 2*(2/3) = 7/3.
    # Greenwood plug-in: t=1: A = 4/3, d/(n(n-d)) = 1/(3*2); t=3: A = 0 (and n = d = 1, a term
    # survRM2 sets to 0)
    data = pd.DataFrame({"t": [1, 2, 3, 1, 2, 3], "e": [1, 0, 1, 1, 0, 1],
                         "g": ["a"] * 3 + ["b"] * 3})
    row = rmst_difference(data, "t", "e", "g", 3, "a", "b").iloc[0]
    assert row["rmst_treatment"] == pytest.approx(7 / 3, rel=1e-12)
    assert row["se_treatment"] == pytest.approx(np.sqrt((4 / 3) ** 2 / 6), rel=1e-12)
    assert row["estimate"] == 0.0


def test_rmst_tau_beyond_follow_up_gives_nan_and_reason(pbc, aml):
    # survRM2 stops when tau exceeds the last follow-up of a group whose last observation is
    # censored; maintained group: last observation 161 weeks, censored; non-maintained: the
    # last is an event at 45, but tau must not exceed the longest follow-up (161) either
    row = rmst_difference(aml, "weeks", "relapse", "x", 170, "Maintained",
                          "Nonmaintained").iloc[0]
    assert np.isnan(row["estimate"]) and np.isnan(row["ratio"]) and np.isnan(row["p_value"])
    assert "161" in row["note"]
    # tau = 100 is allowed: beyond the non-maintained follow-up, whose curve has reached 0
    ok = rmst_difference(aml, "weeks", "relapse", "x", 100, "Maintained",
                         "Nonmaintained").iloc[0]
    assert ok["note"] == "" and np.isfinite(ok["estimate"])
    last_censored = pbc.groupby("arm")["time"].max().min()
    row = rmst_difference(pbc, "time", "status", "arm", last_censored + 0.5, 1, 0).iloc[0]
    assert np.isnan(row["estimate"]) and "censored" in row["note"]


def test_rmst_swapping_groups(pbc):
    forward = rmst_difference(pbc, "time", "status", "arm", 10, 1, 0).iloc[0]
    backward = rmst_difference(pbc, "time", "status", "arm", 10, 0, 1).iloc[0]
    assert backward["estimate"] == pytest.approx(-forward["estimate"], abs=1e-12)
    assert backward["ratio"] == pytest.approx(1 / forward["ratio"], rel=1e-12)
    assert backward["ratio_ci_low"] == pytest.approx(1 / forward["ratio_ci_high"], rel=1e-12)


def test_rmst_bad_input(pbc):
    with pytest.raises(ValueError, match="tau"):
        rmst_difference(pbc, "time", "status", "arm", 0, 1, 0)
    with pytest.raises(ValueError, match="alpha"):
        rmst_difference(pbc, "time", "status", "arm", 10, 1, 0, alpha=1.5)
    with pytest.raises(ValueError, match="negative duration"):
        rmst_difference(pbc.assign(time=pbc["time"] - 5), "time", "status", "arm", 10, 1, 0)


def test_examples_run():
    result = doctest.testmod(survival_contrasts, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
