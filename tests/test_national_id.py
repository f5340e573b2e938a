"""Norwegian national identity numbers (fødselsnummer, D-number, H-number) are refused in every
form the data contract names, and no message ever shows one: not the suite's, not a library's
(a ragged CSV row), and no run of 10 or more digits in any form.

The numbers are generated here with their check digits computed by the algorithm Skatteetaten
publishes for fødselsnummer and D-nummer (DDMMYY + individual number + two mod-11 check digits,
weights 3 7 6 1 8 9 4 5 2 and 5 4 3 2 7 6 5 4 3 2; a check digit of 10 is never issued, 11
becomes 0; a D-number adds 4 to the first digit). H-numbers (helsevesenets hjelpenummer, as NAV
and the health registers use them) add 4 to the third digit. The helper is checked against two
worked examples published with that algorithm (matematikk.org's "020161 26007" and fnrinfo.no's
"31129956715") and against the synthetic number the suite's other tests use.
"""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import read, write

from pku_eval.errors import Problem, format_problems, mask_digits
from pku_eval.io import _library_message
from pku_eval.validate import looks_like_national_id, valid_national_ids

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def check_digits(nine: str) -> str | None:
    """The two check digits of the first nine digits, or None when one would be 10."""
    k1 = (11 - sum(w * int(c) for w, c in zip(W1, nine)) % 11) % 11
    if k1 == 10:
        return None
    k2 = (11 - sum(w * int(c) for w, c in zip(W2, nine + str(k1))) % 11) % 11
    return None if k2 == 10 else f"{k1}{k2}"


def make_id(ddmmyy: str, individual: int = 385, kind: str = "fnr") -> str:
    """A valid number born ``ddmmyy`` (the first individual number from ``individual`` on whose
    check digits exist); ``kind`` "d" or "h" gives a D- or H-number."""
    d = list(ddmmyy)
    if kind == "d":
        d[0] = str(int(d[0]) + 4)
    elif kind == "h":
        d[2] = str(int(d[2]) + 4)
    for i in range(individual, individual + 1000):
        nine = "".join(d) + f"{i % 1000:03d}"
        k = check_digits(nine)
        if k is not None:
            return nine + k
    raise AssertionError("no individual number has check digits")  # pragma: no cover


def invalid_check(number: str) -> str:
    """The same number with a wrong last check digit."""
    return number[:10] + str((int(number[10]) + 1) % 10)


FNR = make_id("140789")                    # 11 digits, born on the 14th
EARLY = make_id("030585", 412)             # born on the 3rd: 10 digits as a number
ZERO_END = make_id("030585", 2)            # ... and ending in 0: "3.05850032e+09" in 9 digits
DNR = make_id("220376", 517, "d")
HNR = make_id("090794", 233, "h")


def grouped(number: str, sep: str = " ") -> str:
    return number[:6] + sep + number[6:]


def test_check_digit_helper_matches_published_examples():
    assert check_digits("020161260") == "07"      # matematikk.org: 020161 26007
    assert check_digits("311299567") == "15"      # fnrinfo.no: 31129956715
    assert check_digits("150765005") == "65"      # the suite's synthetic 15076500565
    for n in (FNR, EARLY, DNR, HNR):
        assert len(n) == 11 and check_digits(n[:9]) == n[9:]
    assert int(DNR[0]) >= 4 and int(HNR[2]) >= 4 and EARLY[0] == "0"
    assert ZERO_END[0] == "0" and ZERO_END[-1] == "0"


# ---------------------------------------------------------------- the detector, form by form

FORMS = [
    ("cell", FNR),
    ("cell-with-spaces-around", f"  {FNR} "),
    ("d-number", DNR),
    ("h-number", HNR),
    ("published-example", "02016126007"),
    ("free-text", f"ring fnr {FNR}"),
    ("free-text-glued", f"fnr:{FNR}."),
    ("free-text-followed-by-digits", f"ring {FNR} 2 ganger"),
    ("two-in-one-cell", f"{invalid_check(FNR)} eller {DNR}"),
    ("space", grouped(FNR)),
    ("dash", grouped(FNR, "-")),
    ("dash-with-spaces", grouped(FNR, " - ")),
    ("dots", f"{FNR[:2]}.{FNR[2:4]}.{FNR[4:6]} {FNR[6:]}"),
    ("spaces-everywhere", f"{FNR[:2]} {FNR[2:4]} {FNR[4:6]} {FNR[6:]}"),
    ("no-break-space", grouped(FNR, "\u00a0")),
    ("grouped-in-free-text", f"pasient {grouped(DNR, '.')} ringte"),
    ("ten-digits", EARLY[1:]),
    ("ten-digits-float", EARLY[1:] + ".0"),
    ("ten-digits-scientific", f"{int(EARLY):.9e}"),
    ("ten-digits-scientific-short", np.format_float_scientific(float(ZERO_END), unique=True)),
    ("eleven-digits-float", FNR + ".0"),
]


@pytest.mark.parametrize("text", [f[1] for f in FORMS], ids=[f[0] for f in FORMS])
def test_every_form_is_found(text):
    cells = pd.Series(["P-00012", text, ""], dtype="string[pyarrow]")
    assert looks_like_national_id(cells).tolist() == [False, True, False]


def _with_impossible_date(ddmmyy: str) -> str:
    nine_start = ddmmyy
    for i in range(1000):
        k = check_digits(nine_start + f"{i:03d}")
        if k is not None:
            return nine_start + f"{i:03d}" + k
    raise AssertionError  # pragma: no cover


NOT_IDS = [
    ("invalid-check-digit", invalid_check(FNR)),
    ("old-example-invalid", "01010112345"),
    ("longer-digit-run", FNR + "1"),
    ("longer-digit-run-before", "9" + FNR),
    ("ten-digits-in-free-text", f"ring {EARLY[1:]}"),  # the lost zero is for whole cells only
    ("ten-digits-not-valid", "1407893858"),
    ("day-32", _with_impossible_date("320189")),
    ("month-13", _with_impossible_date("011389")),
    ("feb-30", _with_impossible_date("300289")),
    ("date", "2014-03-01"),
    ("phone", "+47 22 33 44 55"),
    ("decimal", "37.5"),
    ("id", "P-00012"),
    ("empty", ""),
]


@pytest.mark.parametrize("text", [f[1] for f in NOT_IDS], ids=[f[0] for f in NOT_IDS])
def test_other_numbers_are_not_national_ids(text):
    assert not looks_like_national_id(pd.Series([text], dtype="string[pyarrow]"))[0]


def test_detector_takes_any_series_and_nulls():
    assert looks_like_national_id(pd.Series([FNR, None, "x"], dtype=object)).tolist() == [
        True, False, False]
    assert looks_like_national_id(pd.Series([], dtype="string[pyarrow]")).tolist() == []


def test_check_digits_vectorised_agree_with_the_helper():
    rng = np.random.default_rng(7)
    nine = rng.integers(0, 10, (20000, 9))
    nums = []
    for row in nine:
        s = "".join(map(str, row))
        k = check_digits(s)
        nums.append(s + (k if k is not None else "00"))
    digits = np.array([[int(c) for c in n] for n in nums])
    dd, mm = digits[:, 0] * 10 + digits[:, 1], digits[:, 2] * 10 + digits[:, 3]
    dd, mm = np.where(dd > 40, dd - 40, dd), np.where(mm > 40, mm - 40, mm)
    days = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    date_ok = (mm >= 1) & (mm <= 12) & (dd >= 1) & (dd <= days[np.clip(mm, 0, 12)])
    has_k = np.array([check_digits(n[:9]) == n[9:] for n in nums])
    assert (valid_national_ids(digits) == (has_k & date_ok)).all()
    assert (has_k & date_ok).sum() > 100


# ---------------------------------------------------------------- masking of messages

LEAK = re.compile(r"[0-9](?:[ .\-\u00a0\u2013]{0,3}[0-9]){9,}")


@pytest.mark.parametrize("text", [f[1] for f in FORMS if "scientific" not in f[0]]
                         + [invalid_check(FNR), FNR + "1", "1407893858"])
def test_mask_hides_every_run_of_ten_or_more_digits(text):
    masked = mask_digits(f"value {text}!")
    assert not LEAK.search(masked) and "<digits not shown>" in masked


def test_mask_keeps_short_numbers():
    for text in ("row 5000001", "a value in 1950–2005", "2014-03-01", "123456789", "37.5"):
        assert mask_digits(text) == text


def test_a_problem_never_carries_ten_digits():
    p = Problem(f"x{FNR}.csv", 3, f"col {FNR}", f"ring {grouped(FNR)}", f"expected {FNR}")
    text = str(p) + format_problems([p]) + repr(p)
    assert not LEAK.search(text)
    assert p.value == "ring <digits not shown>"


def test_library_messages_lose_the_quoted_row():
    msg = f"CSV parse error: Expected 5 columns, got 6: P-00012,{FNR},x,y,z,w"
    assert _library_message(msg) == "Expected 5 columns, got 6"
    assert _library_message(f"bad value {FNR} here") == "bad value <digits not shown> here"


def test_a_csv_parse_error_from_pyarrow_is_not_echoed(tmp_path, monkeypatch):
    # ragged rows never reach this path (see the CLI test below); any other parse error may
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from pku_eval.io import read_file

    def fail(*args, **kwargs):
        raise pa.ArrowInvalid(f"CSV parse error: something odd: row-marker,{FNR}\nmore")

    path = tmp_path / "offices.csv"
    path.write_text("office,name\nmoss,NAV Moss\n", encoding="utf-8")
    monkeypatch.setattr(pacsv, "read_csv", fail)
    raw, problems = read_file("offices", path)
    assert raw.frame is None and len(problems) == 1
    text = str(problems[0])
    assert "cannot be parsed as CSV (something odd)" in text
    assert "row-marker" not in text and not LEAK.search(text)


@pytest.mark.parametrize("suffix", [".xlsx", ".sav"])
def test_a_broken_workbook_or_sav_file_is_refused_without_its_content(data_copy, suffix):
    from pku_eval.validate import validate_dir

    (data_copy / "offices.csv").unlink()
    (data_copy / f"offices{suffix}").write_bytes(
        f"office,name\nmoss,{FNR}\n{grouped(DNR)}\n".encode())
    _, problems = validate_dir(data_copy)
    mine = [str(p) for p in problems if p.file == f"offices{suffix}"]
    assert mine and "cannot be read as" in mine[0], mine
    assert not any(LEAK.search(m) or FNR[6:] in m or "moss" in m for m in mine), mine


# ---------------------------------------------------------------- through the command line

def validate_cli(d) -> tuple[int, str]:
    res = subprocess.run([sys.executable, "-m", "pku_eval.cli", "validate", "--data", str(d)],
                         capture_output=True, text=True, timeout=300)
    return res.returncode, res.stdout + res.stderr


def assert_never_shown(text: str, number: str) -> None:
    assert not LEAK.search(text), LEAK.search(text).group(0)
    assert number[6:] not in text          # the personal number, in no form
    assert "Traceback" not in text


def refused_for(text: str, file: str, column: str) -> list[str]:
    lines = [line for line in text.splitlines()
             if line.startswith("ERROR") and file in line and f"'{column}'" in line
             and "national identity numbers" in line]
    assert lines, text[:3000]
    return lines


def set_cell(d, name, row, col, value):
    f = read(d, name)
    f.loc[row, col] = value
    f[col] = f[col].fillna("")
    write(d, name, f)


CLI_CASES = [
    # (id, file, column, value written in a CSV cell, the number inside)
    ("plain-cell-known-column", "outcomes", "participant_id", FNR, FNR),
    ("d-number-extra-column", "se_log", "client", DNR, DNR),
    ("h-number-extra-column", "learning_survey", "patient", HNR, HNR),
    ("free-text-extra-column", "participants", "comment", f"ring fnr {FNR}", FNR),
    ("space", "employer_survey", "note", grouped(FNR), FNR),
    ("dash-known-text-column", "offices", "name", grouped(FNR, "-"), FNR),
    ("dots", "survey", "remark", f"{FNR[:2]}.{FNR[2:4]}.{FNR[4:6]} {FNR[6:]}", FNR),
    ("ten-digits-in-csv-from-a-spreadsheet", "participants", "fnr", EARLY[1:] + ".0", EARLY),
]


@pytest.mark.parametrize("case", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_refuses_each_form_without_showing_it(case, data_copy):
    _, name, column, value, number = case
    set_cell(data_copy, name, 3, column, value)
    code, text = validate_cli(data_copy)
    assert code == 1, text[:3000]
    lines = refused_for(text, f"{name}.csv", column)
    assert "1 cell (row 5)" in lines[0]
    assert_never_shown(text, number)


def test_cli_refuses_ten_digits_in_an_xlsx_numeric_cell(data_copy):
    from openpyxl import Workbook

    frame = read(data_copy, "participants")
    (data_copy / "participants.csv").unlink()
    wb = Workbook()
    ws = wb.active
    ws.append(list(frame.columns) + ["fnr"])
    for i, row in enumerate(frame.itertuples(index=False)):
        ws.append(list(row) + [int(EARLY) if i == 4 else None])   # a number: the 0 is lost
    wb.save(data_copy / "participants.xlsx")
    code, text = validate_cli(data_copy)
    assert code == 1, text[:3000]
    refused_for(text, "participants.xlsx", "fnr")
    assert_never_shown(text, EARLY)


def test_cli_refuses_ten_digits_in_a_sav_numeric_column(data_copy):
    import pyreadstat

    frame = read(data_copy, "offices")
    (data_copy / "offices.csv").unlink()
    frame["fnr"] = np.nan
    frame.loc[2, "fnr"] = float(int(EARLY))
    pyreadstat.write_sav(frame, str(data_copy / "offices.sav"))
    code, text = validate_cli(data_copy)
    assert code == 1, text[:3000]
    refused_for(text, "offices.sav", "fnr")
    assert_never_shown(text, EARLY)


def test_cli_ragged_row_is_refused_without_echoing_it(data_copy):
    path = data_copy / "survey.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    n = len(lines)
    lines[5] = lines[5] + f",ragged-marker {grouped(FNR)}"       # row 6 gets one cell too many
    lines.append(lines[7].rsplit(",", 2)[0])                         # and a short last row
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, text = validate_cli(data_copy)
    assert code == 1, text[:3000]
    assert "survey.csv, row 6: cannot be parsed as CSV" in text
    assert f"1 more row too (row {n + 1})" in text
    assert "ragged-marker" not in text and lines[5][:20] not in text
    assert_never_shown(text, FNR)


def test_cli_header_cell_that_is_a_number_is_refused_by_position(data_copy):
    f = read(data_copy, "employer_survey")
    f[grouped(DNR)] = ""
    write(data_copy, "employer_survey", f)
    code, text = validate_cli(data_copy)
    assert code == 1, text[:3000]
    assert f"header cell of column {len(f.columns)}" in text
    assert_never_shown(text, DNR)


def test_cli_invalid_check_digits_are_no_national_id_but_never_printed(data_copy):
    bad = invalid_check(FNR)
    set_cell(data_copy, "survey", 0, "participant_id", bad)
    code, text = validate_cli(data_copy)
    assert code == 1, text[:3000]
    assert "national identity" not in text
    lines = [line for line in text.splitlines() if "survey.csv, row 2, column 'participant_id'"
             in line]
    assert lines and all("value '<digits not shown>'" in line for line in lines), text[:3000]
    assert_never_shown(text, bad)


def test_cli_ordinary_numbers_pass(data_copy):
    f = read(data_copy, "participants")
    f["case_ref"] = [f"{900000000000 + i}" if i % 3 == 0 else            # 12 digits
                     invalid_check(FNR) if i % 3 == 1 else
                     f"tlf +47 22 33 {i % 100:02d} 00, 37.5 t" for i in range(len(f))]
    write(data_copy, "participants", f)
    code, text = validate_cli(data_copy)
    assert code == 0, text[:3000]
    assert "WARNING: participants.csv, column 'case_ref'" in text
    assert_never_shown(text, FNR)
