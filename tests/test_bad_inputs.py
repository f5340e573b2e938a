"""A corpus of bad input files (at least 30 cases across all nine files): each is refused by
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


def session_pid(row, arm, method):
    """session_feedback row ``row`` gets a participant of ``arm`` at an office of ``method``."""
    def mutate(d):
        p = read(d, "participants")
        o = read(d, "offices").set_index("office")["method"]
        pid = p.loc[(p["arm"] == arm) & (p["office"].map(o) == method), "participant_id"].iloc[0]
        set_cell("session_feedback", row, "participant_id", pid)(d)
    return mutate


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
    ("session-ors-out-of-range", set_cell("session_feedback", 0, "ors_individual", "11"), "session_feedback.csv", 2, "ors_individual", "0–10"),
    ("session-srs-decimal-comma", set_cell("session_feedback", 1, "srs_goals", "7,5"), "session_feedback.csv", 3, "srs_goals", "decimal comma"),
    ("session-number-zero", set_cell("session_feedback", 2, "session_no", "0"), "session_feedback.csv", 4, "session_no", "1–999"),
    ("session-duplicate-number", dup_row("session_feedback", 0), "session_feedback.csv", None, "session_no", "one row per participant and session_no"),
    ("session-before-enrolment", set_cell("session_feedback", 3, "session_date", "2010-01-01"), "session_feedback.csv", 5, "session_date", "enrolled_date"),
    ("session-dangling-participant", set_cell("session_feedback", 4, "participant_id", "P-99999"), "session_feedback.csv", 6, "participant_id", "listed in participants"),
    ("session-control-participant", session_pid(5, "internal_control", "se"), "session_feedback.csv", 7, "participant_id", "treatment participants"),
    ("session-office-not-kor", session_pid(6, "treatment", "se"), "session_feedback.csv", 8, "participant_id", "method is kor"),
    ("session-missing-column", drop_col("session_feedback", "session_no"), "session_feedback.csv", None, "session_no", "required column"),
    ("actors-unknown-party", set_cell("actor_survey", 0, "party", "nav"), "actor_survey.csv", 2, "party", "one of praksis"),
    ("actors-item-out-of-range", set_cell("actor_survey", 1, "collaboration_3", "6"), "actor_survey.csv", 3, "collaboration_3", "1–5"),
    ("actors-unknown-round", set_cell("actor_survey", 2, "round", "third"), "actor_survey.csv", 4, "round", "first, second"),
    ("actors-unknown-project", set_cell("actor_survey", 3, "project", "oslo"), "actor_survey.csv", 5, "project", "one of klar"),
    ("actors-duplicate-round", dup_row("actor_survey", 0), "actor_survey.csv", None, "respondent_id", "one row per respondent and round"),
    ("actors-bad-date", set_cell("actor_survey", 4, "response_date", "2016/04/12"), "actor_survey.csv", 6, "response_date", "YYYY-MM-DD"),
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
        "employer_survey", "session_feedback", "actor_survey"}


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
    ("cp1252", ",", "','-separated, Windows-1252"),
    ("utf-8", ";", "';'-separated, UTF-8"),
    ("cp1252", ";", "';'-separated, Windows-1252"),
])
def test_other_encodings_and_separators_are_read_and_reported(
        data_copy, encoding, sep, expected):
    from pku_eval.tidy import load

    f = read(data_copy, "offices")
    (data_copy / "offices.csv").write_bytes(f.to_csv(index=False, sep=sep).encode(encoding))
    code, text = run_validate(data_copy)
    assert code == 0, text
    assert f"NOTICE: offices.csv: read as CSV, {expected}" in text
    assert "NAV Røyken" in set(load(data_copy).tables["offices"]["name"])


# ---------------------------------------------------------------- real-world shapes (#18)

def norwegian_excel(name, dates=True, decimals=True):
    """Re-save a file the way Norwegian Excel does: ';', decimal commas, Windows-1252, CRLF
    and DD.MM.YYYY dates."""
    from pku_eval.codebook import FILES

    def mutate(d):
        f = read(d, name)
        spec = FILES[name]
        for var in spec.variables:
            if var.name in f and var.kind == "date" and dates:
                f[var.name] = f[var.name].map(lambda v: f"{v[8:10]}.{v[5:7]}.{v[:4]}" if v else v)
            if var.name in f and var.kind == "number" and decimals:
                f[var.name] = f[var.name].str.replace(".", ",", regex=False)
        (d / f"{name}.csv").write_bytes(
            f.to_csv(index=False, sep=";", lineterminator="\r\n").encode("cp1252"))
    return mutate


def xlsx_with_titles(name, titles=2, sheet_first=None, serial_dates=False):
    """The file as an .xlsx with ``titles`` title rows above the header (optionally with
    another sheet in front, and the dates as Excel serial numbers)."""
    import datetime as dt

    import openpyxl

    def mutate(d):
        f = read(d, name)
        book = openpyxl.Workbook()
        ws = book.active
        if sheet_first:
            ws.title = sheet_first
            ws.append(["Om undersøkelsen"])
            ws = book.create_sheet("Svar")
        for i in range(titles):
            ws.append([f"Tittel {i + 1}"])
        ws.append(list(f.columns))
        for row in f.itertuples(index=False):
            cells = []
            for c, v in zip(f.columns, row):
                if serial_dates and c.endswith("date") and v:
                    v = (dt.date.fromisoformat(v) - dt.date(1899, 12, 30)).days
                cells.append(v if v != "" else None)
            ws.append(cells)
        book.save(d / f"{name}.xlsx")
        (d / f"{name}.csv").unlink()
    return mutate


def trailing_empty_columns(name, n=2):
    def mutate(d):
        lines = (d / f"{name}.csv").read_text(encoding="utf-8").splitlines()
        (d / f"{name}.csv").write_text("\n".join(line + "," * n for line in lines) + "\n",
                                       encoding="utf-8")
    return mutate


def csv_title_rows(name):
    def mutate(d):
        text = (d / f"{name}.csv").read_text(encoding="utf-8")
        (d / f"{name}.csv").write_text("Uttrekk fra NAV\n\n" + text, encoding="utf-8")
    return mutate


def mixed_separators(name, row):
    """Row ``row`` (as a spreadsheet numbers it) written with ';' in a ','-separated file."""
    def mutate(d):
        lines = (d / f"{name}.csv").read_text(encoding="utf-8").splitlines()
        lines[row - 1] = lines[row - 1].replace(",", ";")
        (d / f"{name}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return mutate


def mixed_encodings(name, word):
    """UTF-8 file with the row holding ``word`` in Windows-1252 ("ø" as a single byte)."""
    def mutate(d):
        raw = (d / f"{name}.csv").read_bytes().split(b"\n")
        row = next(i for i, line in enumerate(raw) if word.encode("utf-8") in line) + 1
        raw[row - 1] = raw[row - 1].decode("utf-8").encode("cp1252")
        (d / f"{name}.csv").write_bytes(b"\n".join(raw))
    return mutate


def mapping_yml(text):
    def mutate(d):
        (d / "mapping.yml").write_text(text, encoding="utf-8")
    return mutate


def both(*mutations):
    def mutate(d):
        for m in mutations:
            m(d)
    return mutate


# (id, mutation, file, row, column, words) — read correctly, with the words in a notice or
# warning that says how (file, row and column as for the errors)
READ_CASES = [
    ("norwegian-excel-csv", norwegian_excel("learning_survey"), "learning_survey.csv", None, None,
     "read as CSV, ';'-separated, decimal comma, ASCII (UTF-8 and Windows-1252 alike), CRLF"),
    ("norwegian-excel-cp1252", norwegian_excel("offices"), "offices.csv", None, None,
     "';'-separated, Windows-1252, CRLF line endings"),
    ("norwegian-date", set_cell("survey", 0, "response_date", "15.03.2015"), "survey.csv", None,
     "response_date", "1 date(s) written DD.MM.YYYY (the Norwegian form) read as the same dates"),
    ("excel-serial-date", xlsx_with_titles("survey", titles=0, serial_dates=True), "survey.xlsx",
     None, "response_date", "Excel serial number(s) read as dates (e.g. "),
    ("xlsx-title-rows", xlsx_with_titles("participants"), "participants.xlsx", 3, None,
     "the header row is row 3: the 2 row(s) above it (titles) were skipped"),
    ("xlsx-second-sheet-by-mapping", both(xlsx_with_titles("survey", titles=0, sheet_first="Info"),
                                          mapping_yml("survey: {file: survey.xlsx, sheet: Svar}\n")),
     "survey.xlsx", None, None, "sheet 'Svar', mapped onto 'survey' by mapping.yml"),
    ("csv-trailing-empty-columns", trailing_empty_columns("offices"), "offices.csv", None, None,
     "2 empty column(s) after the last named one ignored"),
]

# refused, with the guessed cause
SHAPE_CASES = [
    ("date-other-form", set_cell("survey", 0, "response_date", "03/15/2015"), "survey.csv", 2,
     "response_date", "this looks like MM/DD/YYYY"),
    ("date-two-digit-year", set_cell("survey", 1, "response_date", "15.03.15"), "survey.csv", 3,
     "response_date", "this looks like DD.MM.YY"),
    ("date-that-does-not-exist", set_cell("survey", 2, "response_date", "31.02.2015"), "survey.csv",
     4, "response_date", "a day that does not exist"),
    ("xlsx-second-sheet-unmapped", xlsx_with_titles("survey", titles=0, sheet_first="Info"),
     "survey.xlsx", None, None, "seem to be on sheet 'Svar'"),
    ("xlsx-sheet-not-there", both(xlsx_with_titles("survey", titles=0),
                                  mapping_yml("survey: {file: survey.xlsx, sheet: Svar}\n")),
     "survey.xlsx", None, None, "has no sheet 'Svar'"),
    ("csv-title-rows", csv_title_rows("offices"), "offices.csv", 3, None,
     "the header row seems to be row 3"),
    ("csv-mixed-separators", mixed_separators("offices", 4), "offices.csv", 4, None,
     "mixed separators: the header is ','-separated but row 4"),
    ("csv-mixed-encodings", mixed_encodings("offices", "Røyken"), "offices.csv", None, None,
     "mixed encodings"),
    ("column-norwegian-name", rename_col("participants", "gender", "kjønn"), "participants.csv",
     None, "gender", "column 'kjønn': did you mean 'gender'?"),
]


@pytest.mark.parametrize("case", READ_CASES, ids=[c[0] for c in READ_CASES])
def test_real_world_shape_is_read_and_reported(case, data_copy):
    _, mutate, file, row, column, words = case
    mutate(data_copy)
    code, text = run_validate(data_copy)
    assert code == 0, text[-3000:]
    where = file + (f", row {row}" if row else "") + (f", column '{column}'" if column else "")
    assert any(line.startswith(("NOTICE: " + where, "WARNING: " + where)) and words in line
               for line in text.splitlines()), f"{where}: {words}\n{text[-3000:]}"
    assert not DIGIT_RUN.search(text)


@pytest.mark.parametrize("case", SHAPE_CASES, ids=[c[0] for c in SHAPE_CASES])
def test_real_world_shape_is_refused_with_the_guessed_cause(case, data_copy):
    _, mutate, file, row, column, words = case
    mutate(data_copy)
    code, text = run_validate(data_copy)
    assert code == 1 and "Traceback" not in text
    lines = [line for line in text.splitlines() if line.startswith("ERROR") and file in line]
    if row is not None:
        lines = [line for line in lines if f"row {row}," in line or f"row {row}:" in line]
    if column is not None:
        lines = [line for line in lines if f"'{column}'" in line]
    assert any(words in line for line in lines), f"expected '{words}' in:\n{text[-3000:]}"
    assert not DIGIT_RUN.search(text)


def test_norwegian_excel_values_are_the_same(data_copy, demo_dir):
    """Decimal commas and DD.MM.YYYY become the same numbers and dates as the original."""
    import numpy as np

    from pku_eval.tidy import load

    norwegian_excel("learning_survey")(data_copy)
    a = load(demo_dir).tables["learning_survey"]
    b = load(data_copy).tables["learning_survey"]
    np.testing.assert_array_equal(a["tenure_years"].to_numpy(), b["tenure_years"].to_numpy())
    assert (a["response_date"] == b["response_date"]).all()


def test_semicolon_file_mixing_decimal_marks_names_the_cells(data_copy):
    norwegian_excel("learning_survey")(data_copy)
    path = data_copy / "learning_survey.csv"
    lines = path.read_bytes().split(b"\r\n")
    cells = lines[1].split(b";")
    tenure = lines[0].split(b";").index(b"tenure_years")
    cells[tenure] = b"7.5"
    lines[1] = b";".join(cells)
    path.write_bytes(b"\r\n".join(lines))
    code, text = run_validate(data_copy)
    assert code == 1
    assert ("ERROR: learning_survey.csv, row 2, column 'tenure_years': value '7.5': a number "
            "with a decimal comma, as in the rest of this ';'-separated file") in text


def test_a_title_row_holding_a_national_id_is_refused_without_showing_it(data_copy):
    import openpyxl

    f = read(data_copy, "offices")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Uttrekk for 15076500565"])
    ws.append(list(f.columns))
    for row in f.itertuples(index=False):
        ws.append(list(row))
    book.save(data_copy / "offices.xlsx")
    (data_copy / "offices.csv").unlink()
    code, text = run_validate(data_copy)
    assert code == 1 and "national identity number" in text
    assert "150765" not in text and "00565" not in text
