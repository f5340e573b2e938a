"""Loader and validator: good files pass; bad files give every problem with file, row, column,
value and expectation; the CLI exits 1 without a traceback."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from conftest import read, write

from pku_eval.errors import DataValidationError
from pku_eval.tidy import load
from pku_eval.validate import looks_like_national_id, validate_dir


def errors_of(d):
    _, problems = validate_dir(d)
    return [p for p in problems if p.severity == "error"]


def test_demo_data_are_valid(demo_dir):
    assert errors_of(demo_dir) == []
    ds = load(demo_dir)
    assert set(ds.tables) >= {"offices", "participants", "survey", "se_log", "outcomes",
                              "learning_survey", "employer_survey"}
    # ids stay strings, dates are dates
    assert ds.tables["participants"]["participant_id"].map(type).eq(str).all()
    assert str(ds.tables["participants"]["enrolled_date"].dtype).startswith("datetime64")


def test_every_problem_is_listed_with_row_column_value(data_copy):
    s = read(data_copy, "survey")
    s.loc[2, "mastery_3"] = "6"           # out of range (1–4, or 8/9)
    s.loc[5, "wave"] = "T3"               # unknown code
    s.loc[7, "response_date"] = "31/12/2015"  # neither ISO nor DD.MM.YYYY
    s.loc[9, "participant_id"] = "P-99999"    # dangling reference
    write(data_copy, "survey", s)
    errs = errors_of(data_copy)
    got = {(e.file, e.row, e.column, e.value) for e in errs}
    assert ("survey.csv", 4, "mastery_3", "6") in got
    assert ("survey.csv", 7, "wave", "T3") in got
    assert ("survey.csv", 9, "response_date", "31/12/2015") in got
    assert ("survey.csv", 11, "participant_id", "P-99999") in got
    msg = str(DataValidationError(errs))
    assert "a value in 1–4" in msg and "one of T0, T1, T2" in msg


def test_missing_required_file_and_column(data_copy):
    (data_copy / "offices.csv").unlink()
    p = read(data_copy, "participants").drop(columns=["gender"])
    write(data_copy, "participants", p)
    errs = errors_of(data_copy)
    assert any(e.file == "offices.csv" and "required file is missing" in e.expected for e in errs)
    assert any(e.file == "participants.csv" and e.column == "gender"
               and "required column" in e.expected for e in errs)


def test_optional_file_missing_is_a_notice(data_copy):
    (data_copy / "employer_survey.csv").unlink()
    _, problems = validate_dir(data_copy)
    assert [p.severity for p in problems if p.file.startswith("employer_survey")] == ["notice"]
    assert errors_of(data_copy) == []


def test_two_formats_of_one_file_is_an_error(data_copy):
    read(data_copy, "offices").to_excel(data_copy / "offices.xlsx", index=False)
    errs = errors_of(data_copy)
    assert any("two formats" in e.expected for e in errs)


def test_cross_file_rules(data_copy):
    p = read(data_copy, "participants")
    ext = p.index[p["arm"] == "external_control"][0]
    p.loc[ext, "office"] = "moss"  # external control at a trial office
    p.loc[ext, "randomised"] = "1"
    write(data_copy, "participants", p)
    log = read(data_copy, "se_log")
    pid_ctrl = p.loc[p["arm"] == "internal_control", "participant_id"].iloc[0]
    log.loc[0, "participant_id"] = pid_ctrl
    write(data_copy, "se_log", log)
    errs = errors_of(data_copy)
    row = ext + 2
    assert any(e.row == row and e.column == "arm" and "reference offices" in e.expected
               for e in errs)
    assert any(e.row == row and e.column == "randomised" for e in errs)
    assert any(e.file == "se_log.csv" and e.row == 2 and "treatment" in e.expected
               for e in errs)


def test_dates_in_wrong_order(data_copy):
    s = read(data_copy, "survey")
    s.loc[0, "response_date"] = "2010-01-01"
    write(data_copy, "survey", s)
    o = read(data_copy, "outcomes")
    o.loc[0, "first_job_date"] = "2030-01-01"
    write(data_copy, "outcomes", o)
    errs = errors_of(data_copy)
    assert any(e.file == "survey.csv" and e.row == 2 and "enrolled_date" in e.expected
               for e in errs)
    assert any(e.file == "outcomes.csv" and e.row == 2 and e.column == "first_job_date"
               for e in errs)


def test_codes_with_whitespace_or_capitals_are_named(data_copy):
    p = read(data_copy, "participants")
    p.loc[0, "gender"] = "Kvinne"
    p.loc[1, "arm"] = "treatment "
    write(data_copy, "participants", p)
    errs = errors_of(data_copy)
    hits = [e for e in errs if e.row in (2, 3) and e.column in ("gender", "arm")]
    assert len(hits) == 2 and all("lower-case" in e.expected for e in hits)


def test_duplicates(data_copy):
    s = read(data_copy, "survey")
    write(data_copy, "survey", pd.concat([s, s.iloc[[0]]], ignore_index=True))
    errs = errors_of(data_copy)
    assert any(e.file == "survey.csv" and e.row == len(s) + 2 and e.column == "wave"
               for e in errs)


def test_problem_list_is_bounded_per_file(data_copy):
    s = read(data_copy, "survey")
    s["health"] = "7"
    write(data_copy, "survey", s)
    errs = [e for e in errors_of(data_copy) if e.column == "health"]
    assert len(errs) == 51  # 50 shown + one line counting the rest
    assert f"and {len(s) - 50} more rows" in errs[-1].expected


def test_national_id_numbers_are_refused_without_printing_them(data_copy):
    # 15076500565 is a synthetic fødselsnummer with valid check digits (Skatteetaten test range)
    p = read(data_copy, "participants")
    p["note"] = ""
    p.loc[3, "note"] = "15076500565"
    write(data_copy, "participants", p)
    res = subprocess.run([sys.executable, "-m", "pku_eval.cli", "validate", "--data",
                          str(data_copy)], capture_output=True, text=True)
    assert res.returncode == 1
    assert "participants.csv" in res.stdout and "'note'" in res.stdout
    assert "15076500565" not in res.stdout + res.stderr


def test_national_id_refusal_counts_cells_and_names_rows(data_copy):
    p = read(data_copy, "participants")
    p["note"] = ""
    p.loc[[3, 7], "note"] = ["ring 150765 00565", "15076500565"]
    write(data_copy, "participants", p)
    hits = [e for e in errors_of(data_copy) if e.column == "note"]
    assert len(hits) == 1 and hits[0].file == "participants.csv"
    assert "national identity numbers" in hits[0].expected
    assert "in 2 cells (rows 5, 9)" in hits[0].expected
    assert "00565" not in str(hits[0])


def test_national_id_check_digits():
    s = pd.Series(["15076500565", "15076500566", "01010112345", "P-12345", "4512345678"])
    assert looks_like_national_id(s).tolist() == [True, False, False, False, False]


def test_cli_validate_exit_codes(demo_dir, data_copy):
    ok = subprocess.run([sys.executable, "-m", "pku_eval.cli", "validate", "--data",
                         str(demo_dir)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    s = read(data_copy, "survey")
    s.loc[0, "mastery_1"] = "x"
    s.loc[1, "wave"] = "T9"
    write(data_copy, "survey", s)
    bad = subprocess.run([sys.executable, "-m", "pku_eval.cli", "validate", "--data",
                          str(data_copy)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "Traceback" not in bad.stdout + bad.stderr
    assert "survey.csv, row 2, column 'mastery_1'" in bad.stdout
    assert "survey.csv, row 3, column 'wave'" in bad.stdout


@pytest.mark.parametrize("content, expected", [
    (b"", "empty"),
    # Windows-1252 letters after UTF-8 ones: two encodings in one file
    ("office,name\nmoss,NAV Karm\u00f8y\n".encode() + "rygge,NAV R\xf8yken\n".encode("cp1252"),
     "mixed encodings"),
    # a byte neither UTF-8 nor Windows-1252 defines
    (b"office,name\nmoss,NAV Moss\x81\n", "neither UTF-8 nor Windows-1252 (a byte at row 2"),
    # both separators split the header and no contract column is named
    (b"a;b,c\n1;2,3\n", "the separator cannot be told apart"),
])
def test_unreadable_csv_is_refused_with_reason(data_copy, content, expected):
    (data_copy / "offices.csv").write_bytes(content)
    errs = errors_of(data_copy)
    assert any(e.file == "offices.csv" and expected in e.expected for e in errs)


def test_header_only_file(data_copy):
    (data_copy / "outcomes.csv").write_text(
        "participant_id,followup_date,first_job_date,status\n", encoding="utf-8")
    errs = errors_of(data_copy)
    assert any(e.file == "outcomes.csv" and "no data rows" in e.expected for e in errs)


def test_aeoeaa_survive(demo_dir):
    ds = load(demo_dir)
    assert "NAV Røyken" in set(ds.tables["offices"]["name"])
