"""The primary estimand of the trial (#16): the Kaplan-Meier risk difference at the horizon
of analysis_plan, the restricted mean time without a job, the Mantel-Haenszel risk difference
over offices and the test of heterogeneity between offices. The keys hold what the stats
functions (each tested against a published reference: tests/test_stats_survival_contrasts.py,
tests/test_stats_stratified.py) give on REPORT_SPEC's population with the chapter's options;
the planted effects of the demo data are recovered."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pku_eval import demo, tidy
from pku_eval.chapters import employment as em
from pku_eval.params import load_params
from pku_eval.chapters.employment.primary import nnt_value
from pku_eval.stats.effect_sizes import number_needed_to_treat
from pku_eval.stats.stratified import mantel_haenszel_rd
from pku_eval.stats.survival_contrasts import km_risk_difference, rmst_difference
from pku_eval.values import Value

FINAL = "2017-06-30"  # the default final cut-off (the demo extract is 2017-06-30)
P5 = load_params(min_cell=5)


def write_tables(d, tables: dict, names=("offices", "participants", "outcomes")) -> None:
    d.mkdir(parents=True, exist_ok=True)
    for name in names:
        tables[name].to_csv(d / f"{name}.csv", index=False, date_format="%Y-%m-%d")


@pytest.fixture(scope="module")
def large_stage(tmp_path_factory):
    d = tmp_path_factory.mktemp("large_primary")
    write_tables(d, demo.generate(participants=4000, seed=11))
    return tidy.prepare(tidy.load(d), FINAL)


@pytest.fixture(scope="module")
def large(large_stage):
    return em.compute(large_stage, P5)


def randomised(res):
    f = res.frame
    return f[f["has_outcome"] & (f["randomised"] == 1)
             & f["arm"].isin(["treatment", "internal_control"])]


def planted(years: float = 1.0):
    """The planted constant hazards give the truth by the horizon (exponential times)."""
    lam = demo.PLANTED["job_hazard_per_year"]
    risk = {a: 1 - math.exp(-lam[a] * years) for a in ("treatment", "internal_control")}
    rmst = {a: 12 * (1 - math.exp(-lam[a] * years)) / lam[a]
            for a in ("treatment", "internal_control")}  # months without a job
    return risk["treatment"] - risk["internal_control"], \
        rmst["treatment"] - rmst["internal_control"]


def test_planted_risk_difference_at_the_horizon(large):
    truth, _ = planted()
    got = large.value("employment.horizon.risk_difference")
    assert set(got) == {"estimate", "ci_low", "ci_high"}
    assert got["ci_low"] < truth < got["ci_high"], (got, truth)
    assert got["ci_low"] > 0
    assert large.value("employment.horizon.months") == 12


def test_planted_rmst_difference(large):
    _, truth = planted()
    got = large.value("time_to_work.rmst_difference")
    assert set(got) == {"estimate", "ci_low", "ci_high", "p_value"}
    assert got["ci_low"] < truth < got["ci_high"], (got, truth)
    assert got["ci_high"] < 0 and got["p_value"] < 0.05  # less time without a job with SE


def test_planted_stratified_difference_and_no_heterogeneity(large):
    """The same hazards in every office: the MH estimate covers the planted difference by
    follow-up end, and the heterogeneity test has no reason to alarm (a probability)."""
    truth = demo.PLANTED["employment"]["treatment"] - demo.PLANTED["employment"][
        "internal_control"]
    got = large.value("employment.risk_difference_stratified")
    assert set(got) == {"estimate", "ci_low", "ci_high"}
    assert got["ci_low"] < truth < got["ci_high"], (got, truth)
    het = large.value("employment.by_office_heterogeneity")
    assert het["q_df"] == het["n_offices"] - 1 == 3 and 0 <= het["p_value"] <= 1


def test_keys_are_the_stats_functions_with_the_chapters_options(large):
    rand = randomised(large)
    days = load_params().analysis_plan.horizon_days
    assert days == 365.25
    km = km_risk_difference(rand, "days", "event", "arm", days, "treatment",
                            "internal_control").iloc[0]
    got = large.value("employment.horizon.risk_difference")
    for k in ("estimate", "ci_low", "ci_high"):
        assert got[k] == pytest.approx(km[k], rel=1e-12)
    assert large.value("employment.horizon.risk.treatment") == pytest.approx(
        km["risk_treatment"], rel=1e-12)
    rm = rmst_difference(rand.assign(months=rand["days"] / 30.4375), "months", "event", "arm",
                         12.0, "treatment", "internal_control").iloc[0]
    got = large.value("time_to_work.rmst_difference")
    for k in ("estimate", "ci_low", "ci_high", "p_value"):
        assert got[k] == pytest.approx(rm[k], rel=1e-12)
    mh = mantel_haenszel_rd(rand, "employed", "arm", "office", "treatment",
                            "internal_control").iloc[0]
    got = large.value("employment.risk_difference_stratified")
    for k in ("estimate", "ci_low", "ci_high"):
        assert got[k] == pytest.approx(mh[k], rel=1e-12)
    assert mh["variance"] == "greenland-robins"  # REPORT_SPEC: Greenland–Robins (1985)


def test_planted_number_needed_to_treat(large):
    """The planted hazards give the true NNT by the horizon, 1 / (true risk difference): it
    lies in Altman's interval, on the benefit side (NNTB)."""
    truth, _ = planted()
    got = large.value("employment.horizon.nnt")
    assert got["kind"] == "NNTB" and not got["crosses_infinity"]
    assert 0 < got["ci_low"] < 1 / truth < got["ci_high"], (got, 1 / truth)
    assert got["nnt"] == pytest.approx(got["estimate"])


def test_nnt_key_is_the_stats_function_with_the_chapters_options(large):
    """employment.horizon.nnt is stats.number_needed_to_treat (tested against Altman 1998 in
    tests/test_stats_effect_sizes.py) on the primary difference, a job counted as beneficial."""
    rand = randomised(large)
    km = km_risk_difference(rand, "days", "event", "arm", 365.25, "treatment",
                            "internal_control")
    ref = number_needed_to_treat(km, event_is="beneficial").iloc[0]
    got = large.value("employment.horizon.nnt")
    for k in ("estimate", "ci_low", "ci_high", "nnt"):
        assert got[k] == pytest.approx(ref[k], rel=1e-12)
    assert (got["kind"], got["crosses_infinity"]) == (ref["kind"], ref["crosses_infinity"])


def test_nnt_interval_through_infinity_to_the_harm_side():
    """Altman (1998): a difference of 10 points (−5 to 25) is NNTB 10 with the interval
    "NNTH 20 to ∞ to NNTB 4"; the key keeps that signed: ci_low 4 (NNTB), ci_high −20
    (NNTH). A difference whose interval lies below 0 is a number needed to harm."""
    rd = Value({"estimate": 0.10, "ci_low": -0.05, "ci_high": 0.25}, n=200)
    got = nnt_value(rd).estimate
    assert got["estimate"] == pytest.approx(10.0) and got["kind"] == "NNTB"
    assert got["crosses_infinity"]
    assert (got["ci_low"], got["ci_high"]) == pytest.approx((4.0, -20.0))
    harm = nnt_value(Value({"estimate": -0.05, "ci_low": -0.08, "ci_high": -0.02})).estimate
    assert harm["kind"] == "NNTH" and not harm["crosses_infinity"]
    assert (harm["estimate"], harm["ci_low"], harm["ci_high"]) == pytest.approx(
        (-20.0, -50.0, -12.5))
    # a limit at 0 gives an infinite number: null with its reason (JSON has no infinity)
    edge = nnt_value(Value({"estimate": 0.1, "ci_low": 0.0, "ci_high": 0.2}))
    assert edge.estimate["ci_high"] is None and "infinite" in edge.reason
    assert nnt_value(Value.null("suppressed")).reason == "suppressed"


def hand_stage(tmp_path, job_days: list, arms: list[str]):
    """A tiny KLAR trial at Moss: participants enrolled on 2015-01-01, first jobs ``job_days``
    after enrolment (None: no job), register extract 2016-12-31."""
    enrolled = pd.Timestamp("2015-01-01")
    rows, outcomes = [], []
    for i, (arm, d) in enumerate(zip(arms, job_days)):
        pid = f"P-H{i:04d}"
        rows.append({"participant_id": pid, "office": "moss", "arm": arm, "randomised": 1,
                     "enrolled_date": "2015-01-01", "birth_year": 1980, "gender": "kvinne",
                     "main_benefit": "aap", "education": "vgs", "immigrant": 0,
                     "withdrawn_date": None})
        job = (enrolled + pd.Timedelta(days=d)).strftime("%Y-%m-%d") if d is not None else None
        outcomes.append({"participant_id": pid, "followup_date": "2016-12-31",
                         "first_job_date": job, "status": "ordinary_paid" if job else "aap"})
    d = tmp_path / "hand"
    write_tables(d, {"offices": demo.OFFICES, "participants": pd.DataFrame(rows),
                     "outcomes": pd.DataFrame(outcomes)})
    return tidy.prepare(tidy.load(d), FINAL)


def test_a_job_on_day_365_counts_by_twelve_months_and_day_366_does_not(tmp_path):
    """REPORT_SPEC: the horizon is months × 30.4375 days (365.25 for 12): a first job at most
    that many days after enrolment counts."""
    arms = ["treatment"] * 4 + ["internal_control"] * 4
    res = em.compute(hand_stage(tmp_path, [365, 366, None, None, 100, None, None, None], arms),
                     load_params(min_cell=1))
    assert res.value("employment.horizon.risk.treatment") == pytest.approx(0.25)
    assert res.value("employment.horizon.risk.internal_control") == pytest.approx(0.25)
    assert res.value("employment.horizon.risk_difference")["estimate"] == pytest.approx(0.0)


def test_the_horizon_follows_the_analysis_plan(large_stage, large):
    res = em.compute(large_stage, load_params(min_cell=5, analysis_plan={"horizon_months": 24}))
    assert res.value("employment.horizon.months") == 24
    truth, _ = planted(2.0)
    got = res.value("employment.horizon.risk_difference")
    assert got["ci_low"] < truth < got["ci_high"]
    assert got["estimate"] != large.value("employment.horizon.risk_difference")["estimate"]


def test_too_small_arms_are_withheld(tmp_path):
    arms = ["treatment"] * 3 + ["internal_control"] * 8
    res = em.compute(hand_stage(tmp_path, [30, None, None] + [None] * 7 + [40], arms), P5)
    for key in ("employment.horizon.risk_difference", "time_to_work.rmst_difference",
                "employment.risk_difference_stratified"):
        assert res.value(key) is None and res.reason(key) == "suppressed", key
