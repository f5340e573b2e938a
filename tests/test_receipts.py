"""Receipts of deliveries (#18): a re-delivered survey file is compared with its previous
delivery — rows added, removed and changed, values changed in waves delivered before, codes
that appeared or disappeared, response dates earlier than the previous latest — with the
right counts, from keyed hashes only (never an id or a value in a receipt)."""

from __future__ import annotations

import io
import json
import shutil
import stat
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
import pytest
import yaml
from conftest import read, run_build, write

from pku_eval import cli, config, receipts
from pku_eval.chapters.data_quality.content import delivery_table


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory):
    """A small demo delivery (80 participants): the receipts tests read it many times."""
    from pku_eval.demo import write_demo

    d = tmp_path_factory.mktemp("small") / "data"
    write_demo(d, participants=80)
    return d


@pytest.fixture
def data_copy(small_demo, tmp_path):
    d = tmp_path / "data"
    shutil.copytree(small_demo, d)
    return d


def validate(d, folder) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["validate", "--data", str(d), "--receipts", str(folder)])
    return code, out.getvalue() + err.getvalue()


def sha(d) -> dict:
    from pku_eval.files import sha256_file

    return {p.name: sha256_file(p) for p in d.iterdir() if p.suffix == ".csv"}


def redeliver(d) -> dict:
    """Change the survey as a redone export would, and return the counts expected."""
    s = read(d, "survey")
    p = read(d, "participants")
    before = s.copy()
    t0 = s.index[s["wave"] == "T0"]
    t1 = s.index[s["wave"] == "T1"]
    # values changed in waves delivered before: one T0 row (two values), one T1 row (one)
    s.loc[t0[0], "mastery_2"] = "4" if s.loc[t0[0], "mastery_2"] != "4" else "3"
    s.loc[t0[0], "life_satisfaction"] = "0" if s.loc[t0[0], "life_satisfaction"] != "0" else "1"
    s.loc[t1[1], "health"] = "1" if s.loc[t1[1], "health"] != "1" else "2"
    # one T2 row removed
    t2 = s.index[s["wave"] == "T2"]
    s = s.drop(index=t2[0])
    # two T2 rows added (late answers) dated before the previous delivery's latest, one after
    latest = pd.to_datetime(before["response_date"]).max()
    have_t2 = set(s.loc[s["wave"] == "T2", "participant_id"]) | {before.loc[t2[0],
                                                                           "participant_id"]}
    enrolled = pd.to_datetime(p.set_index("participant_id")["enrolled_date"])
    candidates = [pid for pid in p["participant_id"]
                  if pid not in have_t2 and p.set_index("participant_id").loc[pid, "withdrawn_date"] == ""
                  and enrolled[pid] + pd.Timedelta(days=400) < latest]
    rows = []
    for k, pid in enumerate(candidates[:3]):
        day = (latest - pd.Timedelta(days=10)) if k < 2 else (latest + pd.Timedelta(days=5))
        row = before.iloc[0].copy()
        row["participant_id"], row["wave"] = pid, "T2"
        row["response_date"] = day.date().isoformat()
        rows.append(row)
    s = pd.concat([s, pd.DataFrame(rows)], ignore_index=True)
    write(d, "survey", s)
    return {"added": 3, "removed": 1, "changed": 2, "values": 3, "earlier": 2,
            "by_wave": (("T0", 1, 2), ("T1", 1, 1)),
            "appeared": sorted(set(s["employment"]) - set(before["employment"]) - {""}),
            "gone": sorted(set(before["employment"]) - set(s["employment"]) - {""})}


def test_a_redelivered_survey_is_reported_with_the_right_counts(data_copy, tmp_path):
    folder = tmp_path / "receipts"
    code, text = validate(data_copy, folder)
    assert code == 0 and "DELIVERY: first delivery recorded for this data folder" in text
    want = redeliver(data_copy)
    code, text = validate(data_copy, folder)
    assert code == 0, text[-2000:]
    d = receipts.compare(folder, sha(data_copy))
    survey = next(f for f in d.files if f.name == "survey")
    assert (survey.added, survey.removed, survey.changed, survey.values_changed,
            survey.earlier_dates) == (want["added"], want["removed"], want["changed"],
                                      want["values"], want["earlier"])
    assert survey.changed_by_wave == want["by_wave"]
    assert [v for c, v in survey.codes_appeared if c == "employment"] == want["appeared"]
    assert [v for c, v in survey.codes_disappeared if c == "employment"] == want["gone"]
    assert survey.warning and d.warning
    others = [f for f in d.files if f.name != "survey"]
    assert all(f.previous is None and not f.warning for f in others)  # unchanged since first
    assert ("WARNING: already-delivered data changed: survey.csv: "
            f"{survey.rows_before} → {survey.rows_now} rows; 3 added, 1 removed, 2 changed "
            "(3 values); in waves delivered before: T0 1 rows/2 values, T1 1 rows/1 values") \
        in text
    # the chapter's table: one row, the same counts
    table = delivery_table(d)
    assert table[["file", "added", "removed", "changed", "values_changed",
                  "earlier_dates"]].values.tolist() == [["survey.csv", 3, 1, 2, 3, 2]]


def test_rebuilding_the_same_data_keeps_showing_the_same_changes(data_copy, tmp_path):
    folder = tmp_path / "receipts"
    validate(data_copy, folder)
    redeliver(data_copy)
    validate(data_copy, folder)
    first = receipts.compare(folder, sha(data_copy))
    n = len(list(next(p for p in folder.iterdir() if p.is_dir()).iterdir()))
    validate(data_copy, folder)  # same content: no new receipt, the same comparison
    assert len(list(next(p for p in folder.iterdir() if p.is_dir()).iterdir())) == n == 2
    assert receipts.compare(folder, sha(data_copy)) == first


def test_receipts_hold_no_ids_and_no_values(data_copy, tmp_path):
    folder = tmp_path / "receipts"
    validate(data_copy, folder)
    redeliver(data_copy)
    validate(data_copy, folder)
    ids = set(read(data_copy, "participants")["participant_id"]) | set(
        read(data_copy, "learning_survey")["respondent_id"]) | set(
        read(data_copy, "se_log")["log_id"])
    blob = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    text = blob.decode("latin-1")
    assert not [i for i in ids if i in text]
    names = set(read(data_copy, "offices")["name"])
    assert not [n for n in names if n in text]  # a text column's values are not kept either
    key = folder / receipts.KEY_FILE
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_invalid_data_get_no_receipt(data_copy, tmp_path):
    s = read(data_copy, "survey")
    s.loc[0, "wave"] = "T9"
    write(data_copy, "survey", s)
    folder = tmp_path / "receipts"
    code, _ = validate(data_copy, folder)
    assert code == 1 and not any(folder.rglob("receipt.json"))


def test_default_place_and_beside_the_report_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("PKU_EVAL_RECEIPTS_DIR", raising=False)
    assert receipts.default_folder() == config.REPORTS_DIR / ".receipts"
    assert receipts.folder_beside(tmp_path / "out" / "final") == tmp_path / "out" / ".receipts"
    ignored = (config.PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8")
    assert "reports/*" in ignored and ".receipts/" in ignored


@pytest.mark.slow
def test_a_rebuild_after_a_redone_export_warns_in_the_report(tmp_path, monkeypatch):
    """Build, re-deliver a changed survey, build again into the same folder: the data-quality
    chapter warns at its top and counts the changes (from the receipts beside the reports)."""
    monkeypatch.delenv("PKU_EVAL_RECEIPTS_DIR")  # the receipts' default place is the subject
    from pku_eval.demo import write_demo

    d = tmp_path / "data"
    write_demo(d, participants=80)
    params = yaml.safe_load((config.PARAMS_DIR / "interim.yml").read_text(encoding="utf-8"))
    params["chapters"] = ["data_quality"]
    params.pop("compare_with", None)
    pfile = tmp_path / "params.yml"
    pfile.write_text(yaml.safe_dump(params), encoding="utf-8")
    out = tmp_path / "reports" / "interim"
    res = run_build(pfile, d, out)
    assert res.returncode == 0, res.stderr[-3000:]
    assert (tmp_path / "reports" / ".receipts" / receipts.KEY_FILE).exists()
    first = (out / "report.html").read_text(encoding="utf-8")
    assert "første registrerte leveransen" in first
    redeliver(d)
    res = run_build(pfile, d, out)
    assert res.returncode == 0, res.stderr[-3000:]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Advarsel: data som var levert før, er endret" in html
    assert "Endringer siden hver fils forrige leveranse" in html
    tables = json.loads((out / "tables.json").read_text(encoding="utf-8"))
    assert "Endringer siden hver fils forrige leveranse" in json.dumps(tables, ensure_ascii=False)


def test_a_redelivered_question_wording_is_compared_question_by_question(data_copy, tmp_path):
    """The optional wording file has a row key (its variable): a reworded question is a
    changed row, a newly worded one an added row, and the data-quality chapter warns of it."""
    folder = tmp_path / "receipts"
    rows = [("mastery_1", "Jeg klarer det meste.", "I manage most things."),
            ("mastery_2", "Jeg finner løsninger.", "I find solutions.")]
    pd.DataFrame(rows, columns=["variable", "wording_nb", "wording_en"]).to_csv(
        data_copy / "wording.csv", index=False)
    code, text = validate(data_copy, folder)
    assert code == 0, text[-2000:]
    rows[1] = ("mastery_2", "Jeg finner som regel løsninger.", "I find solutions.")
    rows.append(("mastery_3", "Jeg får det til.", "I get it done."))
    pd.DataFrame(rows, columns=["variable", "wording_nb", "wording_en"]).to_csv(
        data_copy / "wording.csv", index=False)
    code, text = validate(data_copy, folder)
    assert code == 0, text[-2000:]
    d = receipts.compare(folder, sha(data_copy))
    wording = next(f for f in d.files if f.name == "wording")
    assert (wording.rows_before, wording.rows_now, wording.added, wording.removed,
            wording.changed, wording.values_changed) == (2, 3, 1, 0, 1, 1)
    assert wording.warning and d.warning
