"""The planted job-coach effect of the demo data (``demo.PLANTED["coach"]``, issue #16).

SE participants share a main coach; the demo plants a random coach intercept on the scale
scores at T1 and T2 and a within-coach correlation of the time to a first job. At a large
size the chapters' coach-aware analyses must find it: the partially nested model recovers the
planted coach SD and its interval is wider than the naive one, and the coach-robust (CR1)
risk difference is wider than the independent one. With no coach effect (the demo before
#16) the coach variance estimates are about 0 and the width ratios about 1, so these tests
fail.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from pku_eval import demo
from pku_eval.chapters.employment.sensitivity import coach_of_participant
from pku_eval.stats.clustered import partially_nested_effect, risk_difference_clustered

SCALES = {"mastery": (7, 4, (1, 3, 4, 6, 7), 5),  # items, top, reversed, min answered
          "satisfaction": (5, 5, (), 4),
          "participation": (4, 5, (), 3)}
PARTICIPANTS = 20000  # about 500 coaches; the module takes about 10 s


def scale_score(frame: pd.DataFrame, name: str, items: int, top: int, reversed_items,
                min_answered: int) -> pd.Series:
    """Scale score per DATA_CONTRACT.md: mean of reversed-where-needed items, min-items rule."""
    values = frame[[f"{name}_{i}" for i in range(1, items + 1)]].astype(float)
    values = values.where(~values.isin([8, 9]))
    for i in reversed_items:
        values[f"{name}_{i}"] = top + 1 - values[f"{name}_{i}"]
    return values.mean(axis=1).where(values.notna().sum(axis=1) >= min_answered)


@pytest.fixture(scope="module")
def large():
    t = demo.generate(participants=PARTICIPANTS, seed=11)
    people = t["participants"]
    randomised = people[(people["randomised"] == 1) & people["withdrawn_date"].isna()]
    return t, randomised, coach_of_participant(t["se_log"])


@pytest.fixture(scope="module")
def nested(large):
    """The partially nested model per scale and wave, as the survey_waves chapter fits it:
    ``score ~ arm + T0 score + office`` with a random coach intercept in the treatment arm."""
    t, randomised, coach = large
    survey = t["survey"][t["survey"]["participant_id"].isin(randomised["participant_id"])]
    for name, spec in SCALES.items():
        survey = survey.assign(**{name: scale_score(survey, name, *spec)})
    fits = {}
    for name in SCALES:
        base = survey.loc[survey["wave"] == "T0", ["participant_id", name]].rename(
            columns={name: "_t0"})
        for wave in ("T1", "T2"):
            data = (survey.loc[survey["wave"] == wave, ["participant_id", name]]
                    .merge(base, on="participant_id")
                    .merge(randomised[["participant_id", "arm", "office"]], on="participant_id")
                    .dropna(subset=[name, "_t0"]))
            data = data.assign(coach=data["participant_id"].map(coach).where(
                data["arm"] == "treatment"))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = partially_nested_effect(data, name, "arm", "treatment", "internal_control",
                                            "coach", covariates=["_t0", "office"]).iloc[0]
            per_coach = (data["arm"] == "treatment").sum() / r["n_clusters"]
            fits[name, wave] = (r, per_coach)
    return fits


def test_se_participants_have_a_main_coach_with_the_planted_caseload(large):
    t, _, coach = large
    people = t["participants"]
    offices = t["offices"].set_index("office")
    se = people[(people["arm"] == "treatment")
                & (people["office"].map(offices["method"]) == "se")]
    # all but those who withdrew before a first contact
    assert set(coach.index) <= set(se["participant_id"])
    assert len(coach) >= 0.999 * len(se)
    caseload = coach.value_counts()
    assert caseload.mean() == pytest.approx(demo.PLANTED["coach"]["caseload"], rel=0.1)


def test_partially_nested_model_recovers_the_planted_coach_sd(nested):
    # Tolerance: 4 approximate standard errors of the REML coach variance, from the balanced
    # one-way layout, SE(σ̂²_u) ≈ √(2/(G−1))·(σ²_u + σ²/m) with G coaches of m scored
    # participants each (checked over seeds: the z-scores below have SD about 1).
    for (name, wave), (r, m) in nested.items():
        planted = demo.PLANTED["coach"]["scale_sd"][name]
        assert r["n_clusters"] >= 400, (name, wave)
        se = np.sqrt(2 / (r["n_clusters"] - 1)) * (planted**2 + r["sd_residual"]**2 / m)
        z = (r["sd_cluster"] ** 2 - planted**2) / se
        assert abs(z) < 4, (name, wave, r["sd_cluster"], planted, z)
        assert r["sd_cluster"] == pytest.approx(planted, rel=0.3), (name, wave)


def test_coach_aware_intervals_are_wider(nested):
    for (name, wave), (r, _) in nested.items():
        assert r["width_ratio"] > 1.02, (name, wave, r["width_ratio"])
        # the treatment effect itself is the planted one
        change = demo.PLANTED["scale_change"][name]
        planted = change["treatment"][wave] - change["internal_control"][wave]
        assert r["ci_low"] < planted < r["ci_high"], (name, wave)


def test_coach_robust_risk_difference_is_wider(large):
    t, randomised, coach = large
    data = t["outcomes"].merge(randomised[["participant_id", "arm"]], on="participant_id")
    data = data.assign(employed=data["first_job_date"].notna().astype(int),
                       coach=data["participant_id"].map(coach).where(data["arm"] == "treatment"))
    r = risk_difference_clustered(data, "employed", "arm", "treatment", "internal_control",
                                  cluster="coach").iloc[0]
    # intra-coach correlation of "a job by the extract" about 0.06 with about 11 participants
    # per coach in the treatment arm: a design effect of about 1.6 there, the interval about
    # 10% wider
    assert r["width_ratio"] > 1.05, r["width_ratio"]
    planted = demo.PLANTED["employment"]
    assert r["ci_low"] < planted["treatment"] - planted["internal_control"] < r["ci_high"]


def test_coach_means_centre_on_the_planted_change():
    # the coach intercepts sum to zero over the coaches, so the coaches' mean change is the
    # planted one (up to the participants' own noise)
    t = demo.generate(participants=2000, seed=5)
    survey = t["survey"]
    coach = coach_of_participant(t["se_log"])
    name, spec = "satisfaction", SCALES["satisfaction"]
    score = scale_score(survey, name, *spec)
    t0 = score[survey["wave"] == "T0"].groupby(survey["participant_id"]).mean()
    t1 = score[survey["wave"] == "T1"].groupby(survey["participant_id"]).mean()
    change = (t1 - t0).dropna()
    change = change[change.index.isin(coach.index)]
    by_coach = change.groupby(change.index.map(coach)).mean()
    assert len(by_coach) >= 40
    planted = demo.PLANTED["scale_change"][name]["treatment"]["T1"]
    assert by_coach.mean() == pytest.approx(planted, abs=0.05)
