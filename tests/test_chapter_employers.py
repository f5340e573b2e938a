"""Chapter 'employers' (optional file): counts and shares by hand, the Wilson interval of the
share who would recommend, disclosure control, and a stage without the file (notice, nulls
with reasons, the notebook still runs)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pku_eval import config, stats, tidy
from pku_eval.chapter import Chapter
from pku_eval.chapters import employers as em
from pku_eval.disclosure import Policy
from pku_eval.params import Params, load_params, write_params
from pku_eval.values import Value

PARAMS = load_params(min_cell=5, seed=2016, language="nb")
SHOWS = (em.show_intro, em.show_respondents, em.show_items, em.show_recommend)
_LOADED: dict[Path, tidy.Dataset] = {}


def stage_of(d: Path, cutoff: str = "2016-12-31"):
    if d not in _LOADED:
        _LOADED[d] = tidy.load(d)
    return tidy.prepare(_LOADED[d], cutoff)


def render(stage, result, tmp_path: Path, params: Params = PARAMS) -> tuple[str, dict]:
    frag = tmp_path / "employers.json"
    ch = Chapter("employers", 1, stage, params, frag)
    shown: list[str] = []
    ch._show = shown.append
    ch.record(result)
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
    assert res.status == "ok" and res.n == 12
    # 9 of 12 would recommend, so 3 would not: the share would give the 3 away (#14)
    assert res.values["employers.would_recommend"] == Value.null("suppressed", n=12)
    low, high = stats.wilson_interval(9, 12)
    from pku_eval.chapters.employers.computation import _recommend_row

    row = _recommend_row(pd.Series([1] * 9 + [0] * 3), "all")
    assert (row["estimate"], row["ci_low"], row["ci_high"]) == pytest.approx((0.75, low, high))
    assert res.values["employers.respondents"] == Value(12, n=12)
    # 8 private, 4 public: the table withholds the 4 and, with it, the 8; so does the prose
    assert res.private == Value.null("suppressed", n=8)
    resp = res.respondents.set_index(["variable", "category"])["n"]
    assert resp.loc[("Sektor", "privat")] == 8 and resp.loc[("Kontor", "NAV Rygge")] == 3
    item1 = res.items.set_index("item").loc["followup_1"]
    assert item1["valid"] == 11                  # the 9 ("not answered") is missing
    assert item1["n_negative"] == 1 and item1["negative"] == pytest.approx(1 / 11)
    assert item1["positive"] == pytest.approx(10 / 11)


def test_disclosure_control_by_hand(hand_dir, tmp_path):
    res = em.compute(stage_of(hand_dir), PARAMS)
    item1 = res.items.set_index("item").loc["followup_1"]
    hides = res.policy.hides
    # one answer 1-2 is withheld, and so is the next smallest group (neutral has 0, so the
    # positive one), and the mean
    assert hides(item1["base_negative"]) and hides(item1["base_positive"])
    assert not hides(item1["base_neutral"]) and hides(item1["base_mean"])
    assert not hides(res.items.set_index("item").loc["followup_2", "base_mean"])
    # Rygge (3 employers) withheld; with only one withheld office, Moss (9) is withheld too
    offices = res.respondents[res.respondents["variable"] == "Kontor"].set_index("category")
    assert hides(offices.loc["NAV Rygge", "n_base"]) and hides(offices.loc["NAV Moss", "n_base"])
    assert offices.loc["NAV Moss", "n"] == 9      # the count itself is kept; its cell withheld
    page, _ = render(stage_of(hand_dir), res, tmp_path)
    assert page.count('class="num suppressed"') >= 4
    assert "«Oppfølging 1»" not in page          # prose never quotes a withheld share


def test_secondary_suppression_is_the_policys_line_mask():
    """The chapter's rule for a line with a known total is the policy's."""
    p = Policy(5)
    assert p.line_mask(pd.Series([3, 12, 7, 0])).tolist() == [True, False, True, False]
    assert p.line_mask(pd.Series([3, 2, 9])).tolist() == [True, True, False]
    assert not p.line_mask(pd.Series([0, 12, 7])).any()
    assert not hasattr(em, "secondary_suppression")


def test_default_demo(demo_dir, tmp_path):
    stage = stage_of(demo_dir)
    res = em.compute(stage, PARAMS)
    es = stage.table("employer_survey")
    x, n = int(es["would_recommend"].sum()), int(es["would_recommend"].notna().sum())
    value = res.values["employers.would_recommend"].estimate
    assert value["estimate"] == pytest.approx(x / n)
    assert (value["ci_low"], value["ci_high"]) == pytest.approx(stats.wilson_interval(x, n))
    page, frag = render(stage, res, tmp_path)
    assert page.count('class="pku-section"') == 3 and 'class="pku-figure"' in page
    assert "E-0" not in page.split("base64")[0]
    assert frag["values"]["employers.respondents"] == len(es)


def _fingerprint(stage) -> str:
    """A hash of every table of the stage (values, index, columns, dtypes)."""
    h = hashlib.sha256()
    frames = {"participants": stage.participants, **{n: stage.tables[n] for n in stage.tables}}
    for name, df in sorted(frames.items()):
        h.update(name.encode())
        h.update(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes())
        h.update(repr((list(df.columns), [str(t) for t in df.dtypes])).encode())
    return h.hexdigest()


def test_result_is_frozen_and_compute_is_pure(hand_dir, tmp_path):
    stage = stage_of(hand_dir)
    before, params_before = _fingerprint(stage), dataclasses.asdict(PARAMS)
    res = em.compute(stage, PARAMS)
    assert _fingerprint(stage) == before and dataclasses.asdict(PARAMS) == params_before
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.status = "no_file"
    with pytest.raises(TypeError):
        res.values["employers.respondents"] = Value(1, n=1)
    assert all(isinstance(v, Value) for v in res.values.values())
    # showing does not change the result either
    items = res.items.copy()
    render(stage, res, tmp_path)
    pd.testing.assert_frame_equal(res.items, items)
    assert _fingerprint(stage) == before


def test_prose_withholds_a_sector_the_table_withholds(data_copy, tmp_path):
    """9 private and 3 public employers: the table withholds both sector cells (the 3, and
    the 9 with it), so the sentence does not give the 9 either (12 − 9 would reveal the 3)."""
    rows = [{"employer_id": f"E-{i + 1:04d}", "office": "moss", "response_date": "2015-06-01",
             "sector": "private" if i < 9 else "public", "size": "1-9",
             **{f"followup_{j}": 4 for j in range(1, 7)}, "would_recommend": 1}
            for i in range(12)]
    pd.DataFrame(rows).to_csv(data_copy / "employer_survey.csv", index=False)
    stage = stage_of(data_copy)
    res = em.compute(stage, PARAMS)
    assert res.private == Value.null("suppressed", n=9)
    page, _ = render(stage, res, tmp_path)
    who = page.split('class="pku-text"')[2].split("</p>")[0]
    assert "12" in who and "9" not in who and "*" in who


def test_interim_uses_answers_up_to_the_cutoff(demo_dir):
    res = em.compute(stage_of(demo_dir, "2015-10-31"), PARAMS)
    full = em.compute(stage_of(demo_dir), PARAMS)
    assert 0 < res.n < full.n


def test_too_few_answers_suppressed(hand_dir):
    res = em.compute(stage_of(hand_dir), load_params(min_cell=13, seed=2016, language="nb"))
    assert res.status == "suppressed"
    assert res.values["employers.would_recommend"] == Value.null("suppressed")


def test_no_answers_by_the_cutoff(hand_dir):
    res = em.compute(stage_of(hand_dir, "2015-05-31"), PARAMS)
    assert res.status == "no_rows"
    value = res.values["employers.would_recommend"]
    assert value.estimate is None and "cut-off" in value.reason


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
    prm = write_params(load_params(chapters=["employers"], stage="final",
                                   cutoff_date="2016-12-31"), tmp_path / "params.json")
    pm.execute_notebook(str(config.NOTEBOOKS_DIR / "employers.ipynb"),
                        str(tmp_path / "employers.ipynb"),
                        parameters={"params_file": str(prm), "data_dir": str(data),
                                    "results_file": str(frag)},
                        kernel_name=config.KERNEL_NAME, progress_bar=False,
                        cwd=str(config.NOTEBOOKS_DIR))
    values = json.loads(frag.read_text(encoding="utf-8"))["values"]
    assert (values["employers.would_recommend"] is not None) == has_file


def test_a_share_that_gives_away_those_who_would_not_is_withheld():
    """#14 (employers 250+: 8 × 62,5 %): a group's size and its share give both counts, so the
    share is withheld when those who would recommend *or those who would not* are fewer than
    min_cell; 100 % (nobody would not) is not disclosive."""
    import pandas as pd

    from pku_eval.chapters.employers.computation import _recommend_row
    from pku_eval.disclosure import Policy

    policy = Policy(5)
    five_of_eight = _recommend_row(pd.Series([1] * 5 + [0] * 3), "50–249")
    assert policy.too_few(five_of_eight["base"])
    six_of_six = _recommend_row(pd.Series([1] * 6), "250+")
    assert policy.enough(six_of_six["base"])
    ten_of_sixteen = _recommend_row(pd.Series([1] * 10 + [0] * 6), "privat")
    assert policy.enough(ten_of_sixteen["base"])
