"""Chapter 'survey_waves', the precision of the scale effects (#16):
``scales.<scale>.arm_by_wave_small_sample.<wave>`` (the pinned arm × wave model with a t
reference and Satterthwaite's degrees of freedom) and ``scales.<scale>.hedges_g.<wave>``
(Hedges' g of the change from T0) are the stats functions — tested against lmerTest in
tests/test_stats_mixed_small_sample.py and against metafor in tests/test_stats_effect_sizes.py
— with the chapter's options; they recover the planted effects of the demo data and carry the
main model's reason when it is not reported. At the interim,
``scales.<scale>.precision_forecast.<wave>`` forecasts the final report's half-width."""

from __future__ import annotations

import numpy as np
import pytest

from pku_eval import demo, tidy
from pku_eval.chapters import survey_waves as sw
from pku_eval.chapters.survey_waves.precision import DF_METHOD
from pku_eval.codebook import SURVEY_SCALES
from pku_eval.params import load_params
from pku_eval.stats.effect_sizes import hedges_g
from pku_eval.stats.mixed_fast import arm_by_wave_fast

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


def trial_long(stage):
    long = sw.analyses.survey_long(stage, ["T0", "T1", "T2"])
    rand = sw.analyses._randomised(stage)
    return long[long["participant_id"].isin(rand["participant_id"])]


def change_frame(trial, scale, wave):
    wide = trial[trial["wave"].isin(["T0", wave])].pivot_table(
        index=["participant_id", "arm"], columns="wave", values=scale, observed=True)
    wide.columns = wide.columns.astype(str)
    return (wide[wave] - wide["T0"]).dropna().rename("change").reset_index()


def test_planted_effects_inside_the_small_sample_intervals(large):
    for scale in SURVEY_SCALES:
        for wave in WAVES:
            e = large.values[f"scales.{scale}.arm_by_wave_small_sample.{wave}"].estimate
            assert e["ci_low"] < planted(scale, wave) < e["ci_high"], (scale, wave, e)
            wald = large.values[f"scales.{scale}.arm_by_wave.{wave}"].estimate
            # the same estimate; a t reference is never narrower than the normal one
            assert e["estimate"] == pytest.approx(wald["estimate"], abs=1e-6)
            assert e["ci_low"] <= wald["ci_low"] + 1e-6 and e["ci_high"] >= wald["ci_high"] - 1e-6
            assert e["df"] > 100  # thousands of participants: close to normal


def test_small_sample_key_is_the_stats_function_with_the_chapters_options(large, stage):
    scale, wave = "mastery", "T2"
    trial = trial_long(stage)
    data = trial[trial[scale].notna() & trial["wave"].isin(["T0", *WAVES])]
    r = arm_by_wave_fast(data, scale, "arm", "wave", "participant_id", "treatment",
                         "internal_control", baseline="T0", covariates=("office",),
                         df_method="satterthwaite").set_index("wave").loc[wave]
    assert DF_METHOD == "satterthwaite"
    got = large.values[f"scales.{scale}.arm_by_wave_small_sample.{wave}"].estimate
    for k in ("estimate", "ci_low", "ci_high", "p_value", "df"):
        assert got[k] == pytest.approx(float(r[k]), rel=1e-12), k


def test_hedges_g_is_the_stats_function_and_recovers_the_planted_change(large, stage):
    trial = trial_long(stage)
    for scale in SURVEY_SCALES:
        for wave in WAVES:
            change = change_frame(trial, scale, wave)
            r = hedges_g(change, "change", "arm", "treatment", "internal_control").iloc[0]
            got = large.values[f"scales.{scale}.hedges_g.{wave}"]
            for k in ("estimate", "ci_low", "ci_high"):
                assert got.estimate[k] == pytest.approx(float(r[k]), rel=1e-12)
            assert got.n == len(change)
            # the planted difference in mean change, standardised by the observed SD
            truth = planted(scale, wave) / r["sd_pooled"]
            assert got.estimate["ci_low"] < truth < got.estimate["ci_high"], (scale, wave)


def test_a_trial_the_size_of_klar_gets_wider_intervals(tmp_path):
    """About 270 randomised participants (the real KLAR trial had 268): Satterthwaite's
    degrees of freedom are finite and the interval is wider than the pinned Wald one."""
    d = tmp_path / "klar_size"
    demo.write_demo(d, participants=560)
    res = sw.compute(tidy.prepare(tidy.load(d), "2016-12-31"), PARAMS)
    n_randomised = sum(res.n_randomised.values())
    assert 200 < n_randomised < 350
    widths = []
    for scale in SURVEY_SCALES:
        small = res.values[f"scales.{scale}.arm_by_wave_small_sample.T2"].estimate
        wald = res.values[f"scales.{scale}.arm_by_wave.T2"].estimate
        assert np.isfinite(small["df"]) and small["df"] < 2 * n_randomised
        widths.append((small["ci_high"] - small["ci_low"]) / (wald["ci_high"] - wald["ci_low"]))
    assert all(1 < w < 1.05 for w in widths), widths


def test_a_wave_not_yet_due_carries_the_main_reason(data_dir):
    early = sw.compute(tidy.prepare(tidy.load(data_dir), "2014-03-01"), PARAMS)
    for scale in SURVEY_SCALES:
        main = early.values[f"scales.{scale}.arm_by_wave.T2"]
        for key in ("arm_by_wave_small_sample", "hedges_g"):
            v = early.values[f"scales.{scale}.{key}.T2"]
            assert not main.shown and not v.shown and v.reason == main.reason, (scale, key)


def test_interim_precision_forecast_of_the_scale_effects(data_dir, large):
    """At the interim (2015-10-31) many randomised participants have not reached T2: the
    forecast half-width is the interval now scaled (stats.half_width_at_sizes, tested against
    Newcombe's Wald interval) to everyone randomised so far at today's response; the final
    report has none."""
    from pku_eval.stats.sensitivity import half_width_at_sizes
    from pku_eval.tidy import due_waves

    stage = tidy.prepare(tidy.load(data_dir), "2015-10-31")
    params = load_params(stage="interim", waves=["T0", "T1", "T2"], min_cell=5, seed=2016)
    res = sw.compute(stage, params)
    rand = sw.analyses._randomised(stage)
    due = due_waves(rand, stage.table("survey"), stage.cutoff, ["T0", "T1", "T2"])
    for scale in SURVEY_SCALES:
        for wave in WAVES:
            f = res.values[f"scales.{scale}.precision_forecast.{wave}"].estimate
            main = res.values[f"scales.{scale}.arm_by_wave.{wave}"].estimate
            m = res.model.set_index(["scale", "wave"]).loc[(scale, wave)]
            at = due[(due["wave"] == wave) & due["due"]]
            final = {a: (rand["arm"] == a).sum() * m[f"n_{k}"] / (at["arm"] == a).sum()
                     for a, k in (("treatment", "treatment"), ("internal_control", "control"))}
            assert f["half_width_now"] == pytest.approx((main["ci_high"] - main["ci_low"]) / 2)
            assert f["half_width_final"] == pytest.approx(half_width_at_sizes(
                f["half_width_now"], m["n_treatment"], m["n_control"], final["treatment"],
                final["internal_control"]), rel=1e-12)
            assert f["half_width_final"] < f["half_width_now"]   # more will have answered
    assert not [k for k in large.values if "precision_forecast" in k]   # the final stage


@pytest.mark.parametrize("language", ["nb", "en"])
def test_precision_section_renders_the_recorded_values(demo_dir, language):
    from pku_eval.chapter import Chapter
    from pku_eval.text import fmt_num

    for stage_name, cutoff in (("final", "2016-12-31"), ("interim", "2015-10-31")):
        stage = tidy.prepare(tidy.load(demo_dir), cutoff)
        params = load_params(stage=stage_name, waves=["T0", "T1", "T2"], min_cell=5,
                             seed=2016, language=language)
        ch = Chapter("survey_waves", 3, stage, params, None)
        shown: list[str] = []
        ch._show = shown.append
        res = sw.compute(stage, params)
        sw.show_precision(ch, res)
        page = "\n".join(shown)
        assert "Satterthwaite" in page and "Hedges" in page and "<table" in page
        dfs = [v.estimate["df"] for k, v in res.values.items()
               if ".arm_by_wave_small_sample." in k and v.shown]
        assert fmt_num(min(dfs), 0, language) in page
        forecast = {"nb": "Presisjon i sluttrapporten", "en": "Precision at the final report"}
        assert (forecast[language] in page) == (stage_name == "interim")
