"""Tests of pku_eval.stats.missing (Little's MCAR test).

Source of the reference value: R's datasets::airquality (New York, May-September 1973; copied
from shared/reference-data/airquality.csv and embedded below), naniar (Tierney & Cook):
    naniar::mcar_test(airquality)
    #   statistic    df p.value missing.patterns
    #        35.1    14 0.00142                4
(naniar's documented example). Full precision from naniar's own test suite,
tests/testthat/test-mcar-test.R: statistic 35.1061288689702, df 14, p.value 0.00141778113856683,
missing.patterns 4L — checked to 1e-5 (statistic) and 1e-4 (p) relative: naniar's EM (package norm) stops at a looser
convergence criterion than ours (35.10613 there, 35.10617 here; 1.3e-6 relative).
"""

from __future__ import annotations

from io import StringIO

import numpy as np
import pandas as pd
import pytest

from pku_eval.stats.missing import em_normal, little_mcar

AIRQUALITY_COLUMNS = "Ozone,Solar.R,Wind,Temp,Month,Day"
# rows separated by ";" (empty field = NA)
AIRQUALITY_ROWS = (
    "41.0,190.0,7.4,67,5,1;36.0,118.0,8.0,72,5,2;12.0,149.0,12.6,74,5,3;18.0,313.0,11.5,62,5,4;"
    ",,14.3,56,5,5;28.0,,14.9,66,5,6;23.0,299.0,8.6,65,5,7;19.0,99.0,13.8,59,5,8;"
    "8.0,19.0,20.1,61,5,9;,194.0,8.6,69,5,10;7.0,,6.9,74,5,11;16.0,256.0,9.7,69,5,12;"
    "11.0,290.0,9.2,66,5,13;14.0,274.0,10.9,68,5,14;18.0,65.0,13.2,58,5,15;"
    "14.0,334.0,11.5,64,5,16;34.0,307.0,12.0,66,5,17;6.0,78.0,18.4,57,5,18;"
    "30.0,322.0,11.5,68,5,19;11.0,44.0,9.7,62,5,20;1.0,8.0,9.7,59,5,21;11.0,320.0,16.6,73,5,22;"
    "4.0,25.0,9.7,61,5,23;32.0,92.0,12.0,61,5,24;,66.0,16.6,57,5,25;,266.0,14.9,58,5,26;"
    ",,8.0,57,5,27;23.0,13.0,12.0,67,5,28;45.0,252.0,14.9,81,5,29;115.0,223.0,5.7,79,5,30;"
    "37.0,279.0,7.4,76,5,31;,286.0,8.6,78,6,1;,287.0,9.7,74,6,2;,242.0,16.1,67,6,3;"
    ",186.0,9.2,84,6,4;,220.0,8.6,85,6,5;,264.0,14.3,79,6,6;29.0,127.0,9.7,82,6,7;"
    ",273.0,6.9,87,6,8;71.0,291.0,13.8,90,6,9;39.0,323.0,11.5,87,6,10;,259.0,10.9,93,6,11;"
    ",250.0,9.2,92,6,12;23.0,148.0,8.0,82,6,13;,332.0,13.8,80,6,14;,322.0,11.5,79,6,15;"
    "21.0,191.0,14.9,77,6,16;37.0,284.0,20.7,72,6,17;20.0,37.0,9.2,65,6,18;"
    "12.0,120.0,11.5,73,6,19;13.0,137.0,10.3,76,6,20;,150.0,6.3,77,6,21;,59.0,1.7,76,6,22;"
    ",91.0,4.6,76,6,23;,250.0,6.3,76,6,24;,135.0,8.0,75,6,25;,127.0,8.0,78,6,26;"
    ",47.0,10.3,73,6,27;,98.0,11.5,80,6,28;,31.0,14.9,77,6,29;,138.0,8.0,83,6,30;"
    "135.0,269.0,4.1,84,7,1;49.0,248.0,9.2,85,7,2;32.0,236.0,9.2,81,7,3;,101.0,10.9,84,7,4;"
    "64.0,175.0,4.6,83,7,5;40.0,314.0,10.9,83,7,6;77.0,276.0,5.1,88,7,7;97.0,267.0,6.3,92,7,8;"
    "97.0,272.0,5.7,92,7,9;85.0,175.0,7.4,89,7,10;,139.0,8.6,82,7,11;10.0,264.0,14.3,73,7,12;"
    "27.0,175.0,14.9,81,7,13;,291.0,14.9,91,7,14;7.0,48.0,14.3,80,7,15;48.0,260.0,6.9,81,7,16;"
    "35.0,274.0,10.3,82,7,17;61.0,285.0,6.3,84,7,18;79.0,187.0,5.1,87,7,19;"
    "63.0,220.0,11.5,85,7,20;16.0,7.0,6.9,74,7,21;,258.0,9.7,81,7,22;,295.0,11.5,82,7,23;"
    "80.0,294.0,8.6,86,7,24;108.0,223.0,8.0,85,7,25;20.0,81.0,8.6,82,7,26;52.0,82.0,12.0,86,7,27;"
    "82.0,213.0,7.4,88,7,28;50.0,275.0,7.4,86,7,29;64.0,253.0,7.4,83,7,30;59.0,254.0,9.2,81,7,31;"
    "39.0,83.0,6.9,81,8,1;9.0,24.0,13.8,81,8,2;16.0,77.0,7.4,82,8,3;78.0,,6.9,86,8,4;"
    "35.0,,7.4,85,8,5;66.0,,4.6,87,8,6;122.0,255.0,4.0,89,8,7;89.0,229.0,10.3,90,8,8;"
    "110.0,207.0,8.0,90,8,9;,222.0,8.6,92,8,10;,137.0,11.5,86,8,11;44.0,192.0,11.5,86,8,12;"
    "28.0,273.0,11.5,82,8,13;65.0,157.0,9.7,80,8,14;,64.0,11.5,79,8,15;22.0,71.0,10.3,77,8,16;"
    "59.0,51.0,6.3,79,8,17;23.0,115.0,7.4,76,8,18;31.0,244.0,10.9,78,8,19;"
    "44.0,190.0,10.3,78,8,20;21.0,259.0,15.5,77,8,21;9.0,36.0,14.3,72,8,22;,255.0,12.6,75,8,23;"
    "45.0,212.0,9.7,79,8,24;168.0,238.0,3.4,81,8,25;73.0,215.0,8.0,86,8,26;,153.0,5.7,88,8,27;"
    "76.0,203.0,9.7,97,8,28;118.0,225.0,2.3,94,8,29;84.0,237.0,6.3,96,8,30;"
    "85.0,188.0,6.3,94,8,31;96.0,167.0,6.9,91,9,1;78.0,197.0,5.1,92,9,2;73.0,183.0,2.8,93,9,3;"
    "91.0,189.0,4.6,93,9,4;47.0,95.0,7.4,87,9,5;32.0,92.0,15.5,84,9,6;20.0,252.0,10.9,80,9,7;"
    "23.0,220.0,10.3,78,9,8;21.0,230.0,10.9,75,9,9;24.0,259.0,9.7,73,9,10;"
    "44.0,236.0,14.9,81,9,11;21.0,259.0,15.5,76,9,12;28.0,238.0,6.3,77,9,13;"
    "9.0,24.0,10.9,71,9,14;13.0,112.0,11.5,71,9,15;46.0,237.0,6.9,78,9,16;"
    "18.0,224.0,13.8,67,9,17;13.0,27.0,10.3,76,9,18;24.0,238.0,10.3,68,9,19;"
    "16.0,201.0,8.0,82,9,20;13.0,238.0,12.6,64,9,21;23.0,14.0,9.2,71,9,22;"
    "36.0,139.0,10.3,81,9,23;7.0,49.0,10.3,69,9,24;14.0,20.0,16.6,63,9,25;30.0,193.0,6.9,70,9,26;"
    ",145.0,13.2,77,9,27;14.0,191.0,14.3,75,9,28;18.0,131.0,8.0,76,9,29;20.0,223.0,11.5,68,9,30;"
)


@pytest.fixture(scope="module")
def airquality() -> pd.DataFrame:
    text = AIRQUALITY_COLUMNS + "\n" + AIRQUALITY_ROWS.rstrip(";").replace(";", "\n")
    return pd.read_csv(StringIO(text))


def test_little_mcar_airquality_naniar(airquality):
    res = little_mcar(airquality, ["Ozone", "Solar.R", "Wind", "Temp", "Month", "Day"])
    assert res.shape[0] == 1
    row = res.iloc[0]
    assert row["statistic"] == pytest.approx(35.1061288689702, rel=1e-5)
    assert row["df"] == 14
    assert row["p_value"] == pytest.approx(0.00141778113856683, rel=1e-4)
    assert row["n_patterns"] == 4
    assert (row["n"], row["n_complete"]) == (153, 111)


def test_em_normal_monotone_pattern_closed_form():
    # Bivariate data with y missing for some rows (monotone pattern): the ML estimates have a
    # closed form (Anderson 1957; Little & Rubin 2019, section 7.2): mean of x over all rows,
    # regression of y on x from the complete rows, mu_y = a + b * mean(x), and
    # var(y) = s_yy.x + b^2 var(x) with ML (denominator n) variances.
    rng = np.random.default_rng(42)
    x = rng.normal(10, 2, 60)
    y = 1.5 + 0.8 * x + rng.normal(0, 1, 60)
    y_obs = np.where(rng.random(60) < 0.3, np.nan, y)
    mean, cov, _ = em_normal(np.column_stack([x, y_obs]), tol=1e-13)
    complete = ~np.isnan(y_obs)
    xc, yc = x[complete], y_obs[complete]
    b = np.cov(xc, yc, ddof=0)[0, 1] / np.var(xc)
    a = yc.mean() - b * xc.mean()
    residual_var = np.var(yc - a - b * xc)
    assert mean[0] == pytest.approx(x.mean(), rel=1e-10)
    assert mean[1] == pytest.approx(a + b * x.mean(), rel=1e-8)
    assert cov[0, 0] == pytest.approx(np.var(x), rel=1e-8)
    assert cov[0, 1] == pytest.approx(b * np.var(x), rel=1e-7)
    assert cov[1, 1] == pytest.approx(residual_var + b**2 * np.var(x), rel=1e-7)


def test_little_mcar_detects_dependent_missingness():
    rng = np.random.default_rng(1988)
    n = 300
    x = rng.normal(0, 1, n)
    y = 0.6 * x + rng.normal(0, 0.8, n)
    z = rng.normal(0, 1, n)
    mcar = pd.DataFrame({"x": x, "y": np.where(rng.random(n) < 0.25, np.nan, y), "z": z})
    mar = pd.DataFrame({"x": x, "y": np.where(x > 0.3, np.nan, y), "z": z})
    assert little_mcar(mcar, ["x", "y", "z"]).loc[0, "p_value"] > 0.05
    assert little_mcar(mar, ["x", "y", "z"]).loc[0, "p_value"] < 1e-10


def test_little_mcar_complete_data_has_zero_df():
    data = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [2.0, 1.0, 4.0, 3.0]})
    res = little_mcar(data, ["a", "b"]).iloc[0]
    assert res["df"] == 0 and res["n_patterns"] == 1
    assert res["statistic"] == pytest.approx(0.0, abs=1e-12)
    assert np.isnan(res["p_value"])


def test_little_mcar_input_errors(airquality):
    with pytest.raises(TypeError, match="numeric"):
        little_mcar(airquality.assign(Month=airquality["Month"].astype(str)), ["Ozone", "Month"])
    with pytest.raises(ValueError, match="no observed value"):
        little_mcar(airquality.assign(empty=np.nan), ["Ozone", "empty"])
    with pytest.raises(ValueError, match="not found"):
        little_mcar(airquality, ["Ozone", "ozone"])
    with pytest.raises(ValueError, match="singular"):
        little_mcar(airquality.assign(Temp2=airquality["Temp"] * 2), ["Ozone", "Temp", "Temp2"])
