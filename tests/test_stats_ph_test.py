"""Tests of pku_eval.stats.cox.proportional_hazards_test (R ``cox.zph``, survival 3.x).

Sources
-------
- R survival package (therneau/survival), tests/Examples/survival-Ex.Rout.save, the example of
  ``cox.zph``: ``fit <- coxph(Surv(futime, fustat) ~ age + ecog.ps, data=ovarian)``,
  ``print(cox.zph(fit))`` (default transform = "km") prints

              chisq df    p
      age     0.698  1 0.40
      ecog.ps 2.371  1 0.12
      GLOBAL  3.633  2 0.16

  The ovarian data (26 patients) are typed in below from R's ``survival::ovarian`` (a CSV
  export; time, status, rx and age agree with the R-generated expected values of the
  Cameron-Lyons/survival crate, test/r_expected_values.json).
- Same package, tests/zph.R with tests/zph.Rout.save (every ``aeq`` prints TRUE): for the data
  ``test1`` the Efron fit has beta = log(r) with r = 2 sqrt(23/3) cos(phi/3),
  phi = acos((45/23) sqrt(3/23)), per-death scores U = (1/(r+1), 3/(r+3), -r/(r+5), 0) and
  information contributions (r/(r+1)^2, 3r/(r+3)^2, 5r/(r+5)^2, 0) at the death times
  g = (1, 6, 6, 9); ``cox.zph(fit4, transform='log')`` equals the score test built from them
  with g3 = log(g) - mean(log(g)) ("sctest4"), and doubling the data as two strata doubles it.
  The closed form is computed below exactly as in zph.R.

Tolerances: R prints 3 decimals (half a unit: 5e-4) and p to 2 (5e-3). Against the closed form
the relative tolerance is 1e-5 because the Cox coefficient comes from lifelines, which stops
within about 2e-6 of the maximum (checked: log(r) - beta = -1.9e-6 for test1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines.datasets import load_rossi

from pku_eval.stats import EstimationError
from pku_eval.stats.cox import _transformed_time, cox_hazard_ratio, proportional_hazards_test

OVARIAN = pd.DataFrame({
    "futime": [59, 115, 156, 421, 431, 448, 464, 475, 477, 563, 638, 744, 769, 770, 803, 855,
               1040, 1106, 1129, 1206, 1227, 268, 329, 353, 365, 377],
    "fustat": [1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0],
    "age": [72.3315, 74.4932, 66.4658, 53.3644, 50.3397, 56.4301, 56.937, 59.8548, 64.1753,
            55.1781, 56.7562, 50.1096, 59.6301, 57.0521, 39.2712, 43.1233, 38.8932, 44.6,
            53.9068, 44.2055, 59.589, 74.5041, 43.137, 63.2192, 64.4247, 58.3096],
    "resid.ds": [2, 2, 2, 2, 2, 1, 2, 2, 2, 1, 1, 1, 2, 2, 1, 1, 2, 1, 1, 2, 1, 2, 2, 1, 2, 1],
    "rx": [1, 1, 1, 2, 1, 1, 2, 2, 1, 2, 1, 2, 2, 2, 1, 1, 1, 1, 2, 2, 2, 1, 1, 2, 2, 2],
    "ecog.ps": [1, 1, 2, 1, 1, 2, 2, 2, 1, 2, 2, 1, 2, 1, 1, 2, 2, 1, 1, 1, 2, 2, 1, 2, 1, 1],
})

TEST1 = pd.DataFrame({"time": [9, 3, 1, 1, 6, 6, 8], "status": [1, np.nan, 1, 0, 1, 1, 0],
                      "x": [0, 2, 1, 1, 1, 0, 0]})


def sctest4() -> float:
    """zph.R: the score test for x * (log(t) - mean log t) in the Efron fit of test1."""
    phi = np.arccos((45 / 23) * np.sqrt(3 / 23))
    r = 2 * np.sqrt(23 / 3) * np.cos(phi / 3)
    u = np.array([1 / (r + 1), 3 / (r + 3), -r / (r + 5), 0])
    imat = np.array([r / (r + 1) ** 2, 3 * r / (r + 3) ** 2, 5 * r / (r + 5) ** 2, 0])
    g = np.array([1.0, 6, 6, 9])
    g3 = np.log(g) - np.log(g).mean()
    u4 = np.array([u.sum(), (g3 * u).sum()])
    i4 = np.array([[imat.sum(), (g3 * imat).sum()], [(g3 * imat).sum(), (g3**2 * imat).sum()]])
    return float(np.linalg.solve(i4, u4) @ u4)


def test_ovarian_r_cox_zph_example():
    res = proportional_hazards_test(OVARIAN, "futime", "fustat", ["age", "ecog.ps"])
    assert res["term"].tolist() == ["age", "ecog.ps", "GLOBAL"]
    np.testing.assert_allclose(res["statistic"], [0.698, 2.371, 3.633], atol=5e-4)
    np.testing.assert_allclose(res["p_value"], [0.40, 0.12, 0.16], atol=5e-3)
    assert res["df"].tolist() == [1, 1, 2]
    assert (res["n"].iloc[0], res["events"].iloc[0], res["transform"].iloc[0]) == (26, 12, "km")


def test_closed_form_efron_log_transform_r_zph_tests():
    res = proportional_hazards_test(TEST1, "time", "status", "x", transform="log")
    assert res.loc[0, "statistic"] == pytest.approx(sctest4(), rel=1e-5)
    assert res.loc[0, "n"] == 6  # the row with a missing status is left out, as in R
    # one covariate: the global test is the same test
    assert res.loc[1, "statistic"] == pytest.approx(res.loc[0, "statistic"], rel=1e-12)


def test_strata_r_zph_tests():
    # zph.R fit6: test1 twice, as two strata; the score and information double, so the test
    doubled = pd.concat([TEST1, TEST1], ignore_index=True).assign(group=["a"] * 7 + ["b"] * 7)
    res = proportional_hazards_test(doubled, "time", "status", "x", strata="group",
                                    transform="log")
    assert res.loc[0, "statistic"] == pytest.approx(2 * sctest4(), rel=1e-5)


def test_km_transform_is_the_left_continuous_curve():
    # R: 1 - S(t-) from the Kaplan-Meier curve of all rows: S(1) = 5/6, S(2) = 5/6 * 4/5,
    # S(3) = 2/3 * 2/3 (3 at risk), S(4) = S(3) (censored); each row gets S just before its time
    t = np.array([1.0, 2, 2, 3, 4, 5])
    e = np.array([1, 1, 0, 1, 0, 1])
    got = _transformed_time(t, e, "km")
    s_before = np.array([1, 5 / 6, 5 / 6, 2 / 3, 4 / 9, 4 / 9])
    np.testing.assert_allclose(got, 1 - s_before, rtol=1e-12)
    np.testing.assert_allclose(_transformed_time(t, e, "rank"), [1, 2.5, 2.5, 4, 5, 6])
    np.testing.assert_allclose(_transformed_time(t, e, "log"), np.log(t))


@pytest.mark.parametrize("transform", ["km", "rank", "identity", "log"])
def test_cox_hazard_ratio_reports_the_same_test(transform):
    """The ph_test_p of cox_hazard_ratio (what the employment chapter records) is this test
    of the group indicator on the same stratified model."""
    rossi = load_rossi()
    hr = cox_hazard_ratio(rossi, "week", "arrest", "fin", 1, 0, strata="race",
                          ph_transform=transform)
    zph = proportional_hazards_test(rossi, "week", "arrest", "fin", strata="race",
                                    transform=transform)
    assert hr.loc[0, "ph_test_p"] == pytest.approx(zph.loc[0, "p_value"], rel=1e-9)


def test_flags_crossing_hazards():
    rng = np.random.default_rng(20161231)
    treated = np.repeat([1, 0], 200)
    time = np.where(treated == 1, rng.weibull(3.0, 400), rng.exponential(1.0, 400))
    df = pd.DataFrame({"time": np.minimum(time, 2.5), "event": (time < 2.5).astype(int),
                       "treated": treated})
    assert proportional_hazards_test(df, "time", "event", "treated").loc[0, "p_value"] < 1e-6


def test_errors():
    with pytest.raises(ValueError, match="transform"):
        proportional_hazards_test(OVARIAN, "futime", "fustat", "age", transform="loglog")
    with pytest.raises(ValueError, match="Efron"):
        proportional_hazards_test(OVARIAN, "futime", "fustat", "age", ties="breslow")
    with pytest.raises(ValueError, match="at least one"):
        proportional_hazards_test(OVARIAN, "futime", "fustat", [])
    with pytest.raises(TypeError, match="numeric"):
        proportional_hazards_test(OVARIAN.assign(age="old"), "futime", "fustat", "age")
    with pytest.raises(EstimationError) as info:
        proportional_hazards_test(OVARIAN.assign(fustat=0), "futime", "fustat", "age")
    assert info.value.reason == "no_events"
    with pytest.raises(EstimationError) as info:
        proportional_hazards_test(OVARIAN.assign(futime=OVARIAN["futime"] * 0),
                                  "futime", "fustat", "age", transform="log")
    assert info.value.reason == "not_estimable"
