"""Chapter 'kor': definitions checked by hand (REPORT_SPEC.md "KOR participants"), the planted
effects of the demo recovered, disclosure control, nulls with reasons (no file, no KOR office,
no sessions by the cut-off), and every page renders in nb and en."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
from test_chapter_learning_system import stage_from_tables

from pku_eval import demo
from pku_eval.chapter import Chapter
from pku_eval.chapters import kor
from pku_eval.codebook import ORS_ITEMS, SRS_ITEMS
from pku_eval.params import load_params
from pku_eval.results import KOR_KEYS
from pku_eval.values import SUPPRESSED

PARAMS = load_params(min_cell=5, language="nb")
PLANTED = demo.PLANTED["kor"]


def sessions(pid: str, dates: list[str], ors: list[float | None], srs: list[float | None]):
    """Rows of session_feedback: each total split evenly over the four items (None: one item
    empty)."""
    rows = []
    for no, (date, o, s) in enumerate(zip(dates, ors, srs, strict=True), start=1):
        row = {"participant_id": pid, "session_date": pd.Timestamp(date), "session_no": no}
        for items, total in ((ORS_ITEMS, o), (SRS_ITEMS, s)):
            for j, item in enumerate(items):
                row[item] = np.nan if total is None and j == 0 else (total or 0) / 4
        rows.append(row)
    return rows


def hand_tables() -> dict:
    t = demo.generate(participants=demo.MIN_PARTICIPANTS, seed=1)
    offices = t["offices"]
    people = pd.DataFrame([
        # id, office, arm, enrolled, withdrawn
        ("K-00001", "haugesund", "treatment", "2015-01-01", None),
        ("K-00002", "haugesund", "treatment", "2015-01-01", None),
        ("K-00003", "haugesund", "treatment", "2015-01-01", None),
        ("K-00004", "haugesund", "treatment", "2015-01-01", "2015-06-01"),   # withdrawn
        ("K-00005", "haugesund", "treatment", "2015-01-01", None),
        ("K-00006", "karmoy", "treatment", "2015-01-01", None),              # not a KOR office
    ], columns=["participant_id", "office", "arm", "enrolled_date", "withdrawn_date"])
    people = people.assign(randomised=0, birth_year=1995, gender="mann", main_benefit="aap",
                           education="vgs", immigrant=0)
    for col in ("enrolled_date", "withdrawn_date"):
        people[col] = pd.to_datetime(people[col])
    rows = []
    # first 20, last 30: change +10, reliable, clinically significant (crosses 25)
    rows += sessions("K-00001", ["2015-02-01", "2015-03-01", "2015-04-01"], [20, 22, 30],
                     [30, 38, 39])
    # first 26, last 20 (the third form lacks an ORS item: its last complete ORS is session 2)
    rows += sessions("K-00002", ["2015-02-01", "2015-03-01", "2015-04-01"], [26, 20, None],
                     [38, 38, 38])
    # 10 -> 14.9: no reliable change; a session after the cut-off (40) is not used
    rows += sessions("K-00003", ["2015-02-01", "2015-03-01", "2016-01-01"], [10, 14.9, 40],
                     [37, 35, 39])
    rows += sessions("K-00004", ["2015-02-01", "2015-03-01"], [5, 35], [39, 39])  # withdrawn
    rows += sessions("K-00005", ["2015-02-01"], [18], [36])                       # one session
    return {"offices": offices, "participants": people[t["participants"].columns],
            "session_feedback": pd.DataFrame(rows)}


def test_hand_checkable_definitions():
    res = kor.compute(stage_from_tables(hand_tables(), "2015-12-31"), load_params(min_cell=1))
    v = {k: res.values[k] for k in res.values}
    assert res.n_participants == 4 and res.n_with_sessions == 4     # withdrawn, karmoy out
    assert res.n_sessions == 3 + 3 + 2 + 1                             # after the cut-off out
    assert res.n_change == 3
    ors = v["kor.ors_change"].estimate
    changes = [10.0, -6.0, 4.9]
    assert ors["estimate"] == pytest.approx(np.mean(changes))
    assert ors["p_value"] > 0.05
    assert v["kor.reliable_improvement"].estimate == pytest.approx(1 / 3)
    assert v["kor.reliable_deterioration"].estimate == pytest.approx(1 / 3)
    # started below 25: K-00001 (20 -> 30) and K-00003 (10 -> 14.9): one of two
    assert v["kor.clinically_significant_improvement"].estimate == pytest.approx(1 / 2)
    assert v["kor.clinically_significant_improvement"].n == 2
    # SRS below 36 among the 9 sessions used: 30 and 35
    assert v["kor.srs_below_cutoff"].estimate == pytest.approx(2 / 9)
    assert v["kor.ors_first_mean"].estimate == pytest.approx((20 + 26 + 10) / 3)
    assert v["kor.ors_last_mean"].estimate == pytest.approx((30 + 20 + 14.9) / 3)
    # an early low SRS (K-00001: 30, K-00003: 35) and not (K-00002)
    early = res.early.set_index("group")
    assert early.loc["early_low", "n"] == 2 and early.loc["no_early_low", "n"] == 1
    assert early.loc["early_low", "mean"] == pytest.approx((10 + 4.9) / 2)


def test_disclosure_control_withholds_small_groups():
    res = kor.compute(stage_from_tables(hand_tables(), "2015-12-31"), load_params(min_cell=5))
    for key in KOR_KEYS:
        assert res.values[f"kor.{key}"].reason == SUPPRESSED, key
    assert res.values["kor.participants"].reason == SUPPRESSED
    assert res.by_session["hidden"].all()
    assert res.distribution["hidden"].any()


@pytest.fixture(scope="module")
def large():
    return kor.compute(stage_from_tables(demo.generate(participants=20000, seed=11),
                                         "2017-06-30"), PARAMS)


def test_planted_effects_recovered(large):
    v = large.values
    change = v["kor.ors_change"].estimate
    assert change["ci_low"] - 0.15 < PLANTED["ors_change_mean"] < change["ci_high"] + 0.15
    assert v["kor.ors_first_mean"].estimate == pytest.approx(PLANTED["ors_first_mean"], abs=0.4)
    assert 0.4 < v["kor.reliable_improvement"].estimate < 0.7
    # an early low SRS goes with less change (planted through the concern group, diluted)
    diff = v["kor.early_low_srs.difference"].estimate
    assert 0 < diff["ci_low"] and diff["estimate"] < PLANTED["ors_change"]["no_concern"] - \
        PLANTED["ors_change"]["early_concern"]
    # the ORS rises over sessions; the first sessions are mostly below the cut-off
    bs = large.by_session
    assert bs["mean"].iloc[0] < bs["mean"].iloc[5] and bs["p75"].iloc[0] < 25
    assert bs["srs_share"].iloc[:3].mean() > bs["srs_share"].iloc[3:8].mean()


def test_default_demo_final_has_every_key():
    res = kor.compute(stage_from_tables(demo.generate(), "2017-06-30"), PARAMS)
    for key in KOR_KEYS:
        assert res.values[f"kor.{key}"].shown, (key, res.values[f"kor.{key}"])
    assert set(res.by_session.columns) >= {"p10", "p25", "p50", "p75", "p90"}


def test_interim_cutoff_uses_sessions_dated_by_then():
    final = kor.compute(stage_from_tables(demo.generate(), "2017-06-30"), PARAMS)
    interim = kor.compute(stage_from_tables(demo.generate(), "2015-10-31"), PARAMS)
    assert 0 < interim.n_sessions < final.n_sessions


@pytest.mark.parametrize("case, status, reason", [
    ("no_file", "no_file", kor.NO_FILE),
    ("karmoy", "no_office", kor.NO_OFFICE),
    ("early", "no_sessions", kor.NO_SESSIONS),
])
def test_nulls_carry_their_reason(case, status, reason):
    tables = demo.generate()
    if case == "no_file":
        del tables["session_feedback"]
    cutoff = "2014-01-02" if case == "early" else "2017-06-30"
    stage = stage_from_tables(tables, cutoff, {"office": "karmoy"} if case == "karmoy" else None)
    res = kor.compute(stage, PARAMS)
    assert res.status == status
    for key in KOR_KEYS:
        assert res.values[f"kor.{key}"].estimate is None
        assert res.values[f"kor.{key}"].reason == reason


@pytest.mark.parametrize("case", ["final_nb", "interim_en", "no_file", "office"])
def test_pages_render_in_every_state(case, tmp_path):
    tables = demo.generate()
    if case == "no_file":
        del tables["session_feedback"]
    cutoff, lang = ("2015-10-31", "en") if case == "interim_en" else ("2017-06-30", "nb")
    stage = stage_from_tables(tables, cutoff, {"office": "karmoy"} if case == "office" else None)
    frag = tmp_path / "frag.json"
    ch = Chapter("kor", 1, stage, load_params(min_cell=5, language=lang), frag)
    shown = []
    ch._show = shown.append
    res = kor.compute(ch.data, ch.params)
    ch.record(res)
    for show in (kor.show_status, kor.show_sessions, kor.show_ors, kor.show_change,
                 kor.show_alliance, kor.show_limits):
        show(ch, res)
    page = "\n".join(shown)
    values = json.loads(frag.read_text())
    if case in ("final_nb", "interim_en"):
        assert ch._table == 4 and ch._figure == 2
        assert ("kontrollgruppe" in page) if lang == "nb" else ("control group" in page)
        assert not any(values["values"][f"kor.{k}"] is None for k in KOR_KEYS)
    else:
        assert ch._table == 0 and ch._figure == 0
        assert all(values["values"][f"kor.{k}"] is None for k in KOR_KEYS)
        assert all(values["null_reasons"][f"kor.{k}"] for k in KOR_KEYS)


def test_result_is_frozen_and_compute_changes_no_input():
    stage = stage_from_tables(demo.generate(), "2017-06-30")
    before = stage.tables["session_feedback"].copy()
    res = kor.compute(stage, PARAMS)
    pd.testing.assert_frame_equal(before, stage.tables["session_feedback"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.status = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        res.values["kor.ors_change"] = None  # type: ignore[index]


def test_rows_by_session_give_away_no_small_count():
    """The participants at a band minus those at the next are those whose last session lies in
    the band: never 1 … min_cell − 1, and the same counts as the distribution table."""
    for participants, seed in ((600, 2016), (300, 3), (2000, 4)):
        res = kor.compute(stage_from_tables(demo.generate(participants=participants, seed=seed),
                                            "2017-06-30"), PARAMS)
        people = res.by_session["people"].to_numpy()
        enders = np.append(people[:-1] - people[1:], people[-1])
        assert not ((enders > 0) & (enders < PARAMS.min_cell)).any(), (participants, enders)
        assert list(enders) == list(res.distribution["n"])
        assert not res.distribution["hidden"].any()
