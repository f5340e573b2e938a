"""Chapter 'employers' (optional file): counts and shares by hand, the Wilson interval of the
share who would recommend, disclosure control, and a stage without the file (notice, nulls
with reasons, the notebook still runs)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pku_eval import config, stats, tidy
from pku_eval.chapter import Chapter
from pku_eval.chapters import employers as em

PARAMS = {"min_cell": 5, "seed": 2016, "language": "nb"}
SHOWS = (em.show_intro, em.show_respondents, em.show_items, em.show_recommend)
_LOADED: dict[Path, tidy.Dataset] = {}


def stage_of(d: Path, cutoff: str = "2016-12-31"):
    if d not in _LOADED:
        _LOADED[d] = tidy.load(d)
    return tidy.prepare(_LOADED[d], cutoff)


def render(stage, result, tmp_path: Path, params: dict = PARAMS) -> tuple[str, dict]:
    frag = tmp_path / "employers.json"
    ch = Chapter("employers", 1, stage, params, frag)
    shown: list[str] = []
    ch._show = shown.append
    em.record(ch, result)
    for show in SHOWS:
        show(ch, result)
    return "".join(shown), json.loads(frag.read_text(encoding="utf-8"))


@pytest.fixture
def hand_dir(data_copy) -> Path:
    """The demo data with a hand-made employer file of 12 answers."""
    rows = []
    for i in range(12):
        rows.append({"employer_id": f"E-{i + 1:04d}", "office": "moss" if i < 9 else "rygge",
                     "response_date": "2015-06-01", "sector": "private" if i < 8 else "public",
                     "size": "1-9" if i < 6 else "10-49",
                     **{f"followup_{j}": 4 for j in range(1, 7)},
                     "followup_1": 2 if i == 0 else (9 if i == 1 else 4),  # one "2", one 9
                     "would_recommend": 1 if i < 9 else 0})
    pd.DataFrame(rows).to_csv(data_copy / "employer_survey.csv", index=False)
    return data_copy


def test_counts_shares_and_recommend_by_hand(hand_dir):
    res = em.compute(stage_of(hand_dir), PARAMS)
    assert res.status == "ok" and res.n == 12 and res.n_private == 8
    low, high = stats.wilson_interval(9, 12)
    value, reason = res.results["employers.would_recommend"]
    assert reason is None
    assert value == pytest.approx({"estimate": 0.75, "ci_low": low, "ci_high": high, "n": 12})
    resp = res.respondents.set_index(["variable", "category"])["n"]
    assert resp.loc[("Sektor", "privat")] == 8 and resp.loc[("Kontor", "NAV Rygge")] == 3
    item1 = res.items.set_index("item").loc["followup_1"]
    assert item1["valid"] == 11                  # the 9 ("not answered") is missing
    assert item1["n_negative"] == 1 and item1["negative"] == pytest.approx(1 / 11)
    assert item1["positive"] == pytest.approx(10 / 11)


def test_disclosure_control_by_hand(hand_dir, tmp_path):
    res = em.compute(stage_of(hand_dir), PARAMS)
    item1 = res.items.set_index("item").loc["followup_1"]
    # one answer 1-2 is withheld, and so is the next smallest group (neutral has 0, so the
    # positive one), and the mean
    assert item1["base_negative"] == 1 and item1["base_positive"] == 1
    assert item1["base_mean"] == 1
    # Rygge (3 employers) withheld; with only one withheld office, Moss (9) is withheld too
    offices = res.respondents[res.respondents["variable"] == "Kontor"].set_index("category")
    assert offices.loc["NAV Rygge", "n_base"] == 1 and offices.loc["NAV Moss", "n_base"] == 1
    page, _ = render(stage_of(hand_dir), res, tmp_path)
    assert page.count('class="num suppressed"') >= 4
    assert "«Oppfølging 1»" not in page          # prose never quotes a withheld share


def test_secondary_suppression():
    hide = em.secondary_suppression(pd.Series([3, 12, 7, 0]), 5)
    assert hide.tolist() == [True, False, True, False]
    assert em.secondary_suppression(pd.Series([3, 2, 9]), 5).tolist() == [True, True, False]
    assert not em.secondary_suppression(pd.Series([0, 12, 7]), 5).any()


def test_default_demo(demo_dir, tmp_path):
    stage = stage_of(demo_dir)
    res = em.compute(stage, PARAMS)
    es = stage.table("employer_survey")
    x, n = int(es["would_recommend"].sum()), int(es["would_recommend"].notna().sum())
    value, _ = res.results["employers.would_recommend"]
    assert value["estimate"] == pytest.approx(x / n)
    assert (value["ci_low"], value["ci_high"]) == pytest.approx(stats.wilson_interval(x, n))
    page, frag = render(stage, res, tmp_path)
    assert page.count('class="pku-section"') == 3 and 'class="pku-figure"' in page
    assert "E-0" not in page.split("base64")[0]
    assert frag["values"]["employers.respondents"] == len(es)


def test_interim_uses_answers_up_to_the_cutoff(demo_dir):
    res = em.compute(stage_of(demo_dir, "2015-10-31"), PARAMS)
    full = em.compute(stage_of(demo_dir), PARAMS)
    assert 0 < res.n < full.n


def test_too_few_answers_suppressed(hand_dir):
    res = em.compute(stage_of(hand_dir), {**PARAMS, "min_cell": 13})
    assert res.status == "suppressed"
    assert res.results["employers.would_recommend"] == (None, "suppressed")


def test_no_answers_by_the_cutoff(hand_dir):
    res = em.compute(stage_of(hand_dir, "2015-05-31"), PARAMS)
    assert res.status == "no_rows"
    value, reason = res.results["employers.would_recommend"]
    assert value is None and "cut-off" in reason


@pytest.fixture
def without_file(demo_dir, tmp_path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(demo_dir, d)
    (d / "employer_survey.csv").unlink()
    return d


def test_stage_without_employer_survey(without_file, tmp_path):
    stage = stage_of(without_file)
    res = em.compute(stage, PARAMS)
    assert res.status == "no_file"
    page, frag = render(stage, res, tmp_path)
    assert 'class="pku-notice"' in page and "employer_survey" in page
    assert 'class="pku-table"' not in page
    assert frag["values"]["employers.would_recommend"] is None
    assert frag["null_reasons"]["employers.would_recommend"] == "no employer_survey file"


@pytest.mark.slow
@pytest.mark.parametrize("has_file", [True, False])
def test_notebook_end_to_end(demo_dir, without_file, tmp_path, has_file):
    import papermill as pm

    data = demo_dir if has_file else without_file
    frag = tmp_path / "employers_frag.json"
    pm.execute_notebook(str(config.NOTEBOOKS_DIR / "employers.ipynb"),
                        str(tmp_path / "employers.ipynb"),
                        parameters={"chapters": ["employers"], "stage": "final",
                                    "cutoff_date": "2016-12-31", "data_dir": str(data),
                                    "results_file": str(frag)},
                        kernel_name=config.KERNEL_NAME, progress_bar=False,
                        cwd=str(config.NOTEBOOKS_DIR))
    values = json.loads(frag.read_text(encoding="utf-8"))["values"]
    assert (values["employers.would_recommend"] is not None) == has_file
