"""Validation of a data directory against the data contract (DATA_CONTRACT.md, version 2,
and its optional extension, the delivery's question wording: :func:`check_wording`).

All checks are vectorised and every problem is collected (bounded per file and check, with a
count of the rest), so that a researcher sees the whole list at once.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .codebook import FILES, FileSpec, Var
from .errors import DIGIT_SEPARATORS, MAX_PER_FILE, Problem, mask_digits
from .io import RawFile, read_file
from .mapping import find_sources, guess_column
from .normalise import date_form

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CODE_PATTERN = r"^[a-z][a-z0-9_]*$"


def _safe(value: str) -> str:
    """A cell value as it may be printed: any run of 10 or more digits (a possible national
    identity number, also written in groups) is replaced by "<digits not shown>"."""
    return mask_digits(value)


class Collector:
    """Collects problems, at most ``limit`` per (file, column, check), with a count of the rest."""

    def __init__(self, limit: int = MAX_PER_FILE):
        self.limit = limit
        self.problems: list[Problem] = []

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def rows(self, file: str, column: str | None, mask, values, expected: str,
             severity: str = "error", show_value: bool = True) -> None:
        """Add one problem per True row of ``mask`` (row numbers as a spreadsheet shows them)."""
        mask = np.asarray(mask, dtype=bool)
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            return
        vals = None if values is None else np.asarray(values, dtype=object)
        for i in idx[: self.limit]:
            value = None if (vals is None or not show_value) else _safe(str(vals[i]))
            self.problems.append(Problem(file, int(i) + 2, column, value, expected, severity))
        rest = idx.size - self.limit
        if rest > 0:
            self.problems.append(Problem(file, None, column, None,
                                         f"... and {rest} more rows with the same problem "
                                         f"({expected})", severity))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


# ---------------------------------------------------------------- national identity numbers
#
# A Norwegian fødselsnummer is DDMMYY + a 3-digit individual number + 2 check digits (mod 11,
# weights 3 7 6 1 8 9 4 5 2 and 5 4 3 2 7 6 5 4 3 2; a check digit of 10 is never issued,
# 11 is 0), as Skatteetaten describes it. A D-number adds 4 to the first digit (day 41–71),
# an H-number (helsevesenets hjelpenummer) adds 4 to the third digit (month 41–52).
#
# The forms looked for (DATA_CONTRACT.md): the cell is the number; the number inside free text;
# the number written in groups separated by spaces, dots or a dash (up to three of them, e.g.
# "140789 38588", "14.07.89 38588", "140789 - 38588"); and a cell that is a number of 10
# digits (optionally "1407893858.0" or "1.407893858e+09") which is valid with the leading zero
# a numeric spreadsheet/SPSS cell lost (in every format: a CSV may have been written from one).
# A number must not be part of a longer run of digits: "140789385881" is not a national id (a
# 12-digit account or order number would otherwise be refused by chance), but groups of digits
# are tried from every group start, so "ring 14078938588 2 ganger" is found. The ten-digit
# rule is for whole cells only (in free text ten digits are a phone number with +47 or a
# timestamp far more often than a fødselsnummer that lost a zero).
#
# Speed (se_log: millions of rows): one RE2 scan in Arrow finds the candidate cells (ten digits
# in a chain); whole-cell forms are checked in Arrow and numpy; only other candidates (free
# text) go through Python's regex, and the check digits are computed for all at once.

_W1 = np.array([3, 7, 6, 1, 8, 9, 4, 5, 2], dtype=np.float32)
_W2 = np.array([5, 4, 3, 2, 7, 6, 5, 4, 3, 2], dtype=np.float32)
_CHUNK = 1 << 20
_MAX_DAY = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0])

_CHAIN10 = f"[0-9](?:{DIGIT_SEPARATORS}[0-9]){{9}}"   # RE2 (no lookarounds): candidates
_WHOLE_NUMBER = r"^\s*(?P<digits>[0-9]{10,11})(?:\.0*)?\s*$"  # a (numeric) cell: 11 or 10 digits
_WHOLE_GROUPED = f"^\\s*[0-9](?:{DIGIT_SEPARATORS}[0-9]){{10}}\\s*$"
_SCIENTIFIC = r"^\s*[0-9](?:\.[0-9]+)?[eE]\+?[0-9]{1,2}\s*$"  # a numeric cell as 1.4e+10
# every 11-digit window that starts and ends at a group boundary (overlapping: a lookahead)
_WINDOW = re.compile(f"(?<![0-9])(?=([0-9](?:{DIGIT_SEPARATORS}[0-9]){{10}})(?![0-9]))")
_NOT_DIGIT = re.compile(r"[^0-9]")


def valid_national_ids(digits: np.ndarray) -> np.ndarray:
    """For an (n, 11) array of digits: True where the row is a valid fødselsnummer, D-number or
    H-number (both check digits, a day and month that exist)."""
    d = np.asarray(digits).reshape(-1, 11)
    if len(d) > _CHUNK:  # bounded memory for millions of candidates
        return np.concatenate([valid_national_ids(d[i: i + _CHUNK])
                               for i in range(0, len(d), _CHUNK)])
    f = d[:, :10].astype(np.float32)  # weighted sums are at most 414: exact, fast products
    k1 = (11 - (f[:, :9] @ _W1).astype(np.int16) % 11) % 11
    k2 = (11 - (f @ _W2).astype(np.int16) % 11) % 11
    ok = (k1 == d[:, 9]) & (k2 == d[:, 10])       # a check digit of 10 never equals a digit
    day = d[:, 0].astype(np.int16) * 10 + d[:, 1]
    day -= 40 * (day > 40)                        # D-number
    month = d[:, 2].astype(np.int16) * 10 + d[:, 3]
    month -= 40 * (month > 40)                    # H-number
    month_ok = (month >= 1) & (month <= 12)
    ok &= month_ok & (day >= 1) & (day <= _MAX_DAY[np.where(month_ok, month, 0)])
    return ok


def _digit_rows(arr) -> np.ndarray:
    """(n, 11) uint8 digits of an Arrow string array whose strings are 11 ASCII digits each."""
    import pyarrow as pa

    arr = arr.cast(pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    if n == 0:
        return np.zeros((0, 11), dtype=np.uint8)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset: arr.offset + n + 1]
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)
    return data[offsets[0]: offsets[0] + 11 * n].reshape(n, 11) - ord("0")


def _numbers_in_text(text: str) -> list[str]:
    """The 11-digit numbers a candidate cell may hold in any form (see above)."""
    found = [_NOT_DIGIT.sub("", m.group(1)) for m in _WINDOW.finditer(text)]
    if re.fullmatch(_SCIENTIFIC, text):
        try:
            v = float(text)
        except ValueError:
            v = 0.0
        if 1e9 <= v < 1e11 and v.is_integer():
            found.append(f"{int(v):011d}")
    return found


def looks_like_national_id(values) -> np.ndarray:
    """True where a cell holds a Norwegian national identity number (fødselsnummer, D- or
    H-number with valid check digits) in any of the forms above. Vectorised."""
    import pyarrow as pa
    import pyarrow.compute as pc

    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if s.dtype != "string[pyarrow]":
        s = s.astype("string[pyarrow]")
    out = np.zeros(len(s), dtype=bool)
    if len(s) == 0:
        return out
    arr = pa.chunked_array([pa.array(s.array)])

    def where(a, condition) -> np.ndarray:
        return np.asarray(pc.fill_null(condition, False).to_numpy(zero_copy_only=False),
                          dtype=bool)

    # candidates: at least ten characters (cheap), then ten digits in a chain or a number in
    # scientific notation (one RE2 pass over those cells only)
    long_idx = np.flatnonzero(where(arr, pc.greater_equal(pc.binary_length(arr), 10)))
    if long_idx.size == 0:
        return out
    long = arr.take(pa.array(long_idx))
    hit = where(long, pc.match_substring_regex(long, f"{_CHAIN10}|{_SCIENTIFIC}"))
    if not hit.any():
        return out
    cand_idx = long_idx[hit]
    sub = long.filter(pa.array(hit)).combine_chunks()
    # whole cells, in Arrow: a number (10 digits get their leading zero back) ...
    whole = pc.extract_regex(sub, _WHOLE_NUMBER)
    number = np.asarray(whole.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    if number.any():
        digits = whole.filter(pa.array(number)).field("digits")
        if pc.min(pc.binary_length(digits)).as_py() < 11:
            digits = pc.utf8_lpad(digits, width=11, padding="0")
        out[cand_idx[number]] = valid_national_ids(_digit_rows(digits))
    # ... or 11 digits in groups (the separators removed)
    grouped = ~number & where(sub, pc.match_substring_regex(sub, _WHOLE_GROUPED))
    if grouped.any():
        digits = pc.replace_substring_regex(sub.filter(pa.array(grouped)), "[^0-9]", "")
        out[cand_idx[grouped]] = valid_national_ids(_digit_rows(digits))
    # everything else (free text): every 11-digit window, in Python, checked all at once
    rest = ~(number | grouped)
    if rest.any():
        owners: list[int] = []
        numbers: list[str] = []
        for i, text in zip(cand_idx[rest], sub.filter(pa.array(rest)).to_pylist()):
            for n in _numbers_in_text(text or ""):
                owners.append(i)
                numbers.append(n)
        if numbers:
            digits = np.frombuffer("".join(numbers).encode("ascii"), dtype=np.uint8) - ord("0")
            valid = valid_national_ids(digits.reshape(-1, 11))
            out[np.asarray(owners)[valid]] = True
    return out


# ---------------------------------------------------------------- per-column checks

def parse_numbers(s: pd.Series, integer: bool) -> tuple[np.ndarray, np.ndarray]:
    """(valid mask, float values) of a text column: whole numbers ('-12') or, with
    ``integer=False``, decimal numbers with a point ('37.5'). Empty cells are not valid.
    Done in Arrow, without Python objects (millions of rows)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    pattern = r"-?\d+" if integer else r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?"
    text = s.str.strip() if not integer else s
    ok = text.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
    arr = pa.array(text.astype("string[pyarrow]").array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    cleaned = pc.if_else(pa.array(ok), arr, pa.scalar(None, pa.string()))
    values = pc.cast(cleaned, pa.float64()).to_numpy(zero_copy_only=False)
    return ok, np.asarray(values, dtype=float)


def _parse_dates(s: pd.Series) -> pd.Series:
    ok = s.str.fullmatch(ISO_DATE.pattern).fillna(False)
    parsed = pd.to_datetime(s.where(ok, None), format="%Y-%m-%d", errors="coerce")
    return parsed


def _check_column(c: Collector, spec: FileSpec, var: Var, s: pd.Series) -> None:
    f = f"{spec.name}"
    empty = (s == "").to_numpy(dtype=bool)
    if not var.nullable:
        c.rows(f, var.name, empty, s, "a value is required (the cell is empty)")
    filled = ~empty
    kind = var.kind
    if kind == "id":
        ok = (s.str.len() >= 5) & s.str.contains("[A-Za-z]", regex=True)
        bad = filled & ~ok.fillna(False).to_numpy(dtype=bool)
        c.rows(f, var.name, bad, s, "an id of at least 5 characters with at least one letter "
               "(e.g. P-00012)")
    elif kind == "code":
        ok = pd.Series(False, index=s.index)
        if var.codes:
            allowed = list(var.codes)
            ok = s.isin(allowed)
            if var.missing_codes:
                ok |= s.isin(["8", "9"])
            expected = "one of " + ", ".join(allowed) + (" (or 8/9 missing codes)" if var.missing_codes else "")
        else:
            ok = s.str.fullmatch(CODE_PATTERN).fillna(False)
            expected = "a lower-case code (letters, digits, _)"
        bad = filled & ~ok.to_numpy(dtype=bool)
        if bad.any():
            stripped = s.str.strip().str.lower()
            hint = stripped.isin(list(var.codes)) if var.codes else pd.Series(False, index=s.index)
            hint = hint.to_numpy(dtype=bool)
            c.rows(f, var.name, bad & hint, s, expected + " (codes are lower-case, without "
                   "spaces around them)")
            c.rows(f, var.name, bad & ~hint, s, expected)
    elif kind == "date":
        parsed = _parse_dates(s)
        bad = filled & parsed.isna().to_numpy(dtype=bool)
        if bad.any():  # one message per form found ("looks like MM/DD/YYYY"), in row order
            forms = pd.Series([date_form(v) if b else "" for v, b in zip(s.tolist(), bad)])
            for form in dict.fromkeys(forms[bad]):
                c.rows(f, var.name, bad & (forms == form).to_numpy(), s,
                       f"a date as YYYY-MM-DD or DD.MM.YYYY (this looks like {form})")
    elif kind in ("int", "number", "binary", "item"):
        if kind == "number":
            ok, num = parse_numbers(s, integer=False)
            comma = filled & s.str.fullmatch(r"-?\d+,\d+").fillna(False).to_numpy(dtype=bool)
            c.rows(f, var.name, comma, s, "a number with a decimal point (found a decimal comma)")
            c.rows(f, var.name, filled & ~ok & ~comma, s, "a number")
        else:
            ok, num = parse_numbers(s, integer=True)
            what = {"int": "a whole number", "binary": "0 or 1", "item": "a whole number"}[kind]
            c.rows(f, var.name, filled & ~ok, s, what)
        if kind == "binary":
            lo, hi = 0, 1
        else:
            lo, hi = var.low, var.high
        if lo is not None:
            with np.errstate(invalid="ignore"):
                out = ~np.isnan(num) & ((num < lo) | (num > hi))
            if var.missing_codes:
                out &= ~np.isin(num, (8, 9))
            rng = f"{lo:g}–{hi:g}" if kind != "binary" else "0 or 1"
            extra = " (or 8 = don't know, 9 = not answered)" if var.missing_codes else ""
            c.rows(f, var.name, out, s, f"a value in {rng}{extra}")
    if var.unique:
        dup = filled & s.duplicated(keep="first").to_numpy(dtype=bool)
        c.rows(f, var.name, dup, s, "a unique value (this one appears on an earlier row)")


def check_file(raw: RawFile, c: Collector) -> bool:
    """Structural and per-column checks of one file. Returns True when columns are usable."""
    spec = FILES[raw.name]
    frame = raw.frame
    fname = raw.filename
    if frame is None:
        return False
    cols = list(frame.columns)
    _check_national_ids(fname, cols, frame, c)
    missing = [v.name for v in spec.variables if v.required and v.name not in cols]
    for name in missing:
        near = [col for col in cols if col.strip().lower().replace(" ", "_") == name]
        hint = f" (found '{near[0]}': column names are lower-case snake_case)" if near else ""
        guess = [col for col in cols if col not in spec.columns
                 and guess_column(col, spec.name) == name]
        if guess and not near:  # "column 'kjønn': did you mean 'gender'?"
            hint = (f" (column '{guess[0]}': did you mean '{name}'? rename it in mapping.yml, "
                    "see docs/data-contract.md)")
        c.add(Problem(fname, None, name, None, f"required column is missing{hint}"))
    for col in cols:
        if col not in spec.columns:
            c.add(Problem(fname, None, col, None,
                          "unknown extra column: kept but ignored", severity="warning"))
    if len(frame) == 0:
        c.add(Problem(fname, None, None, None, "the file has a header but no data rows"))
        return False
    before = len(c.problems)
    for var in spec.variables:
        if var.name in cols:
            _check_column(c, _named(spec, fname), var, frame[var.name])
    new = c.problems[before:]
    bad_cols = {r: {p.column for p in new if p.row == r} for r in (2, 3)}
    typed = [v for v in spec.variables if v.name in cols and v.kind != "text"]
    if len(frame) > 1 and len(bad_cols[2]) >= max(3, len(typed) // 2) and len(bad_cols[3]) <= 1:
        c.add(Problem(fname, 2, cols[0], None,
                      "looks like a label row under the header (e.g. question texts): remove "
                      "it; the header must be the only row that is not data"))
    return not missing


def _check_national_ids(fname: str, cols: list[str], frame: pd.DataFrame, c: Collector) -> None:
    """Refuse the file when any cell of any column (known or extra), or a header cell, holds a
    national identity number. The message names file, column, count and first rows, never a
    value (a header cell that is such a number is named by its position)."""
    in_header = looks_like_national_id(pd.Series([str(col) for col in cols], dtype=object))
    for pos in np.flatnonzero(in_header):
        c.add(Problem(fname, 1, None, None,
                      f"the header cell of column {pos + 1} holds what looks like a Norwegian "
                      "national identity number (not shown): the file is refused; the header "
                      "row names the columns"))
    for col in cols:
        ids = looks_like_national_id(frame[col])
        if ids.any():
            rows = ", ".join(str(i + 2) for i in np.flatnonzero(ids)[:5])
            n = int(ids.sum())
            c.add(Problem(fname, None, col, None,
                          "holds what looks like Norwegian national identity numbers "
                          "(fødselsnummer, D- or H-number with valid check digits, also inside "
                          f"text or written in groups) in {n} cell{'s' if n != 1 else ''} "
                          f"(row{'s' if n != 1 else ''} {rows}{', ...' if n > 5 else ''}): "
                          "the file is refused; pseudonymise the column first (the values are "
                          "not shown)"))


def _named(spec: FileSpec, fname: str) -> FileSpec:
    return FileSpec(fname, spec.required, spec.label_nb, spec.label_en, spec.variables,
                    spec.date_column)


# ---------------------------------------------------------------- checks across files

def check_references(files: dict[str, RawFile], c: Collector) -> None:
    """Ids and codes that point into another file, and the contract's cross-file rules."""
    offices = files.get("offices")
    participants = files.get("participants")
    off = offices.frame if offices is not None and offices.frame is not None else None
    par = participants.frame if participants is not None and participants.frame is not None else None
    office_set = set(off["office"].tolist()) if off is not None and "office" in off else None
    for name in ("participants", "learning_survey", "employer_survey"):
        raw = files.get(name)
        if raw is None or raw.frame is None or office_set is None or "office" not in raw.frame:
            continue
        s = raw.frame["office"]
        bad = (s != "").to_numpy(dtype=bool) & ~s.isin(office_set).to_numpy(dtype=bool)
        c.rows(raw.filename, "office", bad, s, "an office listed in offices")

    if par is None or not {"participant_id", "office", "arm", "enrolled_date"} <= set(par.columns):
        return
    p = par.set_index("participant_id", drop=False)
    p = p[~p.index.duplicated()]
    enrolled = _parse_dates(p["enrolled_date"])
    if off is not None and {"office", "role", "method"} <= set(off.columns):
        o = off.drop_duplicates("office").set_index("office")
        role = par["office"].map(o["role"])
        arm = par["arm"]
        bad = ((arm == "external_control") & (role == "trial")).fillna(False)
        c.rows(participants.filename, "arm", bad, arm,
               "external_control participants belong to reference offices (this office is a trial office)")
        bad = (arm.isin(["treatment", "internal_control"]) & (role == "reference")).fillna(False)
        c.rows(participants.filename, "arm", bad, arm,
               "treatment and internal_control participants belong to trial offices "
               "(this office is a reference office)")
        method = p["office"].map(o["method"])
    else:
        method = None
    if "randomised" in par:
        bad = ((par["randomised"] == "1") & ~par["arm"].isin(["treatment", "internal_control"]))
        c.rows(participants.filename, "randomised", bad, par["randomised"],
               "randomised = 1 only for treatment and internal_control participants")
    if "withdrawn_date" in par:
        w = _parse_dates(par["withdrawn_date"])
        e = _parse_dates(par["enrolled_date"])
        bad = (w < e).fillna(False)
        c.rows(participants.filename, "withdrawn_date", bad, par["withdrawn_date"],
               "a date not before enrolled_date")

    def ref_checks(name: str, date_col: str | None, date_what: str) -> pd.Series | None:
        raw = files.get(name)
        if raw is None or raw.frame is None or "participant_id" not in raw.frame:
            return None
        fr = raw.frame
        pid = fr["participant_id"]
        known = pid.isin(p.index).to_numpy(dtype=bool)
        c.rows(raw.filename, "participant_id", (pid != "").to_numpy(dtype=bool) & ~known, pid,
               "a participant_id listed in participants")
        if date_col and date_col in fr:
            d = _parse_dates(fr[date_col])
            e = pid.map(enrolled)
            bad = (d < e).fillna(False)
            c.rows(raw.filename, date_col, bad, fr[date_col],
                   f"{date_what} not before the participant's enrolled_date")
        return pid

    pid = ref_checks("survey", "response_date", "a response date")
    survey = files.get("survey")
    if pid is not None and "wave" in survey.frame:
        dup = survey.frame.duplicated(["participant_id", "wave"], keep="first")
        c.rows(survey.filename, "wave", dup, survey.frame["wave"],
               "at most one row per participant and wave (this wave appears on an earlier row)")
    pid = ref_checks("se_log", "date", "a log date")
    se = files.get("se_log")
    if pid is not None:
        arm = pid.map(p["arm"])
        bad = (pid.isin(p.index) & (arm != "treatment")).to_numpy(dtype=bool)
        c.rows(se.filename, "participant_id", bad, None,
               "SE-log rows belong to treatment participants (this participant is not in the treatment arm)")
        if method is not None:
            m = pid.map(method)
            bad = (pid.isin(p.index) & (arm == "treatment") & (m != "se")).fillna(False)
            c.rows(se.filename, "participant_id", bad, None,
                   "SE-log rows belong to participants at offices whose method is se")
    pid = ref_checks("outcomes", "first_job_date", "a first job date")
    out = files.get("outcomes")
    if pid is not None and {"first_job_date", "followup_date"} <= set(out.frame.columns):
        fj = _parse_dates(out.frame["first_job_date"])
        fu = _parse_dates(out.frame["followup_date"])
        bad = (fj > fu).fillna(False)
        c.rows(out.filename, "first_job_date", bad, out.frame["first_job_date"],
               "a date not after followup_date")
    ls = files.get("learning_survey")
    if ls is not None and ls.frame is not None and {"respondent_id", "round"} <= set(ls.frame.columns):
        dup = ls.frame.duplicated(["respondent_id", "round"], keep="first")
        c.rows(ls.filename, "respondent_id", dup, ls.frame["respondent_id"],
               "at most one row per respondent and round")
    _check_sessions(files, c, p, method, ref_checks)
    acts = files.get("actor_survey")
    if acts is not None and acts.frame is not None and {"respondent_id", "round"} <= set(acts.frame.columns):
        dup = acts.frame.duplicated(["respondent_id", "round"], keep="first")
        c.rows(acts.filename, "respondent_id", dup, acts.frame["respondent_id"],
               "at most one row per respondent and round (this respondent and round appear on "
               "an earlier row)")


def _check_sessions(files: dict[str, RawFile], c: Collector, p: pd.DataFrame,
                    method: pd.Series | None, ref_checks) -> None:
    """session_feedback (KOR): rows of treatment participants at offices whose method is kor,
    dated not before enrolment, at most one row per participant and session number."""
    pid = ref_checks("session_feedback", "session_date", "a session date")
    sf = files.get("session_feedback")
    if pid is None:
        return
    known = pid.isin(p.index)
    arm = pid.map(p["arm"])
    bad = (known & (arm != "treatment")).fillna(False).to_numpy(dtype=bool)
    c.rows(sf.filename, "participant_id", bad, pid,
           "KOR session rows belong to treatment participants (this participant is not in the "
           "treatment arm)")
    if method is not None:
        m = pid.map(method)
        bad = (known & (arm == "treatment") & (m != "kor")).fillna(False).to_numpy(dtype=bool)
        c.rows(sf.filename, "participant_id", bad, pid,
               "KOR session rows belong to participants at offices whose method is kor")
    if "session_no" in sf.frame:
        no = sf.frame["session_no"]
        dup = (sf.frame.duplicated(["participant_id", "session_no"], keep="first")
               & (no != "")).to_numpy(dtype=bool)
        c.rows(sf.filename, "session_no", dup, no,
               "at most one row per participant and session_no (this participant's session "
               "number appears on an earlier row)")


def check_wording(raw: RawFile | None, c: Collector) -> None:
    """The optional ``wording`` file (an extension of contract version 2; an empty cell and a
    variable named twice are the column checks'): each ``variable`` names a question of the
    codebook (``codebook.is_question``), and no wording is spaces only."""
    if raw is None or raw.frame is None:
        return
    from .codebook import is_question
    from .mapping import did_you_mean

    frame, fname = raw.frame, raw.filename
    owner: dict[str, str] = {}   # variable -> the first file that has it
    for f in (f for f in FILES.values() if not f.extension):
        owner.update({v.name: f.name for v in f.variables if v.name not in owner})
    questions = sorted(n for n in owner if is_question(n))
    expected = ("the name of a question in the codebook (an item such as satisfaction_2, or "
                "life_satisfaction, would_recommend, ors_*, srs_*): ")
    bad = [(i, v) for i, v in enumerate(frame.get("variable", ())) if v and v not in questions]
    for i, v in bad[: c.limit]:
        why = (f"'{v}' is a variable of {owner[v]}, not a question" if v in owner
               else f"unknown variable{did_you_mean(v, questions)}")
        c.add(Problem(fname, i + 2, "variable", _safe(v), expected + why))
    if len(bad) > c.limit:
        c.add(Problem(fname, None, "variable", None, f"... and {len(bad) - c.limit} more rows "
                      f"with the same problem ({expected.removesuffix(': ')})"))
    for col in ("wording_nb", "wording_en"):
        if col in frame:
            s = frame[col]
            c.rows(fname, col, ((s != "") & (s.str.strip() == "")).to_numpy(dtype=bool), s,
                   "the question's wording (this cell holds only spaces)")


def validate_dir(data_dir: Path) -> tuple[dict[str, RawFile], list[Problem]]:
    """Read and check every file of a data directory. Returns the files and all problems
    (errors, warnings and notices); the data are usable when no problem is an error."""
    found, problems, entries = find_sources(Path(data_dir))  # mapping.yml's exports too
    c = Collector()
    c.problems.extend(problems)
    files: dict[str, RawFile] = {}
    usable: dict[str, RawFile] = {}
    for name, path in found.items():
        raw, probs = read_file(name, path, entries.get(name))
        c.problems.extend(probs)
        files[name] = raw
        if check_file(raw, c):
            usable[name] = raw
    check_references(usable, c)
    check_wording(usable.get("wording"), c)
    return files, c.problems
