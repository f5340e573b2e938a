"""Cells into the contract's text: what the contract reads as the same value (DATA_CONTRACT.md
version 2, "General rules") is turned into its one form after reading, and reported — SPSS
numbers whose value labels are the codes, the decimal commas of a ';'-separated (Norwegian
Excel) CSV, ``DD.MM.YYYY`` dates, real Excel date cells and Excel serial numbers; and the words
for a date form the contract does not read (``date_form``: "looks like MM/DD/YYYY")."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from .errors import Problem
from .io import TEXT, _cell_text

#: Excel's day 0 (the 1900 date system, with its leap-year bug: serials from 61 on).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Serial numbers read as dates: 1 January 1950 to 31 December 2049.
_SERIAL_RANGE = (18264, 54789)
_NORWEGIAN_DATE = r"^\s*(\d{2})\.(\d{2})\.(\d{4})\s*$"


def sav_label_codes(labels: dict, var) -> dict:
    """The value labels of a code column that are its string codes (number → code)."""
    return {k: v for k, v in labels.items() if var.codes and str(v) in var.codes}


def normalise(spec, frame: pd.DataFrame, fname: str, info: dict) -> list[Problem]:
    """Turn what the contract reads as the same value into the contract's text, in place:
    SPSS numbers whose value labels are the codes, decimal commas of a ';'-separated file,
    ``DD.MM.YYYY`` dates and Excel serial numbers in date columns. Returns what was done
    (notices, warnings) and the cells that contradict the file's decimal mark (errors)."""
    from .validate import Collector

    c = Collector()
    labels = info.get("labels") or {}
    numbers = [v.name for v in spec.variables if v.kind == "number" and v.name in frame.columns]
    if info.get("format") == "CSV" and numbers:
        # the file's decimal mark: a comma only in a ';'-separated file (Norwegian Excel); in a
        # ','-separated one a decimal comma is an error the validator names
        comma = {n: frame[n].str.fullmatch(r"\s*-?\d+,\d+\s*").fillna(False)
                 .to_numpy(dtype=bool) for n in numbers} if info.get("sep") == ";" else {}
        point = {n: frame[n].str.fullmatch(r"\s*-?\d*\.\d+\s*").fillna(False)
                 .to_numpy(dtype=bool) for n in numbers}
        if any(m.any() for m in comma.values()):
            info["decimal"] = "comma"
            for n in numbers:
                c.rows(fname, n, point[n], frame[n], "a number with a decimal comma, as in the "
                       "rest of this ';'-separated file (found a decimal point)")
                frame[n] = frame[n].where(~comma[n], frame[n].str.replace(",", ".",
                                                                          regex=False))
        elif any(m.any() for m in point.values()):
            info["decimal"] = "point"
    for var in spec.variables:
        if var.name not in frame.columns:
            continue
        s = frame[var.name]
        if var.kind == "code" and var.name in labels:
            codes = sav_label_codes(labels[var.name], var)
            if codes:
                as_text = {_cell_text(float(k)): str(v) for k, v in codes.items()}
                frame[var.name] = s.map(lambda x, m=as_text: m.get(x, x)).astype(TEXT)
        elif var.kind == "date":
            _normalise_dates(frame, var.name, fname, info, c)
    return c.problems


def _normalise_dates(frame: pd.DataFrame, col: str, fname: str, info: dict, c) -> None:
    s = frame[col]
    if col in (info.get("date_cells") or ()):
        c.add(Problem(fname, None, col, None, "real Excel date cells read as dates",
                      severity="notice"))
    parts = s.str.extract(_NORWEGIAN_DATE)
    nor = parts[0].notna().to_numpy(dtype=bool)
    if nor.any():
        iso = parts[2] + "-" + parts[1] + "-" + parts[0]
        ok = nor & pd.to_datetime(iso.where(nor, None), format="%Y-%m-%d",
                                  errors="coerce").notna().to_numpy(dtype=bool)
        s = s.where(~ok, iso)
        c.add(Problem(fname, None, col, None,
                      f"{int(ok.sum())} date(s) written DD.MM.YYYY (the Norwegian form) read "
                      "as the same dates", severity="notice"))
    serial = s.str.fullmatch(r"\s*\d{5}(\.0+)?\s*").fillna(False).to_numpy(dtype=bool)
    if serial.any():
        num = pd.to_numeric(s.where(serial, None), errors="coerce")
        serial &= num.between(*_SERIAL_RANGE).fillna(False).to_numpy(dtype=bool)
    if serial.any():
        days = pd.to_numeric(s.where(serial, None), errors="coerce")
        dates = (pd.Timestamp(_EXCEL_EPOCH) + pd.to_timedelta(days, unit="D")).dt.strftime(
            "%Y-%m-%d")
        first = int(np.flatnonzero(serial)[0])
        example = f"{_cell_text(float(days.iloc[first]))} = {dates.iloc[first]}"
        s = s.where(~serial, dates)
        where = "" if info.get("format") == "Excel workbook" else \
            " (in a file that is not a workbook: check that they are Excel's)"
        c.add(Problem(fname, None, col, None,
                      f"{int(serial.sum())} Excel serial number(s) read as dates (e.g. "
                      f"{example}){where}", severity="warning"))
    frame[col] = s.astype(TEXT)


def date_form(value: str) -> str:
    """What a cell that is not a date the contract reads looks like, e.g. ``MM/DD/YYYY``,
    ``DD.MM.YY`` or "a date with a time of day" (for the message that refuses it)."""
    v = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) or re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", v):
        return "a day that does not exist"
    if ":" in v and re.search(r"\d", v):
        return "a date with a time of day"
    if re.fullmatch(r"\d+([.,]\d+)?", v):
        if len(v) == 8:
            return "YYYYMMDD without separators"
        return "a number (an Excel serial date outside 1950–2049?)" if len(v) in (5, 6) \
            else "a number"
    groups = re.findall(r"\d+", v)
    if re.search(r"[A-Za-zæøåÆØÅ]", v):
        return "a date written with words" if groups else "text"
    seps = re.findall(r"\D+", v.strip("0123456789"))
    if len(groups) != 3 or len(seps) != 2:
        return "an unknown form"
    a, b, y = groups
    if len(a) == 4:
        return f"YYYY{seps[0]}{'M' * len(b)}{seps[1]}{'D' * len(y)}"
    first, second = ("M", "D") if a.isdigit() and int(a) <= 12 < int(b) else ("D", "M")
    return f"{first * len(a)}{seps[0]}{second * len(b)}{seps[1]}{'Y' * len(y)}"
