"""The counts several tables print (the flow, the employment table's KLAR counts) are decided
once per report (#14): no protected count — printed or only implied, like the people without
register data — can be derived from what the report prints, checked independently by a linear
programme over everything a reader knows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from pku_eval import demo, tidy
from pku_eval.disclosure import HIDDEN, Policy, protect
from pku_eval.shared_counts import (
    PUBLISHED,
    _cells,
    _decide,
    _hierarchy,
    _scopes,
    office_counts,
    shared_counts,
)

WAVES = ["T0", "T1", "T2"]
P = Policy(5)


def stage_of(tables: dict, cutoff: str = "2016-12-31"):
    tables = {k: v.copy() for k, v in tables.items()}
    return tidy.prepare(tidy.Dataset(Path("."), tables, {}, {}), cutoff)


@pytest.fixture(scope="module")
def small_tables():
    return demo.generate(participants=120, seed=11)


def _range(values, relations, published, hidden, cell):
    """Smallest and largest value ``cell`` can take given the printed cells, the relations
    and non-negativity (an LP relaxation: if even it pins the cell, so does arithmetic)."""
    keys = list(values)
    idx = {k: i for i, k in enumerate(keys)}
    a_eq, b_eq = [], []
    for rel in relations:
        row = np.zeros(len(keys))
        for k, c in rel.items():
            row[idx[k]] = c
        a_eq.append(row)
        b_eq.append(0.0)
    for k in keys:
        if k in published and k not in hidden or values[k] == 0:
            row = np.zeros(len(keys))
            row[idx[k]] = 1
            a_eq.append(row)
            b_eq.append(values[k])
    out = []
    for sign in (1, -1):
        c = np.zeros(len(keys))
        c[idx[cell]] = sign
        r = linprog(c, A_eq=np.array(a_eq), b_eq=np.array(b_eq), bounds=(0, None),
                    method="highs")
        assert r.status in (0, 3)          # 3: unbounded, the cell can be anything
        out.append(sign * r.fun if r.status == 0 else np.inf)  # only a maximum is unbounded
    return out


def _assert_protected(stage):
    """Over every report of the set at once (the whole, each project, each office)."""
    counts = office_counts(stage, WAVES)
    values, relations, published = _cells(counts, WAVES)
    hidden = _decide(values, relations, published, _hierarchy(_scopes(counts)), P)
    for key, v in values.items():
        if P.hides(v):
            lo, hi = _range(values, relations, published, hidden, key)
            assert hi - lo > 0.5, (key, v, lo, hi)
    return shared_counts(stage, WAVES, P)


def test_demo_final_and_interim(small_tables):
    for cutoff in ("2015-10-31", "2016-12-31"):
        _assert_protected(stage_of(small_tables, cutoff))


@pytest.mark.parametrize("seed", range(5))
def test_random_small_data(small_tables, seed):
    """Tiny arms, withdrawals, missing register rows: nothing protected is derivable."""
    rng = np.random.default_rng(seed)
    t = {k: v.copy() for k, v in small_tables.items()}
    p = t["participants"]
    keep = rng.random(len(p)) < rng.uniform(0.2, 0.9)
    p = p[keep].copy()
    withdraw = rng.random(len(p)) < rng.uniform(0.0, 0.1)
    p.loc[withdraw, "withdrawn_date"] = p.loc[withdraw, "enrolled_date"]
    t["participants"] = p
    o = t["outcomes"]
    t["outcomes"] = o[o["participant_id"].isin(p["participant_id"])
                      & (rng.random(len(o)) < rng.uniform(0.8, 1.0))]
    sc = _assert_protected(stage_of(t))
    assert all(q in PUBLISHED or q.startswith(("due_", "answered_")) for q, _ in sc.hidden)


def test_missing_register_data_of_four(small_tables):
    """'Analysed 95' minus 'with register data 91': the 4 are protected by withholding the
    printed count with register data in every table (flow and employment)."""
    t = {k: v.copy() for k, v in small_tables.items()}
    st = stage_of(t)
    arm = "external_control"
    ext = st.analysed[st.analysed["arm"] == arm]["participant_id"]
    with_row = t["outcomes"]["participant_id"].isin(ext)
    n_missing = shared_counts(st, WAVES, P).counts[("missing", arm)]
    drop = t["outcomes"][with_row].index[: max(0, 3 - n_missing)]
    t["outcomes"] = t["outcomes"].drop(drop)
    st = stage_of(t)
    sc = shared_counts(st, WAVES, P)
    assert 0 < sc.counts[("missing", arm)] < 5
    assert sc.is_hidden("with_outcome", arm) or sc.is_hidden("analysed", arm)
    assert sc.is_hidden("klar_missing", arm)
    assert sc.count("klar_missing", arm) is HIDDEN


def test_withdrawals_hidden_with_the_rows_that_equal_the_analysed():
    """Interim demo: three withdrawn internal controls; 'due at T0' equals 'analysed' for
    everyone, so withholding 'analysed' alone would not do: a reader would subtract 'due at
    T0' from 'enrolled'."""
    st = stage_of(demo.generate(), "2015-10-31")
    sc = shared_counts(st, WAVES, P)
    arm = "internal_control"
    assert P.hides(sc.counts[("withdrawn", arm)]) and sc.is_hidden("withdrawn", arm)
    assert sc.is_hidden("enrolled", arm) or (sc.is_hidden("analysed", arm)
                                             and sc.is_hidden("due_T0", arm))


def test_protect_leaves_unpublished_large_cells_alone():
    """A cell no table prints needs no protection unless it is itself small."""
    v = np.array([100, 90, 10])                 # analysed = with + without (unpublished)
    rel = np.array([[-1, 1, 1]])
    shown = np.array([True, True, False])
    assert protect(v, np.zeros(3, bool), rel, published=shown).tolist() == [False, False, True]
    v = np.array([100, 97, 3])
    hidden = protect(v, v < 5, rel, published=shown)
    assert hidden[2] and (hidden[0] or hidden[1])


def test_a_filtered_report_decides_with_the_whole_set(small_tables, tmp_path):
    """An office's report withholds exactly what the decision over every report of the set
    withholds for that office — also when its stage is stored and read back (a build)."""
    from pku_eval.store import open_stage, save_stage

    full = stage_of(small_tables)
    ds = tidy.Dataset(Path("."), {k: v.copy() for k, v in small_tables.items()}, {}, {})
    for office in full.offices["office"][:4]:
        f = {"office": office}
        filtered = tidy.prepare(ds, "2016-12-31", f)
        assert filtered.office_counts is not None
        stored = open_stage(save_stage(filtered, tmp_path / office))
        want = shared_counts(full, WAVES, P, f)
        for st in (filtered, stored):
            got = shared_counts(st, WAVES, P, f)
            assert got.hidden == want.hidden and dict(got.counts) == dict(want.counts)
    assert stage_of(small_tables).office_counts is None   # the whole report: its own data


def test_a_filtered_report_decides_its_other_tables_with_the_whole_set(small_tables, tmp_path):
    """Likewise the tables outside the shared counts that every report prints
    (:mod:`pku_eval.set_tables`): a filtered stage carries them per office of the data before
    the filter, also through the store, and decides each cell as the whole set does."""
    from pku_eval import set_tables
    from pku_eval.chapters.data_quality.content import MISSING_PARTS, MISSING_RELATIONS
    from pku_eval.store import open_stage, save_stage

    full = stage_of(small_tables)
    ds = tidy.Dataset(Path("."), {k: v.copy() for k, v in small_tables.items()}, {}, {})
    q = ("rows", *MISSING_PARTS, "missing")
    for office in full.offices["office"][:3]:
        f = {"office": office}
        filtered = tidy.prepare(ds, "2016-12-31", f)
        assert set(filtered.set_tables) == set(set_tables.REGISTRY)
        stored = open_stage(save_stage(filtered, tmp_path / office))
        assert set(stored.set_tables) == set(set_tables.REGISTRY)
        for name in ("missing_survey", "survey_means", "survey_employment"):
            pd.testing.assert_frame_equal(
                stored.set_tables[name].reset_index(drop=True),
                set_tables.unit_table(full, name).reset_index(drop=True), check_dtype=False)
        want = set_tables.decide(full, "missing_survey", q, list(MISSING_RELATIONS), q, P, f)
        for st in (filtered, stored):
            got = set_tables.decide(st, "missing_survey", q, list(MISSING_RELATIONS), q, P, f)
            assert got == want
    assert full.set_tables is None
