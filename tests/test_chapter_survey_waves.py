"""Chapter 'survey_waves': planted effects recovered, REPORT_SPEC definitions checked by hand,
interim/missing/suppressed cases, and the notebook end to end."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pku_eval import config, demo, tidy
from pku_eval.chapter import Chapter
from pku_eval.chapters import survey_waves as sw
from pku_eval.codebook import EMPLOYMENT_CODES, SCALES, SURVEY_SCALES
from pku_eval.disclosure import Policy
from pku_eval.params import load_params
from pku_eval.stats.mixed import arm_by_wave
from pku_eval.stats.reliability import cronbach_alpha

PARAMS = load_params(waves=["T0", "T1", "T2"], min_cell=5, seed=2016, language="nb")
PARAMS_POLICY = Policy(5)
SHOWS = ("show_intro", "show_reliability", "show_means", "show_model", "show_missing",
         "show_employment", "show_other_projects")  # show_missing ends with show_tipping


def planted(scale: str, wave: str) -> float:
    change = demo.PLANTED["scale_change"][scale]
    return change["treatment"][wave] - change["internal_control"][wave]


def run(stage, tmp_path: Path, params=PARAMS, show: bool = False):
    """compute + record (+ every show function); returns the result and the fragment."""
    frag = tmp_path / "survey_waves.json"
    frag.unlink(missing_ok=True)
    ch = Chapter("survey_waves", 1, stage, params, frag)
    res = sw.compute(stage, ch.params)
    ch.record(res)
    if show:
        for name in SHOWS:
            assert getattr(sw, name)(ch, res) is None  # nothing extra displayed
    return res, json.loads(frag.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def final_stage(demo_dir):
    return tidy.prepare(tidy.load(demo_dir), "2016-12-31")


@pytest.fixture(scope="module")
def final(final_stage, tmp_path_factory):
    return run(final_stage, tmp_path_factory.mktemp("final"), show=True)


@pytest.fixture(scope="module")
def large(planted_stage, tmp_path_factory):
    """The planted-effects data (5 000 participants), recorded as the chapter records them."""
    return run(planted_stage, tmp_path_factory.mktemp("large_out"))


# ----------------------------------------------------------------------------- planted effects

def test_planted_arm_by_wave_recovered(large):
    res, frag = large
    assert res.fast_engine  # more than FAST_ENGINE_ABOVE participants
    for scale in SURVEY_SCALES:
        for wave in ("T1", "T2"):
            value = frag["values"][f"scales.{scale}.arm_by_wave.{wave}"]
            assert set(value) == {"estimate", "ci_low", "ci_high", "p_value"}
            assert value["ci_low"] < planted(scale, wave) < value["ci_high"], (scale, wave)
            assert value["p_value"] < 0.05


def test_sensitivity_analyses_near_planted(large):
    res, frag = large
    for scale in SURVEY_SCALES:
        for wave in ("T1", "T2"):
            for name in ("complete_case", "multiple_imputation"):
                v = frag["values"][f"scales.{scale}.sensitivity.{name}.{wave}"]
                assert v["ci_low"] < planted(scale, wave) < v["ci_high"], (scale, wave, name)
    assert res.mi["m"] >= 5 and res.mi["n"] == res.mi["total"] <= sw.MI_MAX_PARTICIPANTS


def test_delta_tipping_mar_covers_planted_and_tips_below(large):
    # δ = 0 is the multiple imputation under MAR (ANCOVA over the imputations, Barnard–Rubin
    # df): it covers the planted effect; the planted effects are positive, so the conclusion
    # tips when the treatment arm's missing scores are lower than MAR implies
    res, frag = large
    for scale in SURVEY_SCALES:
        for wave in ("T1", "T2"):
            mar = frag["values"][f"scales.{scale}.sensitivity.mar_ancova.{wave}"]
            assert mar["ci_low"] < planted(scale, wave) < mar["ci_high"], (scale, wave)
            assert 0 < mar["fmi"] < 1 and mar["df"] > 0 and mar["imputations"] >= 5
            path = f"scales.{scale}.sensitivity.tipping_delta.{wave}"
            curve = res.tipping_curve[(res.tipping_curve["scale"] == scale)
                                      & (res.tipping_curve["wave"] == wave)].set_index("delta")
            if frag["values"][path] is None:  # robust over the scale's whole width
                assert "width of the scale" in frag["null_reasons"][path]
                assert (curve["ci_low"] > 0).all()
                continue
            tip = frag["values"][path]["delta"]
            assert tip < 0 and curve.loc[tip, "ci_low"] <= 0
            assert (curve.loc[tip + 0.005:0, "ci_low"] > 0).all()  # nearer 0: unchanged


def test_descriptive_change_of_other_projects_near_planted(large):
    res, _ = large
    change = res.change
    assert set(change["project"]) == {"ungjobb", "sortrondelag"}
    for _, r in change.iterrows():
        truth = demo.PLANTED["scale_change"][r["scale"]]["other_projects"][r["wave"]]
        se = (r["ci_high"] - r["ci_low"]) / (2 * 1.96)
        assert abs(r["estimate"] - truth) < 3.29 * se  # 99.9 %: 12 intervals are checked


# ----------------------------------------------------------------------------- definitions

def test_alpha_is_t0_all_answers_listwise_after_reversal(final, demo_dir):
    """REPORT_SPEC: alpha on the scale's items after reversal, all T0 answers (all arms and
    projects, withdrawn excluded), listwise — recomputed here from the raw files."""
    _, frag = final
    raw = pd.read_csv(demo_dir / "survey.csv")
    people = pd.read_csv(demo_dir / "participants.csv")
    kept = people.loc[people["withdrawn_date"].isna(), "participant_id"]
    t0 = raw[(raw["wave"] == "T0") & raw["participant_id"].isin(kept)]
    for scale in SURVEY_SCALES:
        spec = SCALES[scale]
        items = t0[list(spec.items)].astype(float).where(lambda x: ~x.isin([8, 9]))
        # written out here (the data contract), not read from the codebook under test
        reversed_items = {"mastery": ("mastery_1", "mastery_3", "mastery_4", "mastery_6",
                                      "mastery_7")}.get(scale, ())
        for item in reversed_items:
            items[item] = 5 - items[item]  # 1–4 items: 5 − x
        items = items.dropna().to_numpy()
        k = items.shape[1]
        by_hand = k / (k - 1) * (1 - items.var(axis=0, ddof=1).sum()
                                 / items.sum(axis=1).var(ddof=1))
        assert frag["values"][f"scales.{scale}.alpha"] == pytest.approx(by_hand, rel=1e-12)
        # the same stats function and options as the chapter
        assert by_hand == pytest.approx(
            cronbach_alpha(pd.DataFrame(items, columns=spec.items), list(spec.items))
            .loc[0, "estimate"], rel=1e-12)


def test_arm_by_wave_uses_randomised_klar_participants(final, demo_dir):
    """REPORT_SPEC: randomised KLAR participants, treatment vs internal control, withdrawn
    excluded, every available wave, office as covariate — built here from the raw files."""
    _, frag = final
    people = pd.read_csv(demo_dir / "participants.csv")
    offices = pd.read_csv(demo_dir / "offices.csv")
    people = people.merge(offices[["office", "project"]], on="office")
    trial = people[(people["project"] == "klar") & (people["randomised"] == 1)
                   & people["withdrawn_date"].isna()]
    stage = tidy.prepare(tidy.load(demo_dir), "2016-12-31")
    survey = stage.table("survey").merge(trial[["participant_id", "arm", "office"]],
                                         on="participant_id")
    for scale in SURVEY_SCALES:
        direct = arm_by_wave(survey, scale, "arm", "wave", "participant_id", "treatment",
                             "internal_control", covariates=("office",)).set_index("wave")
        for wave in ("T1", "T2"):
            value = frag["values"][f"scales.{scale}.arm_by_wave.{wave}"]
            assert value["estimate"] == pytest.approx(direct.loc[wave, "estimate"], rel=1e-9)
            assert value["ci_low"] == pytest.approx(direct.loc[wave, "ci_low"], rel=1e-9)


def test_default_final_demo_has_every_key(final):
    _, frag = final
    for scale in SURVEY_SCALES:
        assert isinstance(frag["values"][f"scales.{scale}.alpha"], float)
        for wave in ("T1", "T2"):
            assert frag["values"][f"scales.{scale}.arm_by_wave.{wave}"]["estimate"] is not None
    assert frag["null_reasons"] == {}


def test_employment_table_counts(final, final_stage):
    res, _ = final
    emp = res.employment
    sums = emp.groupby(["project", "wave", "arm"])["n"].sum()
    bases = emp.groupby(["project", "wave", "arm"])["base"].first()
    pd.testing.assert_series_equal(sums, bases, check_names=False)
    answered = final_stage.table("survey")
    assert emp["n"].sum() == answered["employment"].notna().sum()
    assert set(emp["employment"]) <= {"ordinary_paid", "subsidised", "education",
                                      "work_training", "none"}
    assert np.allclose(emp.groupby(["project", "wave", "arm"])["share"].sum(), 1)


# ----------------------------------------------------------------------------- the contract

def test_result_is_frozen_and_values_are_values(final):
    from pku_eval.values import Value

    res, frag = final
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.seed = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.values = {}
    with pytest.raises(TypeError):
        res.values["scales.mastery.alpha"] = Value(0.5)
    assert all(isinstance(v, Value) for v in res.values.values())
    # every value is recorded, as it is
    assert set(res.values) == set(frag["values"])
    for path, v in res.values.items():
        assert (frag["values"][path] is None) == (v.estimate is None), path
        if v.estimate is None:
            assert frag["null_reasons"][path] == v.reason
    assert res.policy.min_cell == PARAMS.min_cell


def _fingerprint(frame: pd.DataFrame) -> tuple:
    return (tuple(frame.columns), tuple(map(str, frame.dtypes)),
            int(pd.util.hash_pandas_object(frame.astype(str), index=True).sum()))


def test_compute_changes_neither_data_nor_params(final_stage):
    names = list(final_stage.tables)
    before = {n: _fingerprint(final_stage.tables[n]) for n in names}
    participants = _fingerprint(final_stage.participants)
    params = repr(PARAMS)
    sw.compute(final_stage, PARAMS)
    assert _fingerprint(final_stage.participants) == participants
    assert {n: _fingerprint(final_stage.tables[n]) for n in names} == before
    assert repr(PARAMS) == params


def test_suppressed_values_carry_their_base(final_stage):
    """A withheld value is decided by the policy: with min_cell above every arm, the trial's
    estimates and the reliability per wave are withheld with their base."""
    res = sw.compute(final_stage, load_params(min_cell=100000))
    for scale in SURVEY_SCALES:
        v = res.values[f"scales.{scale}.arm_by_wave.T1"]
        assert v.estimate is None and v.reason == "suppressed" and v.n > 0
        assert res.values[f"scales.{scale}.alpha"].reason == "suppressed"


def _employment_tables(stage) -> list[list[list[str]]]:
    import re

    shown = []
    ch = Chapter("survey_waves", 1, stage, PARAMS, None)
    ch._show = shown.append
    sw.show_employment(ch, sw.compute(stage, PARAMS))
    tables = []
    for markup in shown:
        for body in re.findall(r"<tbody>(.*?)</tbody>", markup, re.DOTALL):
            tables.append([[re.sub(r"<[^>]+>", "", c)
                            for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
                           for r in re.findall(r"<tr>(.*?)</tr>", body)])
    return tables


def _int(cell: str) -> int:
    return int("".join(ch for ch in cell if ch.isdigit()))


@pytest.mark.parametrize("cutoff", ["2015-10-31", "2016-12-31"])
def test_employment_counts_cannot_be_recovered_from_the_valid_answers(demo_dir, cutoff):
    """Each wave's 'valid answers' row is the total of the code counts below it: a lone
    withheld count would be that total minus the others, so none is alone (the demo data has
    such lines at both cut-offs)."""
    stage = tidy.prepare(tidy.load(demo_dir), cutoff)
    tables = _employment_tables(stage)
    assert len(tables) == 3
    withheld = 0
    for rows in tables:
        codes = len(EMPLOYMENT_CODES)
        for start in range(0, len(rows), codes + 1):
            block = rows[start:start + codes + 1]
            for col in range(2, len(block[0]), 2):  # the count columns
                total, counts = block[0][col], [r[col] for r in block[1:]]
                if total == "*":
                    continue
                marks = counts.count("*")
                withheld += marks
                assert marks != 1, (block[0][0], col, counts)
                if marks == 0:
                    assert sum(map(_int, counts)) == _int(total)
    assert withheld > 0


# ----------------------------------------------------------------------------- small data

@pytest.fixture(scope="module")
def early_stage(demo_dir):
    return tidy.prepare(tidy.load(demo_dir), "2014-09-30")


def test_early_cutoff_t2_not_yet_due(early_stage, tmp_path):
    _res, frag = run(early_stage, tmp_path, show=True)
    for scale in SURVEY_SCALES:
        assert frag["values"][f"scales.{scale}.arm_by_wave.T2"] is None
        assert (frag["null_reasons"][f"scales.{scale}.arm_by_wave.T2"]
                == "T2 not yet due at the cut-off 2014-09-30")
        assert frag["values"][f"scales.{scale}.arm_by_wave.T1"] is not None
        assert frag["values"][f"scales.{scale}.alpha"] is not None


def test_interim_cutoff_gives_values(demo_dir, tmp_path):
    stage = tidy.prepare(tidy.load(demo_dir), "2015-10-31")
    _res, frag = run(stage, tmp_path)
    for scale in SURVEY_SCALES:
        for wave in ("T1", "T2"):
            assert frag["values"][f"scales.{scale}.arm_by_wave.{wave}"] is not None


def test_arm_below_min_cell_is_suppressed(final_stage, tmp_path):
    stage = final_stage
    survey = stage.table("survey")
    control = set(stage.analysed.loc[stage.analysed["arm"] == "internal_control",
                                     "participant_id"])
    at_t2 = survey[(survey["wave"] == "T2") & survey["participant_id"].isin(control)]
    drop = at_t2.index[3:]  # three internal-control answers left at T2
    small = dataclasses.replace(stage, tables={**stage.tables, "survey": survey.drop(drop)})
    _res, frag = run(small, tmp_path, show=True)
    for scale in SURVEY_SCALES:
        assert frag["values"][f"scales.{scale}.arm_by_wave.T2"] is None
        assert frag["null_reasons"][f"scales.{scale}.arm_by_wave.T2"] == "suppressed"
        assert frag["values"][f"scales.{scale}.arm_by_wave.T1"] is not None
        assert frag["values"][f"scales.{scale}.sensitivity.complete_case.T2"] is None


def test_without_survey_file(data_copy, tmp_path):
    (data_copy / "survey.csv").unlink()
    stage = tidy.prepare(tidy.load(data_copy), "2016-12-31")
    res, frag = run(stage, tmp_path, show=True)
    assert res.absent is not None
    for scale in SURVEY_SCALES:
        for key in ("alpha", "arm_by_wave.T1", "arm_by_wave.T2"):
            assert frag["values"][f"scales.{scale}.{key}"] is None
            assert frag["null_reasons"][f"scales.{scale}.{key}"] == "survey file not present"


def test_waves_not_in_params_are_not_reported(early_stage, tmp_path):
    _, frag = run(early_stage, tmp_path,
                  params=load_params(waves=["T0", "T1"], min_cell=5, seed=2016, language="nb"))
    assert not any(k.endswith(".T2") for k in frag["values"])
    assert frag["values"]["scales.mastery.arm_by_wave.T1"] is not None


def test_mcar_subsample_is_seeded_and_documented(final_stage, monkeypatch):
    from pku_eval.chapters.survey_waves import analyses

    monkeypatch.setattr(analyses, "MCAR_MAX_ROWS", 300)
    long = sw.survey_long(final_stage, list(PARAMS.waves))
    a, b = sw.mcar_items(long, seed=1), sw.mcar_items(long, seed=1)
    assert (a["n"] == 300).all() and (a["total"] > 300).all()
    pd.testing.assert_frame_equal(a.drop(columns="missing"), b.drop(columns="missing"))


def test_delta_tipping_subsample_is_seeded_and_said(final_stage, tmp_path, monkeypatch):
    from pku_eval.chapters.survey_waves import tipping

    monkeypatch.setattr(tipping, "MAX_PARTICIPANTS", 120)
    shown = []
    ch = Chapter("survey_waves", 1, final_stage, PARAMS, None)
    ch._show = shown.append
    a = sw.compute(final_stage, PARAMS)
    b = sw.compute(final_stage, PARAMS)
    assert a.tipping_info["n"] == 120 < a.tipping_info["total"]
    pd.testing.assert_frame_equal(a.tipping.drop(columns="missing"),
                                  b.tipping.drop(columns="missing"))
    sw.show_tipping(ch, a)
    page = "".join(shown)
    assert "tilfeldig utvalg av 120" in page
    ok = a.tipping[a.tipping["missing"].isna() & a.tipping["tipping"].notna()].iloc[-1]
    from pku_eval.text import fmt_num

    assert fmt_num(abs(ok["tipping"]), 2, "nb") in page  # the words come from the values
    assert "vippepunkt" in page.lower() and 'alt="' in page


def test_mi_pools_with_barnard_rubin_df(final_stage, monkeypatch):
    # Rubin's rules get the complete-data df (participants − fixed effects), so the pooled df
    # are Barnard & Rubin's (1999), as mice's pool(dfcom = ...); rubin_pool itself is checked
    # against Heymans & Eekhout's worked example in tests/test_stats_imputation.py
    from pku_eval.chapters.survey_waves import analyses

    seen, original = [], analyses.rubin_pool

    def spy(data, *args, **kwargs):
        seen.append(kwargs.get("df_complete"))
        return original(data, *args, **kwargs)

    monkeypatch.setattr(analyses, "rubin_pool", spy)
    waves = list(PARAMS.waves)
    long = sw.survey_long(final_stage, waves)
    rand = analyses._randomised(final_stage)
    model, _ = sw.trial_model(final_stage, long, rand, waves, PARAMS_POLICY)
    analyses.sensitivity(final_stage, long, rand, model, waves, 2016)
    offices = rand["office"].nunique()
    fixed = 2 * len(waves) + offices - 1  # intercept, arm, wave and arm × wave, offices
    assert seen and all(d is not None and 0 < d <= len(rand) - fixed for d in seen)


def test_data_quality_shows_mcar(final_stage):
    from pku_eval.chapters import data_quality

    shown = []
    ch = Chapter("data_quality", 1, final_stage, PARAMS, None)
    ch._show = shown.append
    data_quality.show_mcar(ch)
    page = "".join(shown)
    assert "MCAR" in page and "Tabell 1.1" in page and page.count("<tr>") == 4


# ----------------------------------------------------------------------------- end to end

@pytest.mark.slow
def test_notebooks_end_to_end(demo_dir, tmp_path):
    import papermill as pm

    frag = tmp_path / "survey_waves.json"
    pm.execute_notebook(
        str(config.NOTEBOOKS_DIR / "survey_waves.ipynb"), str(tmp_path / "survey_waves.ipynb"),
        parameters={"data_dir": str(demo_dir), "results_file": str(frag)},
        kernel_name=config.KERNEL_NAME, progress_bar=False, cwd=str(config.NOTEBOOKS_DIR))
    fragment = json.loads(frag.read_text(encoding="utf-8"))
    values = fragment["values"]
    for scale in SURVEY_SCALES:
        assert values[f"scales.{scale}.alpha"] is not None
        for wave in ("T1", "T2"):
            estimate = values[f"scales.{scale}.arm_by_wave.{wave}"]
            assert all(v is not None for v in estimate.values())
    assert fragment["null_reasons"] == {}
    nb = json.loads((tmp_path / "survey_waves.ipynb").read_text(encoding="utf-8"))
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors


def test_a_small_group_without_variance_says_only_suppressed():
    """#14: in a small office's report, "item(s) ['mastery_1'] have no variance" told that
    everyone gave the same answer. Too few people are withheld before anything is computed,
    and an estimation failure is named by its reason code only, in the report's language."""
    import numpy as np

    from pku_eval.codebook import SCALES
    from pku_eval.disclosure import Policy

    n = 4
    long = pd.DataFrame({item: np.full(n, 3.0) for s in SCALES.values()
                         for item in s.items if s.name in ("mastery", "satisfaction",
                                                           "participation")})
    long["wave"] = pd.Categorical(["T0"] * n, categories=["T0"])
    table, _ = sw.reliability(long, Policy(5))
    reasons = [m.reason() for m in table["missing"] if m is not None]
    assert reasons and set(reasons) == {"suppressed"}
    table, _ = sw.reliability(long, Policy(1))  # allowed: the failure has no data in it
    shown = [m.show("nb") for m in table["missing"] if m is not None]
    assert shown and not any("mastery_" in s or "item" in s for s in shown)
    assert all("varierer ikke" in s for s in shown), shown
