"""Chapter 'survey_waves', the job coaches (#16): the partially nested model per scale and wave
(``scales.<scale>.partially_nested.<wave>``) is the stats function (tested in
tests/test_stats_clustered.py) with the chapter's options, recovers the planted scale effects,
and is null with its reason when the SE log is missing or the main estimate is withheld."""

from __future__ import annotations

import pytest

from pku_eval import demo, tidy
from pku_eval.chapters import survey_waves as sw
from pku_eval.chapters.employment.sensitivity import coach_of_participant
from pku_eval.codebook import SURVEY_SCALES
from pku_eval.params import load_params
from pku_eval.stats.clustered import partially_nested_effect

PARAMS = load_params(waves=["T0", "T1", "T2"], min_cell=5, seed=2016, language="nb")
WAVES = ("T1", "T2")


def planted(scale: str, wave: str) -> float:
    change = demo.PLANTED["scale_change"][scale]
    return change["treatment"][wave] - change["internal_control"][wave]


@pytest.fixture(scope="module")
def data_dir(planted_dir):
    return planted_dir


@pytest.fixture(scope="module")
def stage(planted_stage):
    return planted_stage


@pytest.fixture(scope="module")
def large(planted_survey):
    return planted_survey


def test_planted_effects_inside_the_coach_aware_intervals(large):
    for scale in SURVEY_SCALES:
        for wave in WAVES:
            v = large.values[f"scales.{scale}.partially_nested.{wave}"]
            assert v.shown, (scale, wave, v.reason)
            e = v.estimate
            assert e["ci_low"] < planted(scale, wave) < e["ci_high"], (scale, wave, e)
            # the demo plants a modest coach effect (demo.PLANTED["coach"]): the intervals
            # widen a little (tests/test_demo_coach.py checks it at a larger size)
            assert 0.99 < e["width_ratio"] < 1.5 and 0 <= e["icc"] < 0.3
            assert e["n_coaches"] >= 2


def test_key_is_the_stats_function_with_the_chapters_options(large, stage):
    scale, wave = "mastery", "T2"
    long = sw.analyses.survey_long(stage, ["T0", "T1", "T2"])
    rand = sw.analyses._randomised(stage)
    trial = long[long["participant_id"].isin(rand["participant_id"])]
    base = trial.loc[trial["wave"] == "T0", ["participant_id", scale]].rename(
        columns={scale: "_t0"})
    data = trial[trial["wave"] == wave][["participant_id", "arm", "office", scale]].merge(
        base, on="participant_id").dropna(subset=[scale, "_t0"])
    coach = coach_of_participant(stage.table("se_log"))
    data = data.assign(coach=data["participant_id"].map(coach).where(
        data["arm"] == "treatment"))
    r = partially_nested_effect(data, scale, "arm", "treatment", "internal_control", "coach",
                                covariates=["_t0", "office"]).iloc[0]
    got = large.values[f"scales.{scale}.partially_nested.{wave}"].estimate
    for k in ("estimate", "ci_low", "ci_high", "p_value", "width_ratio"):
        assert got[k] == pytest.approx(r[k], rel=1e-9)


def test_without_se_log_the_keys_are_null_with_their_reason(tmp_path):
    d = tmp_path / "no_log"
    demo.write_demo(d, participants=400)
    (d / "se_log.csv").unlink()
    res = sw.compute(tidy.prepare(tidy.load(d), "2016-12-31"), PARAMS)
    v = res.values["scales.mastery.partially_nested.T1"]
    assert v.estimate is None and v.reason.startswith("no SE log")


def test_interim_wave_not_due_carries_the_main_models_reason(data_dir):
    res = sw.compute(tidy.prepare(tidy.load(data_dir), "2014-03-01"), PARAMS)
    main = res.values["scales.mastery.arm_by_wave.T2"]
    nested = res.values["scales.mastery.partially_nested.T2"]
    assert main.estimate is None and nested.reason == main.reason
