"""The employment chapter's sensitivity analyses (#16): the job coaches (coach-robust
variance), the missing register outcomes (bounds, MAR imputation, tipping point), the external
control group by propensity weighting, and the precision forecast at the interim. The keys hold
what the stats functions (each tested against a published reference or, where none was found,
by its properties: tests/test_stats_clustered.py, test_stats_sensitivity.py,
test_stats_weighting.py) give with the chapter's options; the planted effects of the demo data
stay inside the intervals."""

from __future__ import annotations

import pandas as pd
import pytest
from test_chapter_employment_primary import randomised, write_tables

from pku_eval import demo, tidy
from pku_eval.chapters import employment as em
from pku_eval.chapters.employment import sensitivity as sens
from pku_eval.params import load_params
from pku_eval.stats.clustered import risk_difference_clustered
from pku_eval.stats.sensitivity import (
    half_width_forecast,
    mi_risk_difference,
    missing_outcome_bounds,
    n_for_half_width,
)
from pku_eval.stats.weighting import ipw_difference
from pku_eval.values import SUPPRESSED

FINAL, INTERIM = "2017-06-30", "2015-10-31"  # the default params; demo extract 2017-06-30
P5 = load_params(min_cell=5)
ALL = ("offices", "participants", "outcomes", "se_log")
TRUTH = demo.PLANTED["employment"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("large_sensitivity")
    write_tables(d, demo.generate(participants=4000, seed=11), ALL)
    return d


@pytest.fixture(scope="module")
def large(data_dir):
    return em.compute(tidy.prepare(tidy.load(data_dir), FINAL), P5)


def test_coach_robust_interval_covers_the_planted_difference(large):
    got = large.value("employment.sensitivity.coach_robust")
    truth = TRUTH["treatment"] - TRUTH["internal_control"]
    assert got["ci_low"] < truth < got["ci_high"], (got, truth)
    # the estimate is the crude difference; only its interval changes
    assert got["estimate"] == pytest.approx(
        large.value("employment.risk_difference")["estimate"], abs=1e-12)
    assert got["n_coaches"] >= 2 and got["width_ratio"] == pytest.approx(
        (got["ci_high"] - got["ci_low"])
        / (got["ci_high_independent"] - got["ci_low_independent"]))
    # the demo plants a modest coach effect (demo.PLANTED["coach"]): the intervals change
    # a little (tests/test_demo_coach.py checks that they widen, at a larger size)
    assert 0.7 < got["width_ratio"] < 1.4


def test_coach_key_is_the_stats_function_with_the_chapters_options(large, data_dir):
    stage = tidy.prepare(tidy.load(data_dir), FINAL)
    rand = randomised(large)
    coach = sens.coach_of_participant(stage.table("se_log"))
    data = rand.assign(coach=rand["participant_id"].map(coach).where(
        rand["arm"] == "treatment"))
    r = risk_difference_clustered(data, "employed", "arm", "treatment", "internal_control",
                                  cluster="coach").iloc[0]
    got = large.value("employment.sensitivity.coach_robust")
    for k in ("estimate", "ci_low", "ci_high", "p_value", "width_ratio"):
        assert got[k] == pytest.approx(r[k], rel=1e-12)


def test_modal_coach():
    log = pd.DataFrame({"participant_id": ["P-1", "P-1", "P-1", "P-2", "P-2"],
                        "coach_id": ["C-B", "C-A", "C-B", "C-A", "C-B"]})
    assert sens.coach_of_participant(log).to_dict() == {"P-1": "C-B", "P-2": "C-A"}


def test_missing_outcome_bounds_mar_and_tipping_point(large):
    truth = TRUTH["treatment"] - TRUTH["internal_control"]
    b = large.value("employment.missing.bounds")
    assert b["lower"] <= b["estimate"] <= b["upper"]
    assert b["estimate"] == pytest.approx(
        large.value("employment.risk_difference")["estimate"], abs=1e-12)
    mar = large.value("employment.missing.mar")
    assert mar["ci_low"] < truth < mar["ci_high"], (mar, truth)
    assert b["lower"] <= mar["estimate"] <= b["upper"]
    assert mar["imputations"] == sens.IMPUTATIONS
    tip = large.values["employment.missing.tipping_point"]
    if tip.shown:  # the interval reaches 0 only after a shift
        assert 0 < tip.estimate["delta"] <= 1
    else:  # about 5% are missing (demo): no shift can overturn a clear effect
        assert b["lower"] > 0 and tip.reason == sens.R_NOT_TIPPED
    t = large.sensitivity.tipping
    assert t["estimate"].iloc[0] == pytest.approx(mar["estimate"], abs=1e-12)
    assert t["estimate"].is_monotonic_decreasing


def test_missing_keys_are_the_stats_functions_with_the_chapters_options(large):
    f = large.frame
    rand = f[(f["randomised"] == 1) & f["arm"].isin(["treatment", "internal_control"])]
    b = missing_outcome_bounds(rand, "employed", "arm", "treatment", "internal_control").iloc[0]
    got = large.value("employment.missing.bounds")
    for k in ("estimate", "lower", "upper"):
        assert got[k] == pytest.approx(b[k], rel=1e-12)
    pooled = em.computation._pool_rare(rand, list(em.CATEGORICAL))
    mar = mi_risk_difference(pooled, "employed", "arm", "treatment", "internal_control",
                             list(em.COVARIATES), m=sens.IMPUTATIONS, seed=P5.seed).iloc[0]
    got = large.value("employment.missing.mar")
    for k in ("estimate", "ci_low", "ci_high"):
        assert got[k] == pytest.approx(mar[k], rel=1e-12)


def test_external_ipw_is_exploratory_and_balances(large):
    got = large.value("employment.external_ipw")
    truth = TRUTH["treatment"] - TRUTH["external_control"]
    assert got["ci_low"] < truth < got["ci_high"], (got, truth)
    assert got["max_abs_diff_after"] <= got["max_abs_diff_before"]
    assert got["max_abs_diff_after"] < 0.1  # the usual balance threshold
    bal = large.sensitivity.balance
    assert {"covariate", "diff_unadjusted", "diff_adjusted", "base"} <= set(bal.columns)
    with_row = large.frame[large.frame["has_outcome"]]
    pair = em.computation._pool_rare(with_row[with_row["arm"].isin(
        ["treatment", "external_control"])], list(em.CATEGORICAL))
    r = ipw_difference(pair, "employed", "arm", "treatment", "external_control",
                       list(em.COVARIATES), estimand=sens.IPW_ESTIMAND).iloc[0]
    assert got["estimate"] == pytest.approx(r["estimate"], rel=1e-12)


def test_forecast_only_at_the_interim_and_narrower(data_dir, large):
    assert large.reason("employment.horizon.precision_forecast") == sens.R_NOT_INTERIM
    interim = em.compute(tidy.prepare(tidy.load(data_dir), INTERIM), P5)
    f = interim.value("employment.horizon.precision_forecast")
    assert 0 < f["half_width_final"] < f["half_width_now"]
    assert f["n_treatment_final"] > f["n_control_final"] > 0  # 60/40 allocation


def test_forecast_is_the_stats_functions_with_the_chapters_options(data_dir):
    """half_width_final and the sizes for the stated half-width are stats.half_width_forecast
    and stats.n_for_half_width (tests/test_stats_sensitivity.py: Newcombe's Wald interval) at
    the interim's risks by the horizon, with everyone randomised so far at today's share with
    register data and today's allocation."""
    interim = em.compute(tidy.prepare(tidy.load(data_dir), INTERIM), P5)
    f = interim.value("employment.horizon.precision_forecast")
    risk = {a: interim.value(f"employment.horizon.risk.{a}")
            for a in ("treatment", "internal_control")}
    frame = interim.frame
    rand = frame[(frame["randomised"] == 1)
                 & frame["arm"].isin(["treatment", "internal_control"])]
    n = {a: len(g) * g["has_outcome"].mean() for a, g in rand.groupby("arm")}
    assert f["half_width_final"] == pytest.approx(half_width_forecast(
        risk["treatment"], risk["internal_control"], n["treatment"],
        n["internal_control"]), rel=1e-12)
    need_t, need_c = n_for_half_width(risk["treatment"], risk["internal_control"],
                                      sens.FORECAST_HALF_WIDTH,
                                      ratio=n["internal_control"] / n["treatment"])
    assert f["target_half_width"] == sens.FORECAST_HALF_WIDTH == 0.05
    assert (f["n_treatment_needed"], f["n_control_needed"]) == (
        -(-need_t // 1), -(-need_c // 1))
    share = rand.groupby("arm")["has_outcome"].mean()
    assert f["n_randomised_needed"] >= need_t / share["treatment"] + need_c / share[
        "internal_control"]
    # more people than the final report will have exactly when its forecast is wider than ±5
    assert (f["n_treatment_needed"] > f["n_treatment_final"]) == (f["half_width_final"] > 0.05)


def test_without_se_log_the_coach_key_is_null_with_its_reason(tmp_path):
    d = tmp_path / "no_log"
    write_tables(d, demo.generate(participants=300, seed=3))
    res = em.compute(tidy.prepare(tidy.load(d), FINAL), P5)
    assert res.value("employment.sensitivity.coach_robust") is None
    assert res.reason("employment.sensitivity.coach_robust") == sens.R_NO_SE_LOG
    # the other analyses do not need the log (bounds are withheld when a withheld count of
    # missing participants could be worked out from them)
    bounds = res.values["employment.missing.bounds"]
    assert bounds.shown or bounds.reason == SUPPRESSED
    assert res.value("employment.missing.mar") is not None


def test_bounds_withheld_when_a_missing_count_is(large):
    counts = {a: large.values[f"employment.missing_outcome.{a}"]
              for a in ("treatment", "internal_control")}
    hidden = any(not c.shown and c.reason == SUPPRESSED for c in counts.values())
    assert large.values["employment.missing.bounds"].shown != hidden


def test_small_data_give_reasons_not_crashes(tmp_path):
    d = tmp_path / "small"
    write_tables(d, demo.generate(participants=40, seed=5), ALL)
    res = em.compute(tidy.prepare(tidy.load(d), FINAL), load_params(min_cell=5))
    for key in ("employment.sensitivity.coach_robust", "employment.missing.bounds",
                "employment.missing.mar", "employment.missing.tipping_point",
                "employment.external_ipw", "employment.horizon.precision_forecast"):
        v = res.values[key]
        assert v.shown or v.reason, key


def test_overlap_bins_withhold_small_counts_and_their_partner():
    from pku_eval.chapters.employment.figures_sensitivity import OVERLAP_BINS, overlap_bins
    from pku_eval.disclosure import Policy

    ps = pd.DataFrame({"arm": ["treatment"] * 22 + ["external_control"] * 30,
                       "ps": [0.52] * 2 + [0.61] * 8 + [0.72] * 12 + [0.31] * 30})
    bins = overlap_bins(ps, Policy(5))
    assert len(bins) == 2 * OVERLAP_BINS
    t = bins[bins["arm"] == "treatment"].set_index("low")["hidden"]
    # 2 people in 0.50–0.55 is withheld; alone it could be recovered from the arm's total,
    # so the next smallest (8 in 0.60–0.65) goes with it
    assert t.loc[0.5] and t.loc[0.6] and not t.loc[0.7] and t.sum() == 2
    assert not bins.loc[bins["arm"] == "external_control", "hidden"].any()
    assert bins.groupby("arm")["share"].sum().tolist() == pytest.approx([1.0, 1.0])


def test_overlap_figure_is_published_with_its_text_alternative(data_dir, large):
    from pku_eval.chapter import Chapter

    stage = tidy.prepare(tidy.load(data_dir), FINAL)
    shown = []
    ch = Chapter("employment", 1, stage, P5, None)
    ch._show = shown.append
    em.show_external_ipw(ch, large)
    page = "".join(shown)
    assert "tilbøyelighetsskår" in page.lower() and "<img" in page
    alt = page.split('alt="')[-1].split('"')[0]
    assert "Tiltak" in alt or "tiltak" in alt
    assert large.sensitivity.propensity["ps"].between(0, 1).all()


def test_negative_control_reading_recovers_the_planted_confounding(large):
    """Internal and external control both had usual follow-up; the demo plants a small
    difference between them (annual job hazards 0.18 and 0.165: the external comparison is
    confounded by a hazard ratio of 0.18/0.165 ≈ 1.09). The control check's adjusted hazard
    ratio covers it, and the reading follows its interval and the odds ratio's."""
    lam = demo.PLANTED["job_hazard_per_year"]
    truth = lam["internal_control"] / lam["external_control"]
    hr = large.value("time_to_work.external.control_check_hazard_ratio_adjusted")
    assert hr["ci_low"] < truth < hr["ci_high"], (hr, truth)
    got = large.value("employment.external.negative_control")
    or_ = large.value("employment.external.control_check_odds_ratio_adjusted")
    excl = {"odds_ratio_excludes_1": not or_["ci_low"] <= 1 <= or_["ci_high"],
            "hazard_ratio_excludes_1": not hr["ci_low"] <= 1 <= hr["ci_high"]}
    assert got == {"reading": "confounded" if any(excl.values()) else "no_clear_difference",
                   **excl}


def test_negative_control_reading_by_hand():
    from pku_eval.chapters.employment.computation import negative_control
    from pku_eval.values import Value

    clear = Value({"estimate": 1.5, "ci_low": 1.1, "ci_high": 2.0})
    null = Value({"estimate": 1.1, "ci_low": 0.8, "ci_high": 1.4})
    below = Value({"estimate": 0.6, "ci_low": 0.4, "ci_high": 0.9})
    assert negative_control(clear, null).estimate["reading"] == "confounded"
    assert negative_control(null, below).estimate == {
        "reading": "confounded", "odds_ratio_excludes_1": False,
        "hazard_ratio_excludes_1": True}
    assert negative_control(null, null).estimate["reading"] == "no_clear_difference"
    # only one ratio shown: read from it alone; neither: null with the reason
    assert negative_control(Value.null(SUPPRESSED), clear).estimate == {
        "reading": "confounded", "hazard_ratio_excludes_1": True}
    none = negative_control(Value.null(SUPPRESSED), Value.null(SUPPRESSED))
    assert none.estimate is None and none.reason == SUPPRESSED
