"""Chapter 'se_practice' under the chapter contract (issue #13): compute returns a frozen result
of Values, changes neither the stage data nor the params, and what is withheld is decided by the
suppression policy (the count of people who reached job search within 30 days)."""

from __future__ import annotations

import dataclasses
import json
import shutil

import pandas as pd
import pytest
from test_chapter_se_practice import PARAMS, SHOWS, contact, params, small_dir, stage_of

from pku_eval import tidy
from pku_eval.chapter import Chapter
from pku_eval.chapters import se_practice as se
from pku_eval.values import Value

__all__ = ["small_dir"]  # the fixture of the hand-made data, used here too


def test_result_is_frozen_and_every_key_a_value(demo_dir):
    res = se.compute(stage_of(demo_dir), PARAMS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.status = "changed"
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.values = {}
    assert set(res.values) == set(se.RESULT_KEYS)
    assert all(isinstance(v, Value) for v in res.values.values())
    with pytest.raises(TypeError):
        res.values["se_log.participants"] = Value(1)  # read-only mapping
    assert res.policy.min_cell == PARAMS.min_cell


@pytest.mark.parametrize("cutoff", ["2016-12-31", "2015-10-31"])
def test_compute_changes_neither_the_data_nor_the_params(demo_dir, cutoff):
    stage = stage_of(demo_dir, cutoff)
    frames = {"participants": stage.participants, "offices": stage.offices,
              **{name: stage.tables[name] for name in stage.tables}}
    before = {name: frame.copy(deep=True) for name, frame in frames.items()}
    given = dataclasses.replace(PARAMS)
    se.compute(stage, PARAMS)
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(frame, before[name], obj=name)
    assert PARAMS == given


@pytest.fixture
def one_rapid(small_dir, tmp_path):
    """The hand-made data, with P2 reaching job search (stage 3) 9 days after enrolment: one
    of the two SE participants did so within 30 days."""
    d = tmp_path / "data"
    shutil.copytree(small_dir, d)
    log = pd.read_csv(d / "se_log.csv", dtype=str)
    extra = pd.DataFrame([contact(7, "P-00002", "2016-06-10", "participant", stage=3)])
    pd.concat([log, extra.astype(str)]).to_csv(d / "se_log.csv", index=False)
    return tidy.prepare(tidy.load(d), "2016-12-31")


def test_rapid_job_search_of_a_small_count_is_withheld(one_rapid, tmp_path):
    """1 person of 2: shown with min_cell 1, withheld ('*', a null 'suppressed') with min_cell 2
    (the two participants themselves may be shown)."""
    shown = se.compute(one_rapid, params(min_cell=1)).values["se_log.rapid_job_search"]
    assert shown.estimate["x"] == 1 and shown.estimate["estimate"] == pytest.approx(0.5)

    res = se.compute(one_rapid, params(min_cell=2))
    assert res.status == "ok"
    assert res.values["se_log.rapid_job_search"] == Value.null("suppressed", n=2)
    assert res.values["se_log.participants"].estimate == 2
    table = se.indicator_table(res, "nb").set_index("indicator")
    assert (table["value"] == "*").sum() == 1

    ch = Chapter("se_practice", 1, one_rapid, params(min_cell=2), tmp_path / "frag.json")
    page: list[str] = []
    ch._show = page.append
    ch.record(res)
    for show in SHOWS:
        show(ch, res)
    frag = json.loads((tmp_path / "frag.json").read_text(encoding="utf-8"))
    assert frag["values"]["se_log.rapid_job_search"] is None
    assert frag["null_reasons"]["se_log.rapid_job_search"] == "suppressed"
    indicators = next(m for m in page if "pku-table" in m and "se_ind" not in m
                      and ch.t("se_ind_rapid") in m)
    assert '<td>*</td>' in indicators and "* = færre enn 2 personer" in indicators
