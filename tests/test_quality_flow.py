"""Response, attrition flags, missing-code counts and the participant flow on small cases that
can be checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from pku_eval.flow import flow_counts
from pku_eval.quality import attrition_flags, missing_counts, response_rates
from pku_eval.tidy import due_waves, prepare, load, scale_score
from pku_eval.codebook import SCALES


def people(rows):
    df = pd.DataFrame(rows, columns=["participant_id", "arm", "enrolled_date"])
    df["office"] = "moss"
    df["project"] = "klar"
    df["enrolled_date"] = pd.to_datetime(df["enrolled_date"])
    return df


def test_due_by_offset_or_answered():
    # cut-off 2015-06-30: P1 enrolled 2014-01-01 (T0, T1 and T2 due); P2 enrolled 2015-03-01
    # (T0 due; T1 at +183 days = 2015-08-31 not yet due, but P2 answered T1 early: due)
    p = people([("P-0001", "treatment", "2014-01-01"), ("P-0002", "treatment", "2015-03-01")])
    s = pd.DataFrame({"participant_id": ["P-0001", "P-0002"], "wave": ["T0", "T1"]})
    d = due_waves(p, s, "2015-06-30", ["T0", "T1", "T2"]).set_index(["participant_id", "wave"])
    assert d["due"].to_dict() == {("P-0001", "T0"): True, ("P-0001", "T1"): True,
                                  ("P-0001", "T2"): True, ("P-0002", "T0"): True,
                                  ("P-0002", "T1"): True, ("P-0002", "T2"): False}
    assert d["answered"].sum() == 2


def test_t1_due_exactly_on_day_183():
    p = people([("P-0001", "treatment", "2015-01-01")])
    cut = pd.Timestamp("2015-01-01") + pd.Timedelta(days=183)
    d = due_waves(p, None, cut, ["T1"])
    assert bool(d["due"].iloc[0])
    d = due_waves(p, None, cut - pd.Timedelta(days=1), ["T1"])
    assert not bool(d["due"].iloc[0])


def test_response_rates_and_pooled_rate():
    # treatment: 3 due, 2 answered; internal control: 2 due, 2 answered; external: none due
    d = pd.DataFrame({
        "wave": ["T1"] * 5, "arm": ["treatment"] * 3 + ["internal_control"] * 2,
        "due": [True] * 5, "answered": [True, True, False, True, True]})
    r = response_rates(d, ["T1"])["T1"]
    assert r["treatment"] == pytest.approx(2 / 3)
    assert r["internal_control"] == 1.0
    assert r["external_control"] is None
    assert r["all"] == pytest.approx(4 / 5)  # pooled: total answered ÷ total due, not a mean


def test_flags_fire_at_thresholds():
    rates = {"T2": {"treatment": 0.72, "internal_control": 0.60, "external_control": None,
                    "all": 0.67}}
    flags = attrition_flags(rates, 0.70, 0.10, "en")
    codes = sorted(f["code"] for f in flags)
    assert codes == ["attrition", "differential_attrition"]
    att = next(f for f in flags if f["code"] == "attrition")
    assert att["arm"] == "internal_control" and "60%" in att["message"]
    assert attrition_flags({"T0": {"treatment": 0.70, "internal_control": 0.80}}, 0.70,
                           0.10) == []  # equal to threshold: no flag; gap exactly 0.10: none


def test_missing_counts_separate_8_9_and_empty():
    raw = pd.DataFrame({c: [1.0] * 6 for c in ["health"]})
    raw.loc[0, "health"] = 8
    raw.loc[1, "health"] = 9
    raw.loc[2, "health"] = 9
    raw.loc[3, "health"] = None
    m = missing_counts(raw.reindex(columns=["health"]), "survey")
    row = m.set_index("item").loc["health"]
    assert (row["dont_know"], row["not_answered"], row["empty"], row["valid"]) == (1, 2, 1, 2)
    assert row["missing_share"] == pytest.approx(4 / 6)


def test_scale_score_reverses_and_applies_min_items():
    mastery = SCALES["mastery"]
    # all items 4: reversed items (1,3,4,6,7) become 1, others stay 4 → mean (5*1 + 2*4)/7
    row = {f"mastery_{i}": 4.0 for i in range(1, 8)}
    df = pd.DataFrame([row, {**row, "mastery_1": None, "mastery_2": None},
                       {**row, "mastery_1": None, "mastery_2": None, "mastery_3": None}])
    s = scale_score(df, mastery)
    assert s.iloc[0] == pytest.approx(13 / 7)
    assert s.iloc[1] == pytest.approx((4 * 1 + 4) / 5)   # 5 of 7 answered: scored
    assert pd.isna(s.iloc[2])                              # 4 of 7: missing


def test_flow_counts_withdrawn_and_cutoff(demo_dir):
    ds = load(demo_dir)
    st = prepare(ds, "2016-12-31")
    fl = flow_counts(st, ["T0", "T1", "T2"])
    p = ds.tables["participants"]
    for arm in fl.index:
        assert fl.loc[arm, "enrolled"] == (p["arm"] == arm).sum()
        assert fl.loc[arm, "withdrawn"] == ((p["arm"] == arm) & p["withdrawn_date"].notna()).sum()
    assert (fl["analysed"] == fl["enrolled"] - fl["withdrawn"]).all()
    # interim: only those enrolled by the cut-off; a withdrawal after the cut-off is honoured
    st_i = prepare(ds, "2015-10-31")
    late = p[(p["enrolled_date"] <= "2015-10-31") & (p["withdrawn_date"] > "2015-10-31")]
    assert len(late) > 0, "demo data must have withdrawals after the interim cut-off"
    assert not st_i.analysed["participant_id"].isin(late["participant_id"]).any()
    assert not st_i.tables["survey"]["participant_id"].isin(late["participant_id"]).any()
    assert len(st_i.participants) == (p["enrolled_date"] <= "2015-10-31").sum()


def test_prepare_drops_rows_after_cutoff(demo_dir):
    st = prepare(load(demo_dir), "2015-10-31")
    assert (st.tables["survey"]["response_date"] <= "2015-10-31").all()
    assert (st.tables["se_log"]["date"] <= "2015-10-31").all()
    assert (st.tables["learning_survey"]["response_date"] <= "2015-10-31").all()
    out = st.tables["outcomes"]
    # followup_date after the cut-off: status is not used, first jobs count up to the cut-off
    assert out["status"].isna().all()
    assert (out.loc[out["employed"], "first_job_date"] <= "2015-10-31").all()
