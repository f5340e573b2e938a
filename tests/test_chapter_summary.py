"""Chapter 'summary': readings generated from the numbers, null reasons shown, the interim →
final comparison (descriptive: the estimates side by side with their CIs and what changed, no
judgement whether a conclusion held, #16), the compare_with file, and the notebook end to end
on hand-made fragments."""

from __future__ import annotations

import copy
import dataclasses
import json

import pytest

from pku_eval import config
from pku_eval.chapter import Chapter
from pku_eval.chapters import summary as sm
from pku_eval.codebook import SURVEY_SCALES
from pku_eval.params import Params, load_params, write_params
from pku_eval.results import _set, skeleton
from pku_eval.values import Value

WAVES = ["T0", "T1", "T2"]
ALL_CHAPTERS = ["data_quality", "participants", "employment", "survey_waves", "se_practice",
                "learning_system", "summary"]


def est(estimate, lo, hi, p=0.04):
    return {"estimate": estimate, "ci_low": lo, "ci_high": hi, "p_value": p}


def results(stage: str = "final", chapters=ALL_CHAPTERS, **values) -> dict:
    """A results dict as the build makes it: the skeleton plus the given values
    (keyword ``a__b__c`` sets path ``a.b.c``; a value None keeps the skeleton's reason)."""
    res = skeleton(stage, WAVES, list(chapters))
    for key, value in values.items():
        path = key.replace("__", ".")
        if isinstance(value, tuple):  # (None, reason)
            _set(res, path, None)
            res["null_reasons"][path] = value[1]
            continue
        _set(res, path, value)
        res["null_reasons"].pop(path, None)
    return res


def params(stage="final", language="en", **kw) -> Params:
    return load_params(**{"stage": stage, "waves": WAVES, "language": language, "min_cell": 5,
                          **kw})


def row(summary: sm.Summary, key: str) -> sm.Row:
    return next(r for r in summary.rows if r.key == key)


# ------------------------------------------------------------------ readings

@pytest.mark.parametrize("kind, value, expected", [
    ("risk_difference", est(0.12, 0.03, 0.21), "positive"),
    ("risk_difference", est(-0.12, -0.21, -0.03), "negative"),
    ("risk_difference", est(0.05, -0.04, 0.14), "unclear"),
    ("risk_difference", est(0.05, 0.0, 0.14), "unclear"),   # touching 0 does not exclude it
    ("hazard_ratio", est(1.6, 1.1, 2.3), "positive"),         # null is 1 for a ratio
    ("hazard_ratio", est(1.3, 0.9, 1.9), "unclear"),
    ("hazard_ratio", est(0.6, 0.4, 0.9), "negative"),
    ("hazard_ratio", {"estimate": 1.3, "ci_low": None, "ci_high": None}, "no_ci"),
    ("learning", None, "na"),
    ("flags", [], "none"),
    ("flags", [{"code": "attrition"}, {"code": "differential_attrition"},
               {"code": "attrition"}], "attrition+differential_attrition"),
])
def test_conclusion_from_the_ci(kind, value, expected):
    assert sm.conclusion(kind, value) == expected


def test_reading_sentences():
    s = sm.compute(results(
        employment__risk_difference=est(0.12, 0.03, 0.21),
        time_to_work__hazard_ratio=est(1.3, 0.9, 1.9),
        scales__mastery__arm_by_wave__T2=est(-0.2, -0.35, -0.05),
        learning__arenas__difference=est(0.4, 0.3, 0.5),
        learning__sharing__difference=est(-0.1, -0.2, -0.01),
        learning__research__difference=est(0.05, -0.1, 0.2),
        scales__satisfaction__arm_by_wave__T2=(None, "suppressed"),
        quality__flags=[{"code": "attrition", "message": "m"}],
    ), params())
    assert row(s, "employment.risk_difference").reading == \
        "The CI excludes 0: a difference in favour of SE."
    assert row(s, "time_to_work.hazard_ratio").reading == \
        "The CI includes 1: no clear difference."
    assert row(s, "scales.mastery.arm_by_wave.T2").reading == \
        "The CI excludes 0: a difference in favour of the internal control arm."
    assert row(s, "learning.arenas.difference").reading == \
        "The CI excludes 0: an increase from before to after."
    assert row(s, "learning.sharing.difference").reading == \
        "The CI excludes 0: a decrease from before to after."
    assert row(s, "learning.research.difference").reading == \
        "The CI includes 0: no clear change."
    assert row(s, "scales.satisfaction.arm_by_wave.T2").reading == \
        "Not available: withheld to protect privacy (fewer than 5 people)."
    assert row(s, "quality.flags").reading == \
        "One flag: attrition (1). See the data-quality chapter."
    # the scale rows use the last wave of the params
    assert next(r.key for r in s.rows if r.kind == "arm_by_wave").endswith(".T2")
    s1 = sm.compute(results(), params(waves=["T0", "T1"]))
    assert next(r.key for r in s1.rows if r.kind == "arm_by_wave").endswith(".T1")


def test_null_reasons_come_from_the_results():
    s = sm.compute(results(chapters=["data_quality", "learning_system", "summary"],
                           learning__arenas__difference=(
                               None, "post round not yet answered by the cut-off")),
                   params(stage="interim"))
    assert row(s, "employment.risk_difference").reading == \
        "Not available: chapter 'employment' is not part of this report."
    assert row(s, "learning.arenas.difference").reason == \
        "post round not yet answered by the cut-off"
    assert row(s, "learning.sharing.difference").reading == \
        "Not available: not computed by the 'learning_system' chapter."
    nb = sm.compute(results(chapters=["summary"]), params(language="nb", stage="interim"))
    assert row(nb, "employment.risk_difference").reading == \
        "Ikke tilgjengelig: kapitlet «employment» er ikke med i denne rapporten."
    # a key absent from the results (an older results.json) is a null too
    res = results()
    del res["learning"]
    assert sm.compute(res, params(stage="interim")).rows[-2].conclusion == "na"


def test_numbers_are_formatted_per_kind():
    s = sm.compute(results(employment__risk_difference=est(0.123, 0.031, 0.2149, 0.0004)),
                   params(language="nb", stage="interim"))
    r = row(s, "employment.risk_difference")
    # p as everywhere in the report (text.fmt_p): a thin space after "<"
    assert sm._fmt_value(r.kind, r.value, "nb") == ("12,3", "3,1 til 21,5", "<\u202f0,001")
    assert sm._fmt_value("hazard_ratio", est(1.6, 1.1, 2.3, 0.012), "en") == \
        ("1.60", "1.10 to 2.30", "0.012")


# ------------------------------------------------------------------ comparison

def test_interim_to_final_comparison():
    interim = results(
        "interim",
        employment__risk_difference=est(0.08, -0.02, 0.18),       # unclear → positive
        time_to_work__hazard_ratio=est(1.5, 1.05, 2.1),            # positive → positive
        learning__arenas__difference=(None, "post round not yet answered by the cut-off"),
        quality__flags=[{"code": "attrition"}])
    final = results(
        employment__risk_difference=est(0.12, 0.04, 0.20),
        time_to_work__hazard_ratio=est(1.6, 1.2, 2.1),
        learning__arenas__difference=est(0.4, 0.3, 0.5),
        quality__flags=[{"code": "attrition"}, {"code": "attrition"}])
    s = sm.compute(final, params(compare_with="reports/interim/results.json"), interim=interim)
    assert s.comparison == "ok"
    rd = row(s, "employment.risk_difference")
    # side by side: both values with their intervals, and the change; no verdict
    assert rd.interim == est(0.08, -0.02, 0.18) and rd.value == est(0.12, 0.04, 0.20)
    assert rd.change == pytest.approx((0.12 - 0.08) * 100)  # percentage points
    assert not hasattr(rd, "held") and not hasattr(rd, "interim_conclusion")
    hr = row(s, "time_to_work.hazard_ratio")
    assert hr.in_both and hr.change == pytest.approx(0.1)
    la = row(s, "learning.arenas.difference")
    assert not la.in_both and la.change is None and la.interim is None
    fl = row(s, "quality.flags")
    assert fl.change == 1
    comparison = s.values["summary.comparison"].estimate
    assert comparison["kind"] == "descriptive"
    rows = {r["key"]: r for r in s.values["summary.rows"].estimate}
    assert rows["employment.risk_difference"]["interim_ci_low"] == -0.02
    assert rows["employment.risk_difference"]["interim_ci_high"] == 0.18
    assert not {"held", "interim_conclusion"} & set().union(*map(set, rows.values()))


def test_interim_stage_does_not_compare():
    s = sm.compute(results("interim"), params(stage="interim",
                                              compare_with="reports/interim/results.json"))
    assert s.comparison == "interim_stage"
    assert all(r.interim is None and r.change is None for r in s.rows)
    assert "kind" not in s.values["summary.comparison"].estimate


def test_compare_with_file(tmp_path, monkeypatch):
    interim = results("interim", time_to_work__hazard_ratio=est(1.5, 1.05, 2.1))
    (tmp_path / "reports" / "interim").mkdir(parents=True)
    (tmp_path / "reports" / "interim" / "results.json").write_text(json.dumps(interim))
    final = results(time_to_work__hazard_ratio=est(1.2, 0.9, 1.6))
    # relative to the project root
    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path)
    s = sm.compute(final, params(compare_with="reports/interim/results.json"))
    assert s.comparison == "ok" and row(s, "time_to_work.hazard_ratio").change == \
        pytest.approx(-0.3)
    # absolute
    s = sm.compute(final, params(
        compare_with=str(tmp_path / "reports" / "interim" / "results.json")))
    assert s.comparison == "ok"
    # missing, not set, unreadable
    assert sm.compute(final, params(compare_with="nowhere/results.json")).comparison == \
        "missing"
    assert sm.compute(final, params(compare_with=None)).comparison == "not_set"
    (tmp_path / "broken.json").write_text("{not json")
    assert sm.compute(final, params(compare_with=str(tmp_path / "broken.json"))).comparison \
        == "unreadable"


def test_filter_mismatch_is_noticed():
    interim = results("interim")
    interim["summary"] = {"filter": {}}
    s = sm.compute(results(), params(filter={"project": "klar"}), interim=interim)
    assert s.filter_mismatch == ({}, {"project": "klar"})


def test_result_is_frozen_and_compute_is_pure():
    interim = results("interim", employment__risk_difference=est(0.08, -0.02, 0.18))
    final = results(employment__risk_difference=est(0.12, 0.04, 0.20))
    prm = params(compare_with="reports/interim/results.json", filter={"project": "klar"})
    before = copy.deepcopy((final, interim, prm))
    s = sm.compute(final, prm, interim=interim)
    assert (final, interim, prm) == before
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.comparison = "missing"
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.rows[0].change = 1.0
    with pytest.raises(TypeError):
        s.values["summary.filter"] = Value({})
    assert isinstance(s.rows, tuple)
    holm_paths = {t for _, t in prm.analysis_plan.secondary_family(WAVES, SURVEY_SCALES)}
    assert set(s.values) == {"summary.rows", "summary.comparison", "summary.filter",
                             "summary.holm"} | holm_paths
    assert all(isinstance(v, Value) and (v.shown or v.reason) for v in s.values.values())
    assert s.values["summary.filter"].estimate == {"project": "klar"}
    assert s.values["summary.comparison"].estimate == {
        "status": "ok", "kind": "descriptive", "file": "reports/interim/results.json"}
    rows = {r["key"]: r for r in s.values["summary.rows"].estimate}
    assert rows["employment.risk_difference"]["interim_estimate"] == 0.08
    assert "held" not in rows["employment.risk_difference"]


# ------------------------------------------------------------------ pages and fragments

def _chapter(tmp_path, prm, fragments: dict[str, dict]) -> tuple[Chapter, list[str]]:
    frags = tmp_path / "fragments"
    frags.mkdir(exist_ok=True)
    for name, frag in fragments.items():
        (frags / f"{name}.json").write_text(json.dumps(frag), encoding="utf-8")
    ch = Chapter("summary", 7, None, dataclasses.replace(prm, chapters=tuple(ALL_CHAPTERS)),
                 frags / "summary.json")
    ch.fragments_dir = frags
    shown: list[str] = []
    ch._show = shown.append
    return ch, shown


FRAGMENTS = {
    "employment": {"values": {"employment.risk_difference": est(0.13, 0.04, 0.22, 0.005),
                              "time_to_work.hazard_ratio": est(1.7, 1.2, 2.4, 0.003)},
                   "null_reasons": {}},
    "learning_system": {"values": {"learning.arenas.difference": est(0.4, 0.28, 0.52, 1e-8),
                                   "learning.sharing.difference": None},
                        "null_reasons": {"learning.sharing.difference": "suppressed"}},
}


@pytest.mark.parametrize("stage, compare", [("final", True), ("final", False),
                                            ("interim", False)])
def test_pages_render(tmp_path, stage, compare):
    interim_file = tmp_path / "interim.json"
    interim_file.write_text(json.dumps(results(
        "interim", employment__risk_difference=est(0.06, -0.03, 0.15))))
    prm = params(stage=stage, language="nb",
                 compare_with=str(interim_file) if compare else str(tmp_path / "none.json"))
    ch, shown = _chapter(tmp_path, prm, FRAGMENTS)
    s = sm.compute(ch.build_results(), ch.params)
    ch.record(s)
    sm.show_goals(ch, s)
    sm.show_comparison(ch, s)
    page = "\n".join(shown)
    assert "KI-et utelukker 0: en forskjell i favør av SE." in page
    assert "skjult av personvernhensyn" in page
    frag = json.loads((tmp_path / "fragments" / "summary.json").read_text())
    rows = {r["key"]: r for r in frag["values"]["summary.rows"]}
    assert rows["employment.risk_difference"]["conclusion"] == "positive"
    assert rows["learning.sharing.difference"]["reason"] == "suppressed"
    if stage == "interim":
        assert "Dette er delrapporten" in page and ch._table == 1
    elif compare:
        assert ch._table == 2 and "beskrivende" in page
        # no verdict on the interim conclusion, in any wording
        assert "Konklusjonen holdt" not in page and "nei: ingen klar forskjell" not in page
        assert "holdt for" not in page
        assert "6,0 (−3,0 til 15,0)" in page and "13,0 (4,0 til 22,0)" in page
        assert "held" not in rows["employment.risk_difference"]
        assert rows["employment.risk_difference"]["change"] == pytest.approx(0.07)
    else:
        assert "finnes ikke" in page and ch._table == 1
        assert frag["values"]["summary.comparison"]["status"] == "missing"


@pytest.mark.slow
def test_notebook_end_to_end(tmp_path, demo_dir):
    import papermill as pm

    frags = tmp_path / "fragments"
    frags.mkdir()
    for name, frag in FRAGMENTS.items():
        (frags / f"{name}.json").write_text(json.dumps(frag), encoding="utf-8")
    interim_file = tmp_path / "interim.json"
    interim_file.write_text(json.dumps(results(
        "interim", time_to_work__hazard_ratio=est(1.4, 0.9, 2.2))))
    prm = write_params(load_params(chapters=ALL_CHAPTERS, stage="final",
                                   cutoff_date="2016-12-31", compare_with=str(interim_file)),
                       tmp_path / "params.json")
    pm.execute_notebook(str(config.NOTEBOOKS_DIR / "summary.ipynb"), str(tmp_path / "out.ipynb"),
                        kernel_name=config.KERNEL_NAME, progress_bar=False,
                        cwd=str(config.NOTEBOOKS_DIR),
                        parameters={"params_file": str(prm), "data_dir": str(demo_dir),
                                    "results_file": str(frags / "summary.json"),
                                    "fragments_dir": str(frags)})
    frag = json.loads((frags / "summary.json").read_text(encoding="utf-8"))
    rows = {r["key"]: r for r in frag["values"]["summary.rows"]}
    assert rows["time_to_work.hazard_ratio"]["conclusion"] == "positive"
    assert rows["time_to_work.hazard_ratio"]["interim_estimate"] == 1.4
    assert (rows["time_to_work.hazard_ratio"]["interim_ci_low"],
            rows["time_to_work.hazard_ratio"]["interim_ci_high"]) == (0.9, 2.2)
    assert "held" not in rows["time_to_work.hazard_ratio"]
    assert rows["learning.arenas.difference"]["estimate"] == 0.4
    assert frag["values"]["summary.comparison"]["status"] == "ok"
    nb = (tmp_path / "out.ipynb").read_text(encoding="utf-8")
    assert "Tabell 1.2" in nb and "Traceback" not in nb


def test_holm_adjusted_p_values_of_the_secondary_comparisons():
    """#16: the trial's secondary comparisons get Holm-adjusted p-values beside the raw ones
    (stats.multiplicity.holm, tested against R's p.adjust); the primary estimate and the
    learning survey are not in the family."""
    from pku_eval.stats.multiplicity import holm

    res = results(employment__risk_difference=est(0.12, 0.03, 0.21, 0.01),
                  time_to_work__hazard_ratio={"estimate": 1.5, "ci_low": 1.1, "ci_high": 2.0},
                  time_to_work__hazard_ratio_p_value=0.04,
                  scales__mastery__arm_by_wave__T2=est(0.3, 0.1, 0.5, 0.002),
                  employment__horizon__risk_difference={"estimate": 0.1, "ci_low": 0.02,
                                                        "ci_high": 0.2})
    s = sm.compute(res, params())
    holm_values = s.values["summary.holm"].estimate
    family = {k: v for k, v in holm_values.items()}
    assert "employment.risk_difference" in family
    assert "time_to_work.hazard_ratio" in family
    assert not any(k.startswith(("learning", "employment.horizon")) for k in family)
    raw = {}
    for r in s.rows:
        if r.key in family:
            raw[r.key] = (0.04 if r.key == "time_to_work.hazard_ratio"
                          else r.value["p_value"])
    expected = holm(list(raw.values()))["p_adjusted"].tolist()
    assert [family[k] for k in raw] == pytest.approx(expected)
    by_key = {r.key: r for r in s.rows}
    assert by_key["employment.risk_difference"].p_holm == family["employment.risk_difference"]
    assert by_key["employment.horizon.risk_difference"].p_holm is None
    # recorded beside the raw p-values, under the owning chapters' sections
    v = s.values
    assert v["employment.risk_difference_p_value_holm"].estimate == pytest.approx(
        family["employment.risk_difference"])
    assert v["time_to_work.hazard_ratio_p_value_holm"].estimate == pytest.approx(
        family["time_to_work.hazard_ratio"])
    assert v["scales.mastery.arm_by_wave_p_value_holm.T2"].estimate == pytest.approx(
        family["scales.mastery.arm_by_wave.T2"])
    assert v["scales.satisfaction.arm_by_wave_p_value_holm.T2"].estimate is None
    assert "no p-value" in v["scales.satisfaction.arm_by_wave_p_value_holm.T2"].reason


def test_holm_family_is_defined_once_in_the_analysis_plan():
    """The family comes from AnalysisPlan.SECONDARY: every member with a p-value is adjusted
    over exactly the members of the plan (R: p.adjust(c(0.01, 0.04, 0.03), "holm") =
    0.03, 0.06, 0.06; Holm 1979)."""
    from pku_eval.params import AnalysisPlan

    res = results(employment__risk_difference=est(0.12, 0.03, 0.21, 0.01),
                  time_to_work__hazard_ratio={"estimate": 1.5, "ci_low": 1.1, "ci_high": 2.0},
                  time_to_work__hazard_ratio_p_value=0.04,
                  scales__participation__arm_by_wave__T2=est(0.3, 0.1, 0.5, 0.03),
                  learning__arenas__difference=est(0.4, 0.1, 0.7, 0.0001))
    s = sm.compute(res, params())
    pairs = AnalysisPlan().secondary_family(WAVES, SURVEY_SCALES)
    assert list(s.values["summary.holm"].estimate) == [
        "employment.risk_difference", "time_to_work.hazard_ratio",
        "scales.participation.arm_by_wave.T2"]
    got = [s.values[t].estimate for _, t in pairs if s.values[t].shown]
    assert got == pytest.approx([0.03, 0.06, 0.06])
    # one p-value alone is no family: every Holm key null, with the reason
    alone = sm.compute(results(employment__risk_difference=est(0.1, 0.0, 0.2, 0.01)), params())
    assert all(alone.values[t].estimate is None and alone.values[t].reason for _, t in pairs)
