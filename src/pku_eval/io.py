"""Reading and writing the input files (CSV, XLSX, SPSS .sav) as the data contract defines them.

Every reader returns a DataFrame of *text* cells (pyarrow-backed strings, empty string for an
empty cell), so that ids are never parsed as numbers and the validator sees exactly what the
file holds. Typing happens after validation (``pku_eval.tidy``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .codebook import FILES
from .errors import Problem, mask_digits
from .files import FORMATS, find_files, sha256_file  # noqa: F401  (re-exported)

TEXT = "string[pyarrow]"


@dataclass
class RawFile:
    """One input file as read: its path, format, checksum and text cells."""

    name: str            # contract name, e.g. "survey"
    path: Path
    sha256: str
    frame: pd.DataFrame | None   # None when the file could not be read

    @property
    def filename(self) -> str:
        return self.path.name


def read_file(name: str, path: Path) -> tuple[RawFile, list[Problem]]:
    """Read one contract file into text cells."""
    path = Path(path)
    digest = sha256_file(path)
    problems: list[Problem] = []
    reader = {".csv": _read_csv, ".xlsx": _read_xlsx, ".sav": _read_sav}[path.suffix]
    try:
        frame, problems = reader(path)
    except _Refused as exc:
        return RawFile(name, path, digest, None), [Problem(path.name, exc.row, None, None,
                                                           str(exc))]
    if frame is not None:
        frame.columns = [str(c) for c in frame.columns]
    return RawFile(name, path, digest, frame), problems


class _Refused(Exception):
    """A file that cannot be read at all: the message (never a cell's text) and, when known,
    the row (as a spreadsheet numbers it)."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.row = row


def _read_csv(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """CSV (UTF-8, with or without BOM, comma-separated) read with pyarrow straight into
    Arrow-backed text columns: fast and compact even for millions of log rows."""
    import csv

    import pyarrow as pa
    import pyarrow.csv as pacsv

    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip():
        raise _Refused("the file is empty (expected a header row and data rows)")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        header_text = first.decode("utf-8")
    except UnicodeDecodeError:
        raise _Refused("not UTF-8 (undecodable byte in the header; it looks like "
                       "Windows-1252/Latin-1): save the file as CSV UTF-8") from None
    if header_text.count(";") > header_text.count(","):
        try:
            path.read_bytes().decode("utf-8")
            enc = ""
        except UnicodeDecodeError:
            enc = " and not UTF-8 (it looks like Windows-1252/Latin-1)"
        raise _Refused(f"semicolon-separated (';'){enc}, expected comma-separated CSV UTF-8: "
                       "save it as 'CSV UTF-8 (comma delimited)'")
    names = next(csv.reader([header_text]))
    if len(set(names)) != len(names):
        raise _Refused("the header names a column twice: " + ", ".join(
            sorted({n for n in names if names.count(n) > 1})))
    ragged = _RaggedRows()
    try:
        table = pacsv.read_csv(
            path,
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=ragged),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, strings_can_be_null=False,
                quoted_strings_can_be_null=False))
    except pa.ArrowInvalid as exc:
        # pyarrow's messages may quote a raw row ("...: <row>"): never passed on as they are
        msg = str(exc)
        if "UTF8" in msg or "utf8" in msg.lower():
            raw = path.read_bytes()
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as err:
                line = raw[: err.start].count(b"\n") + 1
                raise _Refused(f"not UTF-8 (undecodable byte at row {line}; it looks like "
                               "Windows-1252/Latin-1): save the file as CSV UTF-8") from None
        raise _Refused(f"cannot be parsed as CSV ({_library_message(msg)}): check quotes and "
                       "separators") from None
    if ragged.count:
        raise ragged.refusal(path, pacsv, names)
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
    # rows of empty cells at the end (e.g. trailing ",,,," lines from Excel) are no data;
    # in the middle they stay, so that row numbers match what a spreadsheet shows
    if len(frame):
        blank = np.logical_and.reduce([(frame[c] == "").to_numpy(dtype=bool) for c in frame])
        if blank[-1]:
            keep = len(blank) - int(np.argmin(blank[::-1])) if not blank.all() else 0
            frame = frame.iloc[:keep].reset_index(drop=True)
    return frame, []


class _RaggedRows:
    """pyarrow's ``invalid_row_handler``: counts rows whose number of cells differs from the
    header's and skips them, keeping only counts (the row's text never leaves here)."""

    def __init__(self, keep: int = 3):
        self.count = 0
        self.keep = keep
        self.first: list[tuple[int | None, int, int]] = []  # (row, cells, header cells)

    def __call__(self, row) -> str:
        self.count += 1
        if len(self.first) < self.keep:
            self.first.append((row.number, row.actual_columns, row.expected_columns))
        return "skip"

    def refusal(self, path: Path, pacsv, names: list[str]) -> _Refused:
        if any(r is None for r, _, _ in self.first):
            # the multithreaded reader does not know row numbers: read again in one thread
            # (only for a file that is refused anyway)
            import pyarrow as pa

            again = _RaggedRows(self.keep)
            try:
                pacsv.read_csv(path, read_options=pacsv.ReadOptions(use_threads=False),
                               parse_options=pacsv.ParseOptions(newlines_in_values=True,
                                                                invalid_row_handler=again),
                               convert_options=pacsv.ConvertOptions(
                                   column_types={n: pa.string() for n in names}))
            except pa.ArrowException:
                pass
            self.first = again.first or self.first
        row, cells, header = self.first[0]
        text = (f"cannot be parsed as CSV: {'this' if row is not None else 'a'} row has "
                f"{cells} cell{'s' if cells != 1 else ''} where the header has {header}")
        rest = self.count - 1
        if rest:
            later = [str(r) for r, _, _ in self.first[1:] if r is not None]
            at = f" (row{'s' if len(later) != 1 else ''} {', '.join(later)}" \
                 f"{', ...' if rest > len(later) else ''})" if later else ""
            text += f", and {rest} more row{'s' if rest != 1 else ''} too{at}"
        text += (": check the separator (a comma inside a cell needs quotes) and that every "
                 "quote is closed (the row is not shown)")
        return _Refused(text, row=row)


def _library_message(msg: str, limit: int = 160) -> str:
    """What a reading library said, fit to be printed: its first line without anything after
    a colon past its lead (pyarrow and others quote the offending row there), every run of
    10 or more digits masked, shortened."""
    first = (msg.splitlines() or [""])[0]
    for lead in ("CSV parse error: ", "Invalid: "):
        first = first.removeprefix(lead)
    first = first.split(": ", 1)[0].split(":", 1)[0] if ":" in first else first
    first = mask_digits(first.strip())
    return first[:limit] + ("…" if len(first) > limit else "")


def _cell_text(value) -> str:
    """One spreadsheet/SPSS cell as the text the contract expects."""
    if value is None:
        return ""
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        if pd.isna(value):
            return ""
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (np.integer, int)):
        return str(int(value))
    return str(value)


def _to_text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = {}
    for col in frame.columns:
        out[str(col)] = pd.array([_cell_text(v) for v in frame[col].tolist()], dtype=TEXT)
    return pd.DataFrame(out)


def _read_xlsx(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise _Refused("cannot be read as an Excel workbook "
                       f"({type(exc).__name__}: {_library_message(str(exc))})") from None
    if frame.columns.size == 0:
        raise _Refused("the first sheet is empty (expected a header row and data rows)")
    return _to_text_frame(frame), []


def _read_sav(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True,
                                          apply_value_formats=False)
    except Exception as exc:
        raise _Refused("cannot be read as an SPSS .sav file "
                       f"({type(exc).__name__}: {_library_message(str(exc))})") from None
    problems: list[Problem] = []
    spec = FILES.get(path.stem)
    for col, labels in (meta.variable_value_labels or {}).items():
        var = None
        if spec is not None and col in spec.columns:
            var = spec.var(col)
        if var is not None and var.kind == "code" and frame[col].dtype != object:
            # numbers whose value labels are the string codes
            frame[col] = frame[col].map(lambda x, m=labels: m.get(x, x) if pd.notna(x) else x)
    return _to_text_frame(frame), problems


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a contract table in the format given by ``path``'s suffix.

    CSV: UTF-8, comma-separated. XLSX: first sheet, header row, ISO dates as text cells for
    date columns. SAV: code columns as numbers with value labels that are the string codes,
    items with user-missing values 8 and 9 declared.
    """
    path = Path(path)
    spec = FILES[path.stem]
    if path.suffix == ".csv":
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    elif path.suffix == ".xlsx":
        frame.to_excel(path, index=False, engine="openpyxl")
    elif path.suffix == ".sav":
        _write_sav(frame, path, spec)
    else:
        raise ValueError(f"unknown format {path.suffix!r}: expected one of {FORMATS}")


def _write_sav(frame: pd.DataFrame, path: Path, spec) -> None:
    import pyreadstat

    out = pd.DataFrame(index=frame.index)
    value_labels: dict[str, dict] = {}
    missing: dict[str, list] = {}
    for col in frame.columns:
        var = spec.var(col) if col in spec.columns else None
        series = frame[col]
        if var is not None and var.kind == "code" and var.codes and not var.missing_codes:
            codes = list(var.codes)
            num = series.map({c: float(i + 1) for i, c in enumerate(codes)})
            out[col] = num.astype(float)
            value_labels[col] = {float(i + 1): c for i, c in enumerate(codes)}
        elif var is not None and var.kind in ("item", "int", "number", "binary"):
            out[col] = pd.to_numeric(series, errors="coerce").astype(float)
            if var.missing_codes:
                missing[col] = [8, 9]
        else:
            out[col] = series.astype(object).where(series.notna(), "").astype(str)
    pyreadstat.write_sav(out, str(path), variable_value_labels=value_labels,
                         missing_ranges=missing or None)


def convert_dir(src: Path, dst: Path, fmt: str) -> list[Path]:
    """Copy a CSV data directory into ``dst`` in another format (``csv``, ``xlsx``, ``sav``)."""
    src, dst = Path(src), Path(dst)
    dst.mkdir(parents=True, exist_ok=True)
    written = []
    for name in FILES:
        p = src / f"{name}.csv"
        if not p.exists():
            continue
        frame = pd.read_csv(p, dtype=str, keep_default_na=False)
        frame = frame.replace("", np.nan)
        target = dst / f"{name}.{fmt}"
        write_table(frame, target)
        written.append(target)
    return written
