"""A corpus of bad input files (at least 30 cases across all seven files): each is refused by
the CLI with exit 1, a message naming file, row, column, value and what was expected, and no
traceback. Plus encodings and separators: read correctly or refused with a reason."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stderr, redirect_stdout

import pandas as pd
import pytest
from conftest import read, write

from pku_eval import cli


def set_cell(name, row, col, value):
    def mutate(d):
        f = read(d, name)
        f.loc[row, col] = value
        write(d, name, f)
    return mutate


def drop_col(name, col):
    def mutate(d):
        write(d, name, read(d, name).drop(columns=[col]))
    return mutate


def rename_col(name, col, new):
    def mutate(d):
        write(d, name, read(d, name).rename(columns={col: new}))
    return mutate


def dup_row(name, row):
    def mutate(d):
        f = read(d, name)
        write(d, name, pd.concat([f, f.iloc[[row]]], ignore_index=True))
    return mutate


def raw_text(name, text, encoding="utf-8"):
    def mutate(d):
        (d / f"{name}.csv").write_bytes(text.encode(encoding))
    return mutate


def label_row(name):
    def mutate(d):
        f = read(d, name)
        labels = pd.DataFrame([{c: c.replace("_", " ").title() for c in f.columns}])
        write(d, name, pd.concat([labels, f], ignore_index=True))
    return mutate


def ragged_row(name, row, extra):
    """Row ``row`` (as a spreadsheet numbers it) gets one cell more than the header."""
    def mutate(d):
        path = d / f"{name}.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        lines[row - 1] += f",{extra}"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return mutate


def also_xlsx(name):
    def mutate(d):
        read(d, name).to_excel(d / f"{name}.xlsx", index=False)
    return mutate


def first_pid(arm=None):
    def get(d):
        p = read(d, "participants")
        return p.loc[p["arm"] == arm, "participant_id"].iloc[0] if arm else "P-99999"
    return get


# (id, mutation, file, row or None, column or None, words expected in the message)
CASES = [
    ("offices-missing-column", drop_col("offices", "role"), "offices.csv", None, "role", "required column"),
    ("offices-unknown-project", set_cell("offices", 0, "project", "nav"), "offices.csv", 2, "project", "one of klar"),
    ("offices-duplicate-office", dup_row("offices", 0), "offices.csv", 14, "office", "unique"),
    ("offices-staff-text", set_cell("offices", 1, "staff", "many"), "offices.csv", 3, "staff", "whole number"),
    ("participants-misnamed-column", rename_col("participants", "birth_year", "Birth_Year"), "participants.csv", None, "birth_year", "lower-case"),
    ("participants-unknown-office", set_cell("participants", 0, "office", "oslo"), "participants.csv", 2, "office", "listed in offices"),
    ("participants-birth-year-range", set_cell("participants", 1, "birth_year", "1890"), "participants.csv", 3, "birth_year", "1950–2005"),
    ("participants-bad-date", set_cell("participants", 2, "enrolled_date", "2014/03/01"), "participants.csv", 4, "enrolled_date", "YYYY-MM-DD"),
    ("participants-duplicate-id", dup_row("participants", 0), "participants.csv", 602, "participant_id", "unique"),
    ("participants-short-id", set_cell("participants", 3, "participant_id", "123"), "participants.csv", 5, "participant_id", "at least 5 characters"),
    ("participants-mixed-case-code", set_cell("participants", 4, "gender", "Mann"), "participants.csv", 6, "gender", "lower-case"),
    ("participants-trailing-space", set_cell("participants", 5, "education", "vgs "), "participants.csv", 7, "education", "without spaces"),
    ("participants-immigrant-2", set_cell("participants", 6, "immigrant", "2"), "participants.csv", 8, "immigrant", "0 or 1"),
    ("participants-empty-required", set_cell("participants", 7, "arm", ""), "participants.csv", 9, "arm", "required"),
    ("participants-withdrawn-before-enrolled", set_cell("participants", 8, "withdrawn_date", "2000-01-01"), "participants.csv", 10, "withdrawn_date", "not before enrolled_date"),
    ("participants-label-row", label_row("participants"), "participants.csv", 2, "participant_id", "label row"),
    ("survey-likert-out-of-range", set_cell("survey", 0, "satisfaction_2", "7"), "survey.csv", 2, "satisfaction_2", "1–5"),
    ("survey-unknown-wave", set_cell("survey", 1, "wave", "T4"), "survey.csv", 3, "wave", "T0, T1, T2"),
    ("survey-dangling-participant", set_cell("survey", 2, "participant_id", "P-99999"), "survey.csv", 4, "participant_id", "listed in participants"),
    ("survey-duplicate-wave", dup_row("survey", 0), "survey.csv", None, "wave", "one row per participant and wave"),
    ("survey-response-before-enrolment", set_cell("survey", 3, "response_date", "2010-01-01"), "survey.csv", 5, "response_date", "enrolled_date"),
    ("survey-hours-decimal-comma", set_cell("survey", 4, "hours_per_week", "37,5"), "survey.csv", 6, "hours_per_week", "decimal comma"),
    ("survey-life-satisfaction-11", set_cell("survey", 5, "life_satisfaction", "11"), "survey.csv", 7, "life_satisfaction", "0–10"),
    ("se-log-unknown-contact", set_cell("se_log", 0, "contact_type", "visit"), "se_log.csv", 2, "contact_type", "one of meeting"),
    ("se-log-stage-6", set_cell("se_log", 1, "se_stage", "6"), "se_log.csv", 3, "se_stage", "1–5"),
    ("se-log-minutes-too-many", set_cell("se_log", 2, "minutes", "600"), "se_log.csv", 4, "minutes", "0–480"),
    ("se-log-control-participant", None, "se_log.csv", 5, "participant_id", "treatment"),
    ("se-log-before-enrolment", set_cell("se_log", 4, "date", "2010-01-01"), "se_log.csv", 6, "date", "enrolled_date"),
    ("outcomes-first-job-after-followup", set_cell("outcomes", 0, "first_job_date", "2030-01-01"), "outcomes.csv", 2, "first_job_date", "not after followup_date"),
    ("outcomes-unknown-status", set_cell("outcomes", 1, "status", "retired"), "outcomes.csv", 3, "status", "one of ordinary_paid"),
    ("outcomes-duplicate-participant", dup_row("outcomes", 0), "outcomes.csv", None, "participant_id", "unique"),
    ("learning-unknown-round", set_cell("learning_survey", 0, "round", "mid"), "learning_survey.csv", 2, "round", "pre, post"),
    ("learning-tenure-negative", set_cell("learning_survey", 1, "tenure_years", "-1"), "learning_survey.csv", 3, "tenure_years", "0–45"),
    ("learning-unknown-office", set_cell("learning_survey", 2, "office", "bergen"), "learning_survey.csv", 4, "office", "listed in offices"),
    ("employer-size-code", set_cell("employer_survey", 0, "size", "small"), "employer_survey.csv", 2, "size", "1-9"),
    ("employer-recommend-yes", set_cell("employer_survey", 1, "would_recommend", "yes"), "employer_survey.csv", 3, "would_recommend", "0 or 1"),
    ("employer-empty-file", raw_text("employer_survey", ""), "employer_survey.csv", None, None, "empty"),
    ("outcomes-header-only", raw_text("outcomes", "participant_id,followup_date,first_job_date,status\n"), "outcomes.csv", None, None, "no data rows"),
    ("offices-two-formats", also_xlsx("offices"), "offices.csv, offices.xlsx", None, None, "two formats"),
    ("survey-national-id", set_cell("survey", 0, "participant_id", "15076500565"), "survey.csv", None, "participant_id", "national identity numbers"),
    ("participants-national-id-in-free-text", set_cell("participants", 0, "comment", "ring fnr 150765 00565"), "participants.csv", None, "comment", "national identity numbers"),
    ("survey-ragged-row", ragged_row("survey", 4, "15076500565"), "survey.csv", 4, None, "cells where the header has"),
]

# a run of 10 or more digits, also in groups: never in any message
DIGIT_RUN = re.compile(r"[0-9](?:[ .\-\u00a0\u2013]{0,3}[0-9]){9,}")


def run_validate(d) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(["validate", "--data", str(d)])
    return code, out.getvalue() + err.getvalue()


def test_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert {c[2].split(",")[0].split(".")[0] for c in CASES} >= {
        "offices", "participants", "survey", "se_log", "outcomes", "learning_survey",
        "employer_survey"}


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_with_a_precise_message(case, data_copy):
    name, mutate, file, row, column, words = case
    if mutate is None:  # se-log row for an internal-control participant
        p = read(data_copy, "participants")
        pid = p.loc[p["arm"] == "internal_control", "participant_id"].iloc[0]
        mutate = set_cell("se_log", 3, "participant_id", pid)
    mutate(data_copy)
    code, text = run_validate(data_copy)
    assert code == 1, text
    assert "Traceback" not in text
    lines = [line for line in text.splitlines() if line.startswith("ERROR") and file in line]
    assert lines, f"no error names {file}:\n{text[:2000]}"
    if row is not None:
        lines = [line for line in lines if f"row {row}," in line or f"row {row}:" in line]
        assert lines, f"no error names row {row}:\n{text[:2000]}"
    if column is not None:
        lines = [line for line in lines if f"'{column}'" in line]
        assert lines, f"no error names column {column}:\n{text[:2000]}"
    assert any(words in line for line in lines), f"expected '{words}' in:\n" + "\n".join(lines)
    assert not DIGIT_RUN.search(text), DIGIT_RUN.search(text).group(0)
    if "national" in name or "ragged" in name:  # the number (15076500565) in no form
        assert "150765" not in text and "00565" not in text


def test_all_problems_of_a_file_are_listed_together(data_copy):
    s = read(data_copy, "survey")
    s.loc[0, "wave"] = "T9"
    s.loc[1, "mastery_1"] = "5"
    o = read(data_copy, "offices")
    o.loc[0, "county"] = "oslo"
    write(data_copy, "survey", s)
    write(data_copy, "offices", o)
    code, text = run_validate(data_copy)
    assert code == 1
    assert "survey.csv, row 2, column 'wave'" in text
    assert "survey.csv, row 3, column 'mastery_1'" in text
    assert "offices.csv, row 2, column 'county'" in text


def test_extra_column_is_a_warning_not_an_error(data_copy):
    s = read(data_copy, "survey")
    s["comment"] = "ok"
    write(data_copy, "survey", s)
    code, text = run_validate(data_copy)
    assert code == 0 and "WARNING: survey.csv, column 'comment'" in text


# ---------------------------------------------------------------- encodings and separators

def test_utf8_with_bom_is_read_correctly(data_copy):
    raw = (data_copy / "offices.csv").read_bytes()
    (data_copy / "offices.csv").write_bytes(b"\xef\xbb\xbf" + raw)
    from pku_eval.tidy import load

    offices = load(data_copy).tables["offices"]
    assert list(offices.columns)[0] == "office"
    assert "NAV Røyken" in set(offices["name"])


@pytest.mark.parametrize("encoding, sep, expected", [
    ("cp1252", ",", "Windows-1252"),
    ("utf-8", ";", "semicolon"),
    ("cp1252", ";", "Windows-1252"),
])
def test_other_encodings_and_separators_are_refused_with_what_was_found(
        data_copy, encoding, sep, expected):
    f = read(data_copy, "offices")
    (data_copy / "offices.csv").write_bytes(f.to_csv(index=False, sep=sep).encode(encoding))
    code, text = run_validate(data_copy)
    assert code == 1 and expected in text and "offices.csv" in text
