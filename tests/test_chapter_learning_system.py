"""Chapter 'learning_system': planted change recovered, definitions checked by hand, interim
stage and missing file give nulls with reasons, and the notebook runs end to end."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from pku_eval import demo, stats, tidy
from pku_eval.chapter import Chapter
from pku_eval.chapters import learning_system as ls
from pku_eval.codebook import LEARNING_SCALES, SCALES
from pku_eval.disclosure import Policy
from pku_eval.params import load_params
from pku_eval.values import SUPPRESSED, Value

PARAMS = load_params(min_cell=5, language="nb", waves=["T0", "T1", "T2"], seed=2016)
ITEMS = [i for s in LEARNING_SCALES for i in SCALES[s].items]


def pair(value: Value) -> tuple:
    """A results.json value as (value, null reason)."""
    return value.estimate, value.reason


def stage_from_tables(tables: dict, cutoff: str = "2016-12-31",
                      filter: dict | None = None) -> tidy.StageData:
    """A StageData straight from in-memory tables (no CSV round trip): numbers as float, as
    :func:`pku_eval.tidy.load` types them."""
    typed = {}
    for name, frame in tables.items():
        frame = frame.copy()
        for col in frame.columns:
            if pd.api.types.is_numeric_dtype(frame[col]) and not pd.api.types.is_bool_dtype(
                    frame[col]):
                frame[col] = frame[col].astype("Float64").astype(float)
        typed[name] = frame
    return tidy.prepare(tidy.Dataset(Path("."), typed, {}, {}), cutoff, filter)


def demo_stage(seed: int = demo.DEFAULT_SEED, cutoff: str = "2016-12-31"):
    # the learning survey does not depend on the number of participants (it is drawn from the
    # offices' staff), so the smallest allowed size keeps this fast
    return stage_from_tables(demo.generate(participants=demo.MIN_PARTICIPANTS, seed=seed), cutoff)


# ------------------------------------------------------------------ planted effect

SEEDS = range(2016, 2036)  # 20 independent demo data sets


@pytest.fixture(scope="module")
def over_seeds():
    out = []
    for seed in SEEDS:
        res = ls.compute(demo_stage(seed), PARAMS)
        out.append({s: (res.values[f"learning.{s}.difference"].estimate,
                        res.values[f"learning.{s}.paired"].estimate) for s in LEARNING_SCALES})
    return out


@pytest.mark.parametrize("analysis", [0, 1], ids=["welch_headline", "paired_check"])
@pytest.mark.parametrize("scale", LEARNING_SCALES)
def test_planted_change_recovered_over_seeds(over_seeds, scale, analysis):
    """One demo data set has only ~150 answers per round, so one 95% CI misses the planted
    change 1 time in 20 by design. Over 20 seeds:

    - coverage: the planted change lies inside the reported 95% CI in at least 15 of 20 data
      sets (a valid interval fails this with probability 0.0003, binomial(20, 0.95));
    - no bias: the mean of the 20 estimates lies within a 99.9% t-interval around the planted
      value (fails by chance with probability 0.001; a bias of about a third of the smallest
      planted change, 0.07, fails it almost surely: SE of the mean is about 0.015).
    """
    planted = demo.PLANTED["learning_change"][scale]
    values = [seed_values[scale][analysis] for seed_values in over_seeds]
    assert all(v is not None for v in values)
    covered = sum(v["ci_low"] <= planted <= v["ci_high"] for v in values)
    assert covered >= 15, f"{scale}: planted {planted} inside {covered} of 20 CIs"
    est = pd.DataFrame({"estimate": [v["estimate"] for v in values]})
    m = stats.mean_ci(est, "estimate", alpha=0.001).iloc[0]
    assert m["ci_low"] <= planted <= m["ci_high"], (scale, m.to_dict())


def test_default_demo_final_has_every_key():
    res = ls.compute(demo_stage(), PARAMS)
    for scale in LEARNING_SCALES:
        for key in ("pre_mean", "post_mean", "difference", "paired"):
            value, reason = pair(res.values[f"learning.{scale}.{key}"])
            assert value is not None, (scale, key, reason)
        diff = res.values[f"learning.{scale}.difference"].estimate
        assert set(diff) == {"estimate", "ci_low", "ci_high", "p_value"}
        pre = res.values[f"learning.{scale}.pre_mean"].estimate
        post = res.values[f"learning.{scale}.post_mean"].estimate
        assert diff["estimate"] == pytest.approx(post - pre)
        assert 1 <= pre <= 5 and 1 <= post <= 5
        for rnd in ls.ROUNDS:
            assert 0.5 < res.values[f"learning.{scale}.alpha.{rnd}"].estimate <= 1
    assert res.n_linked > 0


# ------------------------------------------------------------------ hand-checkable cases

OFFICES = pd.DataFrame({"office": ["moss", "rygge"], "name": ["NAV Moss", "NAV Rygge"],
                        "county": ["ostfold"] * 2, "project": ["klar"] * 2,
                        "role": ["trial"] * 2, "method": ["se"] * 2, "staff": [10.0, 8.0]})
PARTICIPANTS = demo.generate(participants=demo.MIN_PARTICIPANTS, seed=1)["participants"]


def learning_rows(rows: list[tuple]) -> pd.DataFrame:
    """(respondent, office, round, arenas items, sharing items, research items) → table."""
    out = []
    for rid, office, rnd, a, s, r in rows:
        row = {"respondent_id": rid, "office": office, "round": rnd,
               "response_date": pd.Timestamp("2014-03-01" if rnd == "pre" else "2016-03-01"),
               "role": "veileder", "tenure_years": 5.0, "in_project": 1.0 if rid < "R-0004"
               else 0.0}
        for scale, items in (("arenas", a), ("sharing", s), ("research", r)):
            for j, v in enumerate(items, 1):
                row[f"{scale}_{j}"] = v
        out.append(row)
    return pd.DataFrame(out)


def small_stage(rows, cutoff="2016-12-31"):
    tables = {"offices": OFFICES, "participants": PARTICIPANTS,
              "learning_survey": learning_rows(rows)}
    return stage_from_tables(tables, cutoff)


N = np.nan
HAND = [
    # pre: 6 answers (5 at moss, 1 at rygge); post: 6 answers; R-0001..R-0003 answered both
    ("R-0001", "moss", "pre", (2, 2, 2, 2), (3, 3, 3, 3), (2, 2, 2, 2)),
    ("R-0002", "moss", "pre", (3, 3, 3, 3), (3, 3, 3, 3), (3, 2, 3, 2)),
    ("R-0003", "moss", "pre", (2, 3, 2, 3), (4, 4, 4, 4), (1, 1, 2, 2)),
    ("R-0004", "moss", "pre", (1, 2, 1, 2), (2, 2, 3, 3), (2, 2, 2, 2)),
    ("R-0005", "moss", "pre", (8, 9, N, 3), (2, 3, 2, 3), (3, 3, 3, 3)),  # arenas: 1 of 4 → NaN
    ("R-0006", "rygge", "pre", (3, 3, 8, 3), (3, 3, 3, 3), (2, 3, 2, 3)),  # arenas: 3 of 4 → 3
    ("R-0001", "moss", "post", (3, 3, 3, 3), (3, 4, 3, 4), (2, 3, 2, 3)),
    ("R-0002", "moss", "post", (4, 4, 3, 3), (3, 3, 3, 3), (3, 3, 3, 3)),
    ("R-0003", "moss", "post", (3, 3, 3, 3), (4, 4, 5, 5), (2, 2, 2, 2)),
    ("R-0007", "moss", "post", (2, 2, 3, 3), (2, 2, 2, 2), (3, 3, 2, 2)),
    ("R-0008", "rygge", "post", (4, 4, 4, 4), (3, 3, 4, 4), (4, 4, 3, 3)),
    ("R-0009", "rygge", "post", (3, 4, 3, 4), (4, 4, 4, 4), (2, 2, 3, 3)),
]


def test_hand_checkable_definitions():
    res = ls.compute(small_stage(HAND), load_params(min_cell=1))  # no disclosure control here
    # scale score = mean of the items answered when at least 3 of 4 (8/9/empty missing)
    pre_arenas = [2.0, 3.0, 2.5, 1.5, 3.0]          # R-0005 has no score (1 item answered)
    post_arenas = [3.0, 3.5, 3.0, 2.5, 4.0, 3.5]
    assert res.values["learning.arenas.pre_mean"].estimate == pytest.approx(np.mean(pre_arenas))
    assert res.values["learning.arenas.post_mean"].estimate == pytest.approx(
        np.mean(post_arenas))
    assert res.values["learning.arenas.n.pre"].estimate == 5
    # difference: post − pre, all answers as independent samples, Welch (R: t.test(post, pre))
    diff = res.values["learning.arenas.difference"].estimate
    t = sps.ttest_ind(post_arenas, pre_arenas, equal_var=False)
    ci = t.confidence_interval(0.95)
    assert diff["estimate"] == pytest.approx(np.mean(post_arenas) - np.mean(pre_arenas))
    assert diff["p_value"] == pytest.approx(t.pvalue)
    assert (diff["ci_low"], diff["ci_high"]) == pytest.approx((ci.low, ci.high))
    # the same numbers as the tested stats function with the same options
    frame = pd.DataFrame({"round": ["pre"] * 5 + ["post"] * 6, "arenas": pre_arenas +
                          post_arenas})
    ref = stats.welch_difference(frame, "arenas", "round", first="pre", second="post").iloc[0]
    assert diff["estimate"] == pytest.approx(ref["estimate"])
    # paired: respondents R-0001..R-0003 in both rounds; mean of (post − pre)
    paired = res.values["learning.arenas.paired"].estimate
    d = np.array([3.0, 3.5, 3.0]) - np.array([2.0, 3.0, 2.5])
    assert paired["n_pairs"] == 3
    assert paired["estimate"] == pytest.approx(d.mean())
    assert paired["p_value"] == pytest.approx(sps.ttest_rel([3.0, 3.5, 3.0],
                                                            [2.0, 3.0, 2.5]).pvalue)
    # response rate = answers ÷ staff of the office; "all" pools the offices that answered
    assert res.values["learning.response_rate.pre.moss"].estimate == pytest.approx(5 / 10)
    assert res.values["learning.response_rate.pre.rygge"].estimate == pytest.approx(1 / 8)
    assert res.values["learning.response_rate.post.rygge"].estimate == pytest.approx(2 / 8)
    assert res.values["learning.response_rate.post.all"].estimate == pytest.approx(6 / 18)
    # alpha on the items of each round, listwise (R-0005 and R-0006 left out for arenas pre)
    items = list(SCALES["arenas"].items)
    pre_items = pd.DataFrame([r[3] for r in HAND[:4]], columns=items, dtype=float)
    assert res.values["learning.arenas.alpha.pre"].estimate == pytest.approx(
        stats.cronbach_alpha(pre_items, items).iloc[0]["estimate"])
    rel = res.reliability.set_index(["scale", "round"])
    assert rel.loc[("arenas", "pre"), "n"] == 4
    # per office and per in-project group
    office = res.by_office.set_index(["office", "scale"])
    assert office.loc[("rygge", "arenas"), "n_pre"] == 1
    assert office.loc[("rygge", "arenas"), "mean_post"] == pytest.approx(3.75)
    assert res.n_linked == 3


def test_small_groups_and_rounds_are_suppressed():
    res = ls.compute(small_stage(HAND), load_params(min_cell=6))
    # arenas: 5 pre scores < 6 → suppressed; sharing: 6 and 6 → shown
    assert pair(res.values["learning.arenas.pre_mean"]) == (None, SUPPRESSED)
    assert pair(res.values["learning.arenas.difference"]) == (None, SUPPRESSED)
    assert res.values["learning.sharing.pre_mean"].estimate is not None
    assert res.values["learning.sharing.difference"].estimate is not None
    # 3 linked respondents < 6 → paired suppressed; rygge had 1 answer before → suppressed
    assert pair(res.values["learning.sharing.paired"]) == (None, SUPPRESSED)
    assert pair(res.values["learning.response_rate.pre.rygge"]) == (None, SUPPRESSED)
    assert pair(res.values["learning.arenas.n.pre"]) == (None, SUPPRESSED)


def test_interim_cutoff_has_no_post_round():
    res = ls.compute(demo_stage(cutoff="2015-10-31"), PARAMS)
    for scale in LEARNING_SCALES:
        assert res.values[f"learning.{scale}.pre_mean"].estimate is not None
        for key in ("post_mean", "difference", "paired"):
            assert pair(res.values[f"learning.{scale}.{key}"]) == (None,
                                                                   ls.NOT_ANSWERED["post"])
    assert ls.NOT_ANSWERED["post"] == "post round not yet answered by the cut-off"
    assert res.rounds == ["pre"]


def test_without_the_file_every_key_is_null_with_a_reason():
    tables = demo.generate(participants=demo.MIN_PARTICIPANTS, seed=1)
    del tables["learning_survey"]
    res = ls.compute(stage_from_tables(tables), PARAMS)
    assert not res.present
    for scale in LEARNING_SCALES:
        for key in ("pre_mean", "post_mean", "difference"):
            assert pair(res.values[f"learning.{scale}.{key}"]) == (None,
                                                                   "no learning_survey file")


@pytest.mark.parametrize("case", ["final_nb", "interim_en", "no_file", "filtered"])
def test_pages_render_in_every_state(case, tmp_path):
    """Every show_* function runs, records and numbers its tables in each state."""
    tables = demo.generate(participants=demo.MIN_PARTICIPANTS, seed=3)
    cutoff, lang = ("2015-10-31", "en") if case == "interim_en" else ("2016-12-31", "nb")
    if case == "no_file":
        del tables["learning_survey"]
    # "filtered": a report restricted to a project whose offices got no learning survey
    stage = stage_from_tables(tables, cutoff,
                              {"project": "ungjobb"} if case == "filtered" else None)
    frag = tmp_path / "frag.json"
    ch = Chapter("learning_system", 1, stage, load_params(min_cell=5, language=lang), frag)
    shown = []
    ch._show = shown.append
    res = ls.compute(ch.data, ch.params)
    ch.record(res)
    for show in (ls.show_status, ls.show_response, ls.show_reliability, ls.show_change,
                 ls.show_items, ls.show_groups, ls.show_project):
        show(ch, res)
    page = "\n".join(shown)
    values = json.loads(frag.read_text())
    if case == "final_nb":
        assert ch._table >= 6 and ch._figure == 2 and "95 % KI" in page
        assert values["null_reasons"] == {}
    elif case == "interim_en":
        assert "only the first round" in page and ch._figure == 2
        assert values["null_reasons"]["learning.arenas.difference"] == ls.NOT_ANSWERED["post"]
    else:
        assert ch._table == 0 and ch._figure == 0
        assert values["values"]["learning.arenas.pre_mean"] is None


# ------------------------------------------------------------------ end to end

@pytest.mark.slow
def test_notebook_end_to_end(demo_dir, tmp_path):
    import papermill as pm

    from pku_eval import config

    frag = tmp_path / "learning_system.json"
    pm.execute_notebook(str(config.NOTEBOOKS_DIR / "learning_system.ipynb"),
                        str(tmp_path / "out.ipynb"), kernel_name=config.KERNEL_NAME,
                        progress_bar=False, cwd=str(config.NOTEBOOKS_DIR),
                        parameters={"data_dir": str(demo_dir), "results_file": str(frag)})
    got = json.loads(frag.read_text(encoding="utf-8"))
    for scale in LEARNING_SCALES:
        for key in ("pre_mean", "post_mean"):
            assert isinstance(got["values"][f"learning.{scale}.{key}"], float)
        diff = got["values"][f"learning.{scale}.difference"]
        assert all(isinstance(diff[k], float) for k in ("estimate", "ci_low", "ci_high",
                                                         "p_value"))
    assert not any(k.startswith(("learning.arenas", "learning.sharing", "learning.research"))
                   and k.endswith(("_mean", "difference")) for k in got["null_reasons"])
    nb = (tmp_path / "out.ipynb").read_text(encoding="utf-8")
    assert "Figur 1.2" in nb and "Traceback" not in nb


def test_secondary_suppression_of_groups(tmp_path):
    """One office with 3 answers would be recoverable from the total minus the other office:
    the other office is withheld too, in the table and in results.json."""
    rows = [(f"R-{i:04d}", "moss" if i < 12 else "rygge", rnd, (3, 3, 3, 3), (3, 4, 3, 4),
             (2, 3, 2, 3 + (i % 2))) for rnd in ("pre", "post") for i in range(15)]
    res = ls.compute(small_stage(rows), load_params(min_cell=5))
    assert pair(res.values["learning.response_rate.pre.rygge"]) == (None, SUPPRESSED)  # primary
    assert pair(res.values["learning.response_rate.pre.moss"]) == (None, SUPPRESSED)  # secondary
    assert res.values["learning.response_rate.pre.all"].estimate == pytest.approx(15 / 18)
    assert res.by_office["hidden_pre"].all()
    ch = Chapter("learning_system", 1, small_stage(rows),
                 load_params(min_cell=5, language="en"), tmp_path / "f.json")
    shown = []
    ch._show = shown.append
    ls.show_groups(ch, res)
    page = "\n".join(shown)
    assert ">12<" not in page and ">3<" not in page and "withheld" in page
    # the rule the chapter asks the policy for: a group withheld alone is withheld with the
    # smallest other positive group (zero is not disclosive)
    assert Policy(5).grouped_mask(pd.DataFrame({"n": [0, 3, 40, 50]}), "n", []).tolist() == \
        [False, True, True, False]


# ------------------------------------------------------------------ the chapter contract (#13)

def _fingerprint(frame: pd.DataFrame) -> tuple:
    return (tuple(frame.columns), tuple(map(str, frame.dtypes)),
            int(pd.util.hash_pandas_object(frame, index=True).sum()))


@pytest.mark.parametrize("case", ["final", "interim", "no_file"])
def test_result_is_frozen_and_compute_changes_no_input(case):
    import dataclasses

    tables = demo.generate(participants=demo.MIN_PARTICIPANTS, seed=5)
    if case == "no_file":
        del tables["learning_survey"]
    stage = stage_from_tables(tables, "2015-10-31" if case == "interim" else "2016-12-31")
    params = load_params(min_cell=5)
    def frames():
        out = {"offices": stage.offices, "participants": stage.participants}
        if stage.table("learning_survey") is not None:
            out["learning_survey"] = stage.table("learning_survey")
        return {n: _fingerprint(f) for n, f in out.items()}

    before = frames()
    res = ls.compute(stage, params)
    after = frames()
    assert before == after
    assert params == load_params(min_cell=5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.values = {}
    with pytest.raises(TypeError):
        res.values["learning.arenas.difference"] = Value(1.0)
    assert all(isinstance(v, Value) for v in res.values.values())
    assert all(v.reason for v in res.values.values() if not v.shown)
