"""Chapter 'employment': planted-effect recovery, the definitions of REPORT_SPEC.md on a
hand-checkable case, interim and missing-file behaviour, both languages, and the notebook."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re

import numpy as np
import pandas as pd
import pytest

from pku_eval import config, demo, tidy
from pku_eval.chapter import Chapter
from pku_eval.chapters import employment as em
from pku_eval.codebook import ARMS
from pku_eval.params import load_params, write_params
from pku_eval.stats import EstimationError, cox, proportions
from pku_eval.values import Value

FINAL, INTERIM = "2017-06-30", "2015-10-31"  # the default params; demo extract 2017-06-30
P5 = load_params(min_cell=5)
REQUIRED = [f"employment.rate.{arm}" for arm in ARMS] + [
    "employment.risk_difference", "time_to_work.hazard_ratio"]


def write_tables(d, tables: dict, names=("offices", "participants", "outcomes")) -> None:
    d.mkdir(parents=True, exist_ok=True)
    for name in names:
        tables[name].to_csv(d / f"{name}.csv", index=False, date_format="%Y-%m-%d")


def stage_of(d, cutoff):
    return tidy.prepare(tidy.load(d), cutoff)


# ------------------------------------------------------------------ planted-effect recovery

@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """Demo data with a few thousand participants (only the files this chapter reads)."""
    d = tmp_path_factory.mktemp("large")
    write_tables(d, demo.generate(participants=4000, seed=7))
    return em.compute(stage_of(d, FINAL), P5)


def test_planted_risk_difference_inside_ci(large):
    planted = demo.PLANTED["employment"]["treatment"] - demo.PLANTED["employment"][
        "internal_control"]
    rd = large.value("employment.risk_difference")
    assert rd["ci_low"] < planted < rd["ci_high"], (rd, planted)
    assert rd["ci_low"] > 0  # the planted effect is found at this size


def test_planted_hazard_ratio_inside_ci(large):
    hr = large.value("time_to_work.hazard_ratio")
    planted = demo.PLANTED["time_to_work_hazard_ratio"]
    assert set(hr) == {"estimate", "ci_low", "ci_high"}
    assert hr["ci_low"] < planted < hr["ci_high"], (hr, planted)
    assert hr["ci_low"] > 1
    # constant hazards are planted: the PH test should not alarm, the value is a probability
    assert 0 <= large.value("time_to_work.ph_test_p") <= 1


@pytest.mark.parametrize("arm", ARMS)
def test_planted_shares_inside_wilson_ci(large, arm):
    ci = large.value(f"employment.rate_ci.{arm}")
    assert ci["estimate"] == large.value(f"employment.rate.{arm}")
    assert ci["ci_low"] < demo.PLANTED["employment"][arm] < ci["ci_high"], (arm, ci)


def test_results_are_the_stats_functions_on_the_spec_population(large):
    """The keys hold exactly what pku_eval.stats gives on REPORT_SPEC's population (the
    reference tests of those functions therefore cover the keys)."""
    f = large.frame
    rand = f[f["has_outcome"] & (f["randomised"] == 1)
             & f["arm"].isin(["treatment", "internal_control"])]
    rd = proportions.risk_difference(rand, "employed", "arm", "treatment", "internal_control")
    got = large.value("employment.risk_difference")
    for k in ("estimate", "ci_low", "ci_high", "p_value"):
        assert got[k] == pytest.approx(float(rd[k].iloc[0]), rel=1e-12)
    hr = cox.cox_hazard_ratio(rand, "days", "event", "arm", "treatment",
                                   "internal_control", strata="office", ties="efron",
                                   ph_transform="km")
    got = large.value("time_to_work.hazard_ratio")
    for k in ("estimate", "ci_low", "ci_high"):
        assert got[k] == pytest.approx(float(hr[k].iloc[0]), rel=1e-9)
    assert large.value("time_to_work.ph_test_p") == pytest.approx(float(hr["ph_test_p"].iloc[0]))
    # ... which is R's cox.zph test with the options of its reference test (transform "km",
    # Efron ties; tests/test_stats_ph_test.py), on the group indicator of the same model
    assert em.PH_TRANSFORM == "km"
    zph = cox.proportional_hazards_test(
        rand.assign(treated=(rand["arm"] == "treatment").astype(float)), "days", "event",
        "treated", strata="office", transform="km")
    assert large.value("time_to_work.ph_test_p") == pytest.approx(zph.loc[0, "p_value"],
                                                                  rel=1e-9)


# ------------------------------------------------------------- estimation errors against bugs

def test_a_bug_inside_a_stats_function_is_not_swallowed(small_dir, monkeypatch):
    """Only stats.EstimationError becomes a null with a reason; any other exception is a bug
    and must stop the chapter (it used to be caught as ValueError and published as a null)."""
    stage = stage_of(small_dir, FINAL)

    def broken(*args, **kwargs):
        raise KeyError("a bug, not an estimation problem")

    monkeypatch.setattr(proportions, "risk_difference", broken)
    with pytest.raises(KeyError, match="a bug"):
        em.compute(stage, P5)
    monkeypatch.undo()

    def value_error(*args, **kwargs):  # a plain ValueError is a bug too (wrong input)
        raise ValueError("column(s) ['dayz'] not found in data")

    monkeypatch.setattr(cox, "cox_hazard_ratio", value_error)
    with pytest.raises(ValueError, match="dayz"):
        em.compute(stage, P5)


@pytest.mark.parametrize("reason, expected", [
    ("no_events", em.R_NO_EVENTS),
    ("not_converged", f"{em.R_NOT_FITTED}: the Cox model could not be fitted: no step"),
])
def test_an_estimation_error_becomes_a_null_with_its_reason(small_dir, monkeypatch, reason,
                                                            expected):
    def cannot(*args, **kwargs):
        raise EstimationError(reason, "the Cox model could not be fitted: no step\nmore")

    monkeypatch.setattr(cox, "cox_hazard_ratio", cannot)
    res = em.compute(stage_of(small_dir, FINAL), P5)
    for key in ("time_to_work.hazard_ratio", "time_to_work.hazard_ratio_p_value",
                "time_to_work.ph_test_p"):
        assert res.value(key) is None and res.reason(key) == expected, key
    assert res.value("employment.risk_difference") is not None  # the rest is unaffected


def test_observational_comparisons_are_filled(large):
    for key in ("employment.odds_ratio_adjusted", "employment.risk_ratio",
                "employment.odds_ratio", "employment.external.odds_ratio_adjusted",
                "time_to_work.external.hazard_ratio_adjusted"):
        value = large.value(key)
        assert value is not None and None not in value.values(), key
        assert value["ci_low"] < value["estimate"] < value["ci_high"], key


# ---------------------------------------------------------------- hand-checkable small case

def _small_tables() -> dict:
    """Moss (trial): treatment T1..T8, internal control C1..C6; Rakkestad: external E1..E5.

    Everyone enrolled 2015-01-01 except T8 (2016-01-01, after the interim cut-off).
    T6 has no outcomes row (missing), T7 withdrew (has a job: must not count).
    Jobs: T1 2015-03-01 (day 59), T2 2016-01-01 (day 365), T3 2016-06-30 (day 546),
    C1 2015-07-01 (day 181), E1 2015-05-01. Extract dated 2016-12-31 for all.
    """
    rows, outcomes = [], []

    def person(pid, office, arm, randomised, enrolled="2015-01-01", withdrawn=None,
               job=None, outcome=True, status="aap"):
        rows.append({"participant_id": pid, "office": office, "arm": arm,
                     "randomised": randomised, "enrolled_date": enrolled, "birth_year": 1980,
                     "gender": "kvinne", "main_benefit": "aap", "education": "vgs",
                     "immigrant": 0, "withdrawn_date": withdrawn})
        if outcome:
            outcomes.append({"participant_id": pid, "followup_date": "2016-12-31",
                             "first_job_date": job,
                             "status": "ordinary_paid" if job else status})

    jobs_t = {1: "2015-03-01", 2: "2016-01-01", 3: "2016-06-30"}
    for i in range(1, 9):
        person(f"P-T000{i}", "moss", "treatment", 1, job=jobs_t.get(i), outcome=i != 6,
               withdrawn="2016-02-01" if i == 7 else None,
               enrolled="2016-01-01" if i == 8 else "2015-01-01")
    outcomes[5]["first_job_date"] = "2015-02-01"  # T7 (withdrawn) found a job
    outcomes[5]["status"] = "ordinary_paid"
    for i in range(1, 7):
        person(f"P-C000{i}", "moss", "internal_control", 1,
               job="2015-07-01" if i == 1 else None, status="sosialhjelp" if i == 2 else "aap")
    for i in range(1, 6):
        person(f"P-E000{i}", "rakkestad", "external_control", 0,
               job="2015-05-01" if i == 1 else None)
    return {"offices": demo.OFFICES, "participants": pd.DataFrame(rows),
            "outcomes": pd.DataFrame(outcomes)}


@pytest.fixture(scope="module")
def small_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("small")
    write_tables(d, _small_tables())
    return d


P1 = load_params(min_cell=1)


def test_small_case_rates_and_difference_by_hand(small_dir):
    res = em.compute(stage_of(small_dir, FINAL), P1)
    # treatment: T1-T5 and T8 have a row, T6 missing, T7 withdrawn: 3 jobs of 6
    assert res.value("employment.rate.treatment") == pytest.approx(3 / 6)
    assert res.value("employment.rate.internal_control") == pytest.approx(1 / 6)
    assert res.value("employment.rate.external_control") == pytest.approx(1 / 5)
    rd = res.value("employment.risk_difference")
    assert rd["estimate"] == pytest.approx(3 / 6 - 1 / 6)
    assert rd["ci_low"] < rd["estimate"] < rd["ci_high"]
    counts = res.counts.set_index("arm")
    assert counts.loc["treatment", "analysed"] == 7     # T7 withdrawn is not analysed
    assert counts.loc["treatment", "missing"] == 1      # T6: missing, not "not employed"
    assert counts.loc["treatment", "with_outcome"] == 6
    assert res.value("employment.missing_outcome.internal_control") == 0
    res = em.compute(stage_of(small_dir, FINAL), P5)
    assert res.value("employment.missing_outcome.treatment") is None  # 1 < min_cell
    assert res.reason("employment.missing_outcome.treatment") == "suppressed"
    # and the rate, whose base (6 with register data of 7 analysed) would give the 1 back
    assert res.value("employment.rate.treatment") is None
    assert res.reason("employment.rate.treatment") == "suppressed"
    assert res.counts.set_index("arm").loc["treatment", "hide_with_outcome"]


def test_small_case_time_to_work_by_hand(small_dir):
    res = em.compute(stage_of(small_dir, FINAL), P5)
    f = res.frame.set_index("participant_id")
    assert f.loc["P-T0001", "days"] == 59 and f.loc["P-T0001", "event"] == 1
    assert f.loc["P-T0002", "days"] == 365 and f.loc["P-T0003", "days"] == 546
    assert f.loc["P-T0004", "days"] == 730 and f.loc["P-T0004", "event"] == 0  # censored
    assert f.loc["P-T0008", "days"] == 365 and f.loc["P-T0008", "event"] == 0
    assert math.isnan(f.loc["P-T0006", "days"])              # no outcomes row: not analysed
    assert "P-T0007" not in f.index                           # withdrawn
    assert f.loc["P-C0001", "days"] == 181
    hr = res.value("time_to_work.hazard_ratio")
    assert hr is not None and hr["estimate"] > 1
    km = res.km[res.km["group"] == "treatment"]
    # Kaplan-Meier by hand: 6 at risk; events at 59 (6 at risk), 365 (5 at risk, one
    # censored at the same time), 546 (3 at risk) → S = 5/6 · 4/5 · 2/3
    assert float(km["survival"].iloc[-1]) == pytest.approx(5 / 6 * 4 / 5 * 2 / 3)
    assert res.at_risk.loc["treatment", 0] == 6
    assert res.at_risk.loc["treatment", 6] == 5  # T1 has left (job at day 59)
    assert res.at_risk.loc["treatment", 12] == 3  # T2 and T8 left at day 365 < 12 months


def test_small_case_interim_cutoff(small_dir):
    res = em.compute(stage_of(small_dir, INTERIM), P1)
    assert res.interim
    # T8 not yet enrolled; only T1's job (2015-03-01) is before the cut-off
    assert res.value("employment.rate.treatment") == pytest.approx(1 / 5)
    assert res.value("employment.rate.internal_control") == pytest.approx(1 / 6)
    f = res.frame.set_index("participant_id")
    assert f.loc["P-T0002", "event"] == 0 and f.loc["P-T0002", "days"] == 303  # censored
    # status describes 2016-12-31, after the cut-off: not used
    assert res.status is None
    assert res.status_unused == Value(16, n=16) == res.policy.count(int(f["has_outcome"].sum()))


def test_small_case_status_by_arm(small_dir):
    res = em.compute(stage_of(small_dir, FINAL), P5)
    st = res.status.set_index("status")
    assert st.loc["ordinary_paid", "n_treatment"] == 3
    assert st.loc["sosialhjelp", "n_internal_control"] == 1
    assert st.loc["aap", "share_treatment"] == pytest.approx(3 / 6)
    assert st["n_treatment"].sum() == 6


def test_small_case_suppression(small_dir):
    res = em.compute(stage_of(small_dir, FINAL), load_params(min_cell=7))
    for arm in ARMS:
        assert res.value(f"employment.rate.{arm}") is None
        assert res.reason(f"employment.rate.{arm}") == "suppressed"
    for key in ("employment.risk_difference", "time_to_work.hazard_ratio",
                "employment.by_office.moss", "employment.external.odds_ratio_adjusted"):
        assert res.value(key) is None and res.reason(key) == "suppressed", key


def test_arm_without_register_data(tmp_path):
    t = _small_tables()
    t["outcomes"] = t["outcomes"][~t["outcomes"]["participant_id"].str.startswith("P-E")]
    write_tables(tmp_path, t)
    res = em.compute(stage_of(tmp_path, FINAL), P1)
    assert res.value("employment.rate.external_control") is None
    assert "no" in res.reason("employment.rate.external_control")
    assert res.value("employment.rate.treatment") is not None
    assert res.value("employment.external.odds_ratio_adjusted") is None


def test_no_outcomes_file(tmp_path):
    write_tables(tmp_path, _small_tables(), names=("offices", "participants"))
    res = em.compute(stage_of(tmp_path, FINAL), P5)
    assert not res.available
    for key in REQUIRED:
        assert res.value(key) is None and "outcomes" in res.reason(key)
    assert all(v.reason for v in res.values.values() if not v.shown)


# --------------------------------------------------------- default demo: both stages, shows

@pytest.fixture(scope="module")
def demo_stages(demo_dir):
    ds = tidy.load(demo_dir)
    return {cut: tidy.prepare(ds, cut) for cut in (FINAL, INTERIM)}


@pytest.mark.parametrize("cutoff", [FINAL, INTERIM])
def test_default_demo_has_every_required_value(demo_stages, cutoff):
    res = em.compute(demo_stages[cutoff], P5)
    for key in REQUIRED:
        value = res.value(key)
        assert value is not None, (key, res.reason(key))
        if isinstance(value, dict):
            assert None not in value.values(), key
            assert value["ci_low"] <= value["estimate"] <= value["ci_high"], key
    for arm in ARMS:
        assert 0 <= res.value(f"employment.rate.{arm}") <= 1
    # every null (e.g. a suppressed count) carries its reason
    assert all(v.reason for v in res.values.values() if not v.shown)


def _run_shows(stage, language, tmp_path, min_cell=5):
    params = load_params(stage="final", language=language, min_cell=min_cell, seed=2016)
    frag = tmp_path / f"frag-{language}.json"
    ch = Chapter("employment", 3, stage, params, frag)
    shown: list[str] = []
    ch._show = shown.append
    res = em.compute(ch.data, ch.params)
    ch.record(res)
    ch.heading("job_title")
    for show in (em.show_intro, em.show_rates, em.show_effect, em.show_by_office,
                 em.show_time_to_work, em.show_external, em.show_status, em.show_limits):
        show(ch, res)
    return res, "\n".join(shown), json.loads(frag.read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("cutoff", [FINAL, INTERIM])
def test_sections_render_and_text_uses_the_recorded_numbers(demo_stages, cutoff, language,
                                                            tmp_path):
    from pku_eval.text import fmt_num, fmt_pct

    _res, page, frag = _run_shows(demo_stages[cutoff], language, tmp_path)
    words = re.sub(r'<img[^>]*>', "", page)
    assert not re.search(r"\bnan\b", words, re.IGNORECASE)
    rd = frag["values"]["employment.risk_difference"]
    assert fmt_num(100 * rd["estimate"], 1, language) in page
    hr = frag["values"]["time_to_work.hazard_ratio"]
    assert fmt_num(hr["estimate"], 2, language) in page
    assert fmt_pct(frag["values"]["employment.rate.treatment"], language) in page
    assert ("observasjonell" if language == "nb" else "observational") in page
    assert page.count("<figure") >= 4
    if cutoff == INTERIM:
        assert ("brukes ikke" if language == "nb" else "is not used") in page
    for path, value in frag["values"].items():
        if value is None or (isinstance(value, dict) and None in value.values()):
            assert frag["null_reasons"].get(path), path


def test_sections_without_outcomes(tmp_path):
    write_tables(tmp_path / "d", _small_tables(), names=("offices", "participants"))
    _, page, frag = _run_shows(stage_of(tmp_path / "d", FINAL), "nb", tmp_path)
    assert "Registerdata (filen outcomes) finnes ikke" in page
    for key in REQUIRED:
        assert frag["values"][key] is None and frag["null_reasons"][key]


def test_small_groups_are_not_drawn_or_published(small_dir, tmp_path):
    _res, page, frag = _run_shows(stage_of(small_dir, FINAL), "en", tmp_path, min_cell=7)
    assert frag["values"]["employment.rate.treatment"] is None
    assert frag["null_reasons"]["employment.rate.treatment"] == "suppressed"
    assert "<img" not in page  # no group reaches min_cell: nothing is drawn
    assert "fewer than 7" in page


# ------------------------------------------------------- the chapter contract (issue #13)

def _fingerprint(stage) -> str:
    """A hash of every table of the stage (values, index, columns, dtypes)."""
    h = hashlib.sha256()
    frames = {"participants": stage.participants, "offices": stage.offices,
              **{n: stage.tables[n] for n in stage.tables}}
    for name, df in sorted(frames.items()):
        h.update(name.encode())
        h.update(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes())
        h.update(repr((list(df.columns), [str(t) for t in df.dtypes])).encode())
    return h.hexdigest()


def test_result_is_frozen_and_compute_is_pure(small_dir, tmp_path):
    stage = stage_of(small_dir, FINAL)
    before, params_before = _fingerprint(stage), dataclasses.asdict(P5)
    res = em.compute(stage, P5)
    assert _fingerprint(stage) == before and dataclasses.asdict(P5) == params_before
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.available = False
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.values = {}
    with pytest.raises(TypeError):
        res.values["employment.rate.treatment"] = Value(1.0)
    with pytest.raises(TypeError):
        res.hazard["estimate"] = 1.0
    assert all(isinstance(v, Value) for v in res.values.values())
    assert res.policy.min_cell == 5
    # the values carry the number of people they rest on
    assert res.values["employment.rate.treatment"].n == 6
    assert res.values["employment.missing_outcome.treatment"] == Value.null("suppressed", n=1)
    # showing changes neither the result nor the stage
    frames = {k: getattr(res, k).copy() for k in ("frame", "counts", "by_office", "status")}
    _run_shows(stage, "nb", tmp_path)
    for k, df in frames.items():
        pd.testing.assert_frame_equal(getattr(res, k), df)
    assert _fingerprint(stage) == before


def test_an_estimate_with_undefined_parts_keeps_its_reason(tmp_path):
    """An estimate object with an infinite limit is published with its defined parts, and
    results.json gives the reason of the null parts (as before the values were frozen)."""
    from pku_eval.chapters.employment.computation import _estimate

    est = _estimate(
        pd.Series({"estimate": 2.0, "ci_low": 1.1, "ci_high": np.inf, "p_value": 0.04}))
    assert est.shown
    assert est.estimate["ci_high"] is None and est.reason == em.R_UNDEFINED
    with pytest.raises(ValueError):
        Value({"estimate": 2.0}, reason=em.R_UNDEFINED)  # nothing is undefined
    frag = tmp_path / "frag.json"
    ch = Chapter("employment", 3, None, P5, frag)
    ch.record(type("R", (), {"values": {"employment.risk_ratio": est}})())
    got = json.loads(frag.read_text(encoding="utf-8"))
    assert got["values"]["employment.risk_ratio"]["ci_high"] is None
    assert got["null_reasons"]["employment.risk_ratio.ci_high"] == em.R_UNDEFINED


def test_km_shares_are_values_decided_by_the_policy(small_dir):
    res = em.compute(stage_of(small_dir, FINAL), P5)
    t12 = res.km_at[12]["treatment"]
    assert t12 == Value.null("suppressed", n=3)     # 3 still at risk after 12 months
    res1 = em.compute(stage_of(small_dir, FINAL), load_params(min_cell=1))
    assert res1.km_at[12]["treatment"].estimate == pytest.approx(1 - 5 / 6 * 4 / 5)


def _table_cells(page: str, caption: str) -> list[list[str]]:
    """The body cells of the table whose caption contains ``caption``."""
    start = page.index(caption)
    body = page[page.index("<tbody>", start):page.index("</tbody>", start)]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in body.split("</tr>") if row]


def test_status_table_withholds_a_share_with_its_count(demo_stages, tmp_path):
    """A share of a withheld count would give the count back (3,3 % of 91 is 3), and so would
    the arm's total minus the other statuses: the share goes with its count, and the policy's
    secondary suppression runs over the status × arm counts."""
    # min_cell 7: the default demo's smallest status × arm counts at its extract are 5 and 6
    _, page, _ = _run_shows(demo_stages[FINAL], "nb", tmp_path, min_cell=7)
    rows = _table_cells(page, "Status på uttrekksdatoen per gruppe")
    counts = [[r[1 + 2 * k] for k in range(len(ARMS))] for r in rows]
    shares = [[r[2 + 2 * k] for k in range(len(ARMS))] for r in rows]
    assert any("*" in c for row in counts for c in row)  # the demo has a small status
    for n_row, s_row in zip(counts, shares):
        for n, share in zip(n_row, s_row):
            assert (n == "*") == (share == "*"), (n, share)
    for k in range(len(ARMS)):
        column = [row[k] for row in counts]
        assert column.count("*") != 1, column  # never one withheld cell alone in a column


# ------------------------------------------------------------------------ notebook smoke

@pytest.mark.slow
def test_notebook_runs_on_demo_data(demo_dir, tmp_path):
    import papermill as pm

    frag = tmp_path / "employment.json"
    prm = write_params(load_params(chapters=["employment"], stage="final", cutoff_date=FINAL),
                       tmp_path / "params.json")
    pm.execute_notebook(str(config.NOTEBOOKS_DIR / "employment.ipynb"),
                        str(tmp_path / "employment.ipynb"),
                        parameters={"params_file": str(prm), "data_dir": str(demo_dir),
                                    "results_file": str(frag)},
                        kernel_name=config.KERNEL_NAME, progress_bar=False,
                        cwd=str(config.NOTEBOOKS_DIR))
    got = json.loads(frag.read_text(encoding="utf-8"))
    for key in REQUIRED:
        value = got["values"][key]
        assert value is not None, (key, got["null_reasons"].get(key))
        if isinstance(value, dict):
            assert all(v is not None and np.isfinite(v) for v in value.values()), key
    assert set(got["values"]["employment.risk_difference"]) == {
        "estimate", "ci_low", "ci_high", "p_value"}
