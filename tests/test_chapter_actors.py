"""Chapter 'actors': definitions checked by hand (REPORT_SPEC.md "Actor means"), the planted
change of the demo recovered, disclosure control of small parties, nulls with reasons (no file,
the survey not yet carried out at the interim cut-off, a report filtered to one office), and
every page renders in nb and en."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from test_chapter_learning_system import stage_from_tables

from pku_eval import demo
from pku_eval.chapter import Chapter
from pku_eval.chapters import actors
from pku_eval.codebook import ACTOR_ROUNDS, ACTOR_SCALES, SCALES
from pku_eval.params import load_params
from pku_eval.values import SUPPRESSED

PARAMS = load_params(min_cell=5, language="nb")
PLANTED = demo.PLANTED["actors"]
REQUIRED = [f"actors.{s}.{r}.mean" for s in ACTOR_SCALES for r in ACTOR_ROUNDS] + \
    [f"actors.{s}.change" for s in ACTOR_SCALES]


def hand_tables() -> dict:
    """Six respondents: A-1..A-4 answer the first round, A-3..A-6 the second (two linked);
    every item of a scale equal, so the scale score is that value."""
    t = demo.generate(participants=demo.MIN_PARTICIPANTS, seed=1)
    rows = []
    levels = {"first": {"A-0001": 2, "A-0002": 3, "A-0003": 4, "A-0004": 3},
              "second": {"A-0003": 5, "A-0004": 4, "A-0005": 4, "A-0006": 3}}
    for rnd, who in levels.items():
        for rid, level in who.items():
            row = {"respondent_id": rid, "round": rnd,
                   "response_date": pd.Timestamp("2016-04-10" if rnd == "first" else "2017-04-10"),
                   "project": "klar", "party": "praksis", "overall": level}
            for scale in ACTOR_SCALES:
                for item in SCALES[scale].items:
                    row[item] = level
            rows.append(row)
    a = pd.DataFrame(rows)
    a.loc[0, "collaboration_1"] = 8   # "don't know": missing, 4 of 5 still make the scale
    a.loc[0, "collaboration_2"] = 9   # ... and now 3 of 5: no collaboration score
    return {"offices": t["offices"], "participants": t["participants"],
            "actor_survey": a[t["actor_survey"].columns]}


def test_hand_checkable_definitions():
    res = actors.compute(stage_from_tables(hand_tables(), "2017-06-30"), load_params(min_cell=1))
    v = res.values
    # collaboration: A-0001 has only 3 of 5 items (8 and 9 are missing): no score
    assert v["actors.collaboration.first.mean"].estimate == pytest.approx((3 + 4 + 3) / 3)
    assert v["actors.learning.first.mean"].estimate == pytest.approx((2 + 3 + 4 + 3) / 4)
    assert v["actors.learning.second.mean"].estimate == pytest.approx((5 + 4 + 4 + 3) / 4)
    welch = sps.ttest_ind([5, 4, 4, 3], [2, 3, 4, 3], equal_var=False)
    change = v["actors.learning.change"].estimate
    assert change["estimate"] == pytest.approx(1.0)
    assert change["p_value"] == pytest.approx(welch.pvalue)
    paired = v["actors.learning.paired"].estimate   # A-0003: 4 -> 5, A-0004: 3 -> 4
    assert paired["estimate"] == pytest.approx(1.0) and paired["n_pairs"] == 2
    assert res.n_linked == 2 and v["actors.linked"].estimate == 2
    assert v["actors.respondents.first"].estimate == 4


def test_small_parties_are_withheld():
    res = actors.compute(stage_from_tables(hand_tables(), "2017-06-30"), load_params(min_cell=5))
    for path in REQUIRED:
        assert res.values[path].reason == SUPPRESSED, path
    assert not res.response.loc[res.response["n_first"] > 0, "hidden_first"].eq(False).any()


@pytest.fixture(scope="module")
def large():
    return actors.compute(stage_from_tables(demo.generate(participants=20000, seed=5),
                                            "2017-06-30"), PARAMS)


@pytest.mark.parametrize("scale", ACTOR_SCALES)
def test_planted_change_recovered(large, scale):
    change = large.values[f"actors.{scale}.change"].estimate
    assert change["ci_low"] - 0.03 < PLANTED["change"][scale] < change["ci_high"] + 0.03
    paired = large.values[f"actors.{scale}.paired"].estimate
    assert abs(paired["estimate"] - PLANTED["change"][scale]) < 0.08


def test_projects_keep_their_planted_order(large):
    bp = large.by_project
    for scale in ACTOR_SCALES:
        m = bp[bp["scale"] == scale].set_index("project")["mean_first"]
        planted = PLANTED["level"][scale]
        assert list(m.sort_values().index) == sorted(planted, key=planted.get)
    party = large.by_party
    m = party[party["scale"] == "collaboration"].set_index("party")["mean_first"]
    assert m["bruker"] < m["praksis"] < m["forskning"]   # the planted party shifts


def test_default_demo_final_has_every_key():
    res = actors.compute(stage_from_tables(demo.generate(), "2017-06-30"), PARAMS)
    for path in REQUIRED:
        assert res.values[path].shown, (path, res.values[path])
    assert res.reliability["estimate"].between(0.6, 0.95).all()


@pytest.mark.parametrize("cutoff, filter, status, reason", [
    ("2015-10-31", None, "not_yet", actors.NOT_YET),
    ("2017-06-30", {"office": "haugesund"}, "per_project", actors.PER_PROJECT),
])
def test_interim_and_office_reports_have_null_keys_with_reasons(cutoff, filter, status, reason):
    stage = stage_from_tables(demo.generate(), cutoff, filter)
    res = actors.compute(stage, load_params(min_cell=5, filter=filter))
    assert res.status == status
    for path in REQUIRED:
        assert res.values[path].estimate is None and res.values[path].reason == reason


def test_project_filter_keeps_that_project():
    stage = stage_from_tables(demo.generate(), "2017-06-30", {"project": "ungjobb"})
    res = actors.compute(stage, load_params(min_cell=5, filter={"project": "ungjobb"}))
    assert res.status == "ok" and set(res.response["project"]) == {"ungjobb"}


def test_first_round_only_between_the_rounds():
    res = actors.compute(stage_from_tables(demo.generate(), "2016-12-31"), PARAMS)
    assert res.values["actors.learning.first.mean"].shown
    assert res.values["actors.learning.change"].reason.startswith("second round not yet")


@pytest.mark.parametrize("case", ["final_nb", "final_en", "interim", "no_file", "office"])
def test_pages_render_in_every_state(case, tmp_path):
    tables = demo.generate()
    if case == "no_file":
        del tables["actor_survey"]
    cutoff = "2015-10-31" if case == "interim" else "2017-06-30"
    filter = {"office": "moss"} if case == "office" else None
    lang = "en" if case == "final_en" else "nb"
    stage = stage_from_tables(tables, cutoff, filter)
    frag = tmp_path / "frag.json"
    ch = Chapter("actors", 1, stage, load_params(min_cell=5, language=lang, filter=filter), frag)
    shown = []
    ch._show = shown.append
    res = actors.compute(ch.data, ch.params)
    ch.record(res)
    for show in (actors.show_status, actors.show_response, actors.show_reliability,
                 actors.show_change, actors.show_groups, actors.show_projects,
                 actors.show_items):
        show(ch, res)
    page = "\n".join(shown)
    values = json.loads(frag.read_text())
    if case.startswith("final"):
        assert ch._table == 5 and ch._figure == 2
        assert values["null_reasons"] == {}
        wording = "equal partnership" if lang == "en" else "likeverdig partnerskap"
        assert wording in page  # drawn in the figure, and in its text alternative
    else:
        assert ch._table == 0 and ch._figure == 0
        assert all(values["values"][p] is None for p in REQUIRED)
        notice = {"interim": "ennå ikke", "no_file": "finnes ikke", "office": "ett kontor"}[case]
        assert notice in page


def test_item_shares_add_up():
    res = actors.compute(stage_from_tables(demo.generate(), "2017-06-30"), PARAMS)
    shares = res.items[[f"p{k}" for k in range(1, 6)]].sum(axis=1)
    assert np.allclose(shares, 1.0)


def test_summary_table_gains_the_kor_and_actor_key_figures():
    from pku_eval.chapters.summary.computation import key_figures, reading

    keys = [k for k, _, _ in key_figures(["T0", "T1", "T2"])]
    assert "kor.ors_change" in keys
    assert all(f"actors.{s}.change" in keys for s in ACTOR_SCALES)
    assert keys.index("kor.ors_change") < keys.index("quality.flags")
    # a null from the interim reads in the report's language, not as the machine reason
    for lang, words in (("nb", "ikke gjennomført"), ("en", "not been carried out")):
        assert words in reading("actors", None, actors.NOT_YET, lang, 5)
    assert "ett kontor" in reading("actors", None, actors.PER_PROJECT, "nb", 5)
    up = {"estimate": 0.3, "ci_low": 0.1, "ci_high": 0.5, "p_value": 0.01}
    assert "økning" in reading("actors", up, None, "nb", 5)
    assert "ORS" in reading("kor", up, None, "en", 5)
