"""Reading and writing the input files (CSV, XLSX, SPSS .sav) as the data contract defines them.

Every reader returns a DataFrame of *text* cells (pyarrow-backed strings, empty string for an
empty cell), so that ids are never parsed as numbers and the validator sees exactly what the
file holds. Typing happens after validation (``pku_eval.tidy``).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .codebook import FILES
from .dialect import _BOM, _SNIFF_ROWS, _encoding, _header_row, _newlines, _Refused, _sniff
from .errors import Problem, mask_digits
from .files import FORMATS, find_files, sha256_file  # noqa: F401  (re-exported)
from .mapping import find_sources  # noqa: F401  (re-exported)

TEXT = "string[pyarrow]"
#: The notice that says how a file was read (``validate`` prints it, the data-quality chapter
#: shows it per file).
READ_AS = "read as "


@dataclass
class RawFile:
    """One input file as read: its path, format, checksum, text cells and how it was read."""

    name: str            # contract name, e.g. "survey"
    path: Path
    sha256: str
    frame: pd.DataFrame | None   # None when the file could not be read
    dialect: str | None = None   # how it was read, e.g. "CSV, ';'-separated, decimal comma, …"
    reading: dict | None = None  # the same, one field each (what the provenance records)

    @property
    def filename(self) -> str:
        return self.path.name


def read_file(name: str, path: Path, entry=None) -> tuple[RawFile, list[Problem]]:
    """Read one contract file into text cells in the contract's shape: the export's dialect
    detected (separator, decimal mark, encoding, line endings; title rows above an ``.xlsx``
    header skipped), a mapping ``entry`` (:class:`pku_eval.mapping.Entry`: sheet, renames,
    recodes) applied, decimal commas and the date forms the contract accepts (``DD.MM.YYYY``,
    Excel date cells and serial numbers) turned into the contract's text. Every such reading
    is reported (notices and warnings), never done silently."""
    path = Path(path)
    digest = sha256_file(path)
    spec = FILES.get(name)
    expected = set(spec.columns if spec is not None else ())
    if entry is not None:
        expected |= set(entry.rename)
    sheet = entry.sheet if entry is not None else None
    reader = {".csv": _read_csv, ".xlsx": _read_xlsx, ".sav": _read_sav}[path.suffix.lower()]
    try:
        frame, problems, info = reader(path, expected, sheet)
    except _Refused as exc:
        return RawFile(name, path, digest, None), [Problem(path.name, exc.row, None, None,
                                                           str(exc))]
    frame.columns = [str(c) for c in frame.columns]
    if entry is not None:
        from .mapping import apply_entry

        frame, more = apply_entry(entry, frame, path.name, info.get("labels") or {})
        problems += more
    if spec is not None:
        from .normalise import normalise

        problems += normalise(spec, frame, path.name, info)
    dialect = describe(info)
    if entry is not None:
        dialect += f", mapped onto '{name}' by mapping.yml"
    problems.append(Problem(path.name, None, None, None, f"{READ_AS}{dialect}",
                            severity="notice"))
    return RawFile(name, path, digest, frame, dialect, reading(path, info, entry)), problems


def reading(path: Path, info: dict, entry=None) -> dict:
    """How a file was read, one field each (the report's provenance appendix shows them per
    contract file): the file, its format, separator, decimal mark, encoding, line endings,
    sheet and header row, and the mapping applied (None where it does not apply)."""
    csv = info.get("format") == "CSV"
    mapping = None
    if entry is not None:
        mapping = {"line": entry.line, "renamed": len(entry.rename),
                   "recoded": len(entry.recode), "sheet": entry.sheet}
    return {"file": Path(path).name, "format": info.get("format"),
            "separator": info.get("sep") if csv else None,
            "decimal": info.get("decimal") if csv else None,
            "encoding": info.get("encoding_code") if csv else None,  # utf8, utf8_bom, …
            "line_endings": info.get("newline") if csv else None,
            "sheet": info.get("sheet_read"),
            "header_row": info.get("header_row") if info.get("format") != "SPSS .sav" else None,
            "mapping": mapping}


def describe(info: dict) -> str:
    """How a file was read, in words (what ``validate`` reports and the provenance records)."""
    fmt = info.get("format", "?")
    parts = [fmt]
    if fmt == "CSV":
        parts += [f"'{info['sep']}'-separated"]
        if info.get("decimal"):
            parts.append(f"decimal {info['decimal']}")
        parts += [info["encoding"], f"{info['newline']} line endings"]
    if info.get("sheet"):
        parts.append(f"sheet '{info['sheet']}'")
    if info.get("header_row", 1) != 1:
        parts.append(f"header on row {info['header_row']}")
    return ", ".join(parts)


def _read_csv(path: Path, expected: set[str] = frozenset(),
              sheet: str | None = None) -> tuple[pd.DataFrame, list[Problem], dict]:
    """CSV as the contract allows it: ',' or ';'-separated, UTF-8 (with or without BOM) or
    Windows-1252, any line endings; read with pyarrow straight into Arrow-backed text columns
    (fast and compact even for millions of log rows)."""
    import csv

    import pyarrow as pa
    import pyarrow.csv as pacsv

    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip():
        raise _Refused("the file is empty (expected a header row and data rows)")
    bom = head.startswith(_BOM)
    encoding = _encoding(path, bom)
    text = head[3 if bom else 0:].decode("cp1252" if encoding == "cp1252" else "utf-8",
                                         errors="ignore")
    sep, header_index = _sniff(text, expected)
    if header_index:
        raise _Refused(f"the header row seems to be row {header_index + 1} (the rows above it "
                       "look like titles): remove them, the header must be row 1",
                       row=header_index + 1)
    info = {"format": "CSV", "sep": sep,
            "encoding": {"utf-8": "UTF-8 with BOM" if bom else "UTF-8",
                         "ascii": "ASCII (UTF-8 and Windows-1252 alike)",
                         "cp1252": "Windows-1252"}[encoding],
            "newline": _newlines(text), "header_row": 1,
            "encoding_code": {"utf-8": "utf8_bom" if bom else "utf8"}.get(encoding, encoding)}
    first = next(csv.reader(io.StringIO(text), delimiter=sep), [])
    names = [n.strip() if not n.strip() else n for n in first]
    while names and not names[-1]:   # trailing empty header cells (Excel's ";;")
        names.pop()
    trailing = len(first) - len(names)
    blank = [i + 1 for i, n in enumerate(names) if not n]
    if blank:
        raise _Refused(f"the header cell of column {blank[0]} is empty: every column needs a "
                       "name", row=1)
    if len(set(names)) != len(names):
        raise _Refused("the header names a column twice: " + ", ".join(
            sorted({n for n in names if names.count(n) > 1})), row=1)
    extra = [f"\x00empty{i}" for i in range(trailing)]
    ragged = _RaggedRows()
    read = pacsv.ReadOptions(column_names=names + extra, skip_rows=1,
                             encoding="cp1252" if encoding == "cp1252" else "utf8")
    parse = pacsv.ParseOptions(delimiter=sep, newlines_in_values=True,
                               invalid_row_handler=ragged)
    convert = pacsv.ConvertOptions(column_types={n: pa.string() for n in names + extra},
                                   strings_can_be_null=False, quoted_strings_can_be_null=False)
    try:
        with open(path, "rb") as fh:
            if bom:
                fh.read(3)
            table = pacsv.read_csv(fh, read_options=read, parse_options=parse,
                                   convert_options=convert)
    except pa.ArrowInvalid as exc:
        # pyarrow's messages may quote a raw row ("...: <row>"): never passed on as they are
        raise _Refused(f"cannot be parsed as CSV ({_library_message(str(exc))}): check quotes "
                       "and separators") from None
    if ragged.count:
        raise ragged.refusal(path, pacsv, read, parse, convert)
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
    problems: list[Problem] = []
    for i, col in enumerate(extra):
        filled = np.flatnonzero((frame[col] != "").to_numpy(dtype=bool))
        if filled.size:
            problems.append(Problem(path.name, int(filled[0]) + 2, None, None,
                                    f"column {len(names) + i + 1} has no name in the header "
                                    f"but holds values in {filled.size} row(s): name it or "
                                    "remove it"))
    if trailing:
        frame = frame.drop(columns=extra)
        problems.append(Problem(path.name, None, None, None,
                                f"{trailing} empty column(s) after the last named one "
                                "ignored", severity="notice"))
    # rows of empty cells at the end (e.g. trailing ",,,," lines from Excel) are no data;
    # in the middle they stay, so that row numbers match what a spreadsheet shows
    if len(frame) and len(frame.columns):
        empty = np.logical_and.reduce([(frame[c] == "").to_numpy(dtype=bool) for c in frame])
        if empty[-1]:
            keep = len(empty) - int(np.argmin(empty[::-1])) if not empty.all() else 0
            frame = frame.iloc[:keep].reset_index(drop=True)
    return frame, problems, info


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

    def refusal(self, path: Path, pacsv, read, parse, convert) -> _Refused:
        if any(r is None for r, _, _ in self.first):
            # the multithreaded reader does not know row numbers: read again in one thread
            # (only for a file that is refused anyway)
            import dataclasses  # noqa: F401

            import pyarrow as pa

            again = _RaggedRows(self.keep)
            opts = pacsv.ReadOptions(use_threads=False, column_names=read.column_names,
                                     skip_rows=read.skip_rows, encoding=read.encoding)
            po = pacsv.ParseOptions(delimiter=parse.delimiter, newlines_in_values=True,
                                    invalid_row_handler=again)
            try:
                pacsv.read_csv(path, read_options=opts, parse_options=po,
                               convert_options=convert)
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


def _read_xlsx(path: Path, expected: set[str] = frozenset(),
               sheet: str | None = None) -> tuple[pd.DataFrame, list[Problem], dict]:
    """An Excel workbook: the sheet the mapping names (else the first); the header is the
    first row that holds the contract's column names (title rows above it are skipped and
    reported); empty columns without a name are dropped."""
    try:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001  (openpyxl raises many kinds for broken files)
        raise _Refused("cannot be read as an Excel workbook "
                       f"({type(exc).__name__}: {_library_message(str(exc))})") from None
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise _Refused(f"has no sheet '{_library_message(sheet, 60)}' (named in mapping.yml);"
                           f" its sheets: {', '.join(_library_message(n, 40) for n in names)}")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        other = {} if sheet is not None else {
            n: [list(r) for _, r in zip(range(_SNIFF_ROWS), book[n].iter_rows(values_only=True))]
            for n in names[1:]}
    finally:
        book.close()
    width = max((len(r) for r in rows), default=0)
    if not width:
        raise _Refused(f"the {'sheet' if sheet else 'first sheet'} is empty (expected a header "
                       "row and data rows)")
    texts = [[("" if v is None else str(v)) for v in r] for r in rows[:_SNIFF_ROWS]]
    head, found = _header_row(texts, expected)
    problems: list[Problem] = []
    if not found and other:
        for n, sample in other.items():
            if sample and _header_row([[("" if v is None else str(v)) for v in r]
                                       for r in sample], expected)[1]:
                problems.append(Problem(path.name, None, None, None,
                                        f"the contract's columns are not on the first sheet but "
                                        f"seem to be on sheet '{_library_message(n, 40)}': name "
                                        "it in mapping.yml (sheet: ...)"))
                break
    if head:
        # title rows above the header: not data, but every cell is still looked at for ids
        from .validate import looks_like_national_id

        cells = pd.Series([_cell_text(v) for r in rows[:head] for v in r], dtype=object)
        if looks_like_national_id(cells).any():
            raise _Refused("a title row above the header holds what looks like a Norwegian "
                           "national identity number (not shown): the file is refused")
        problems.append(Problem(path.name, head + 1, None, None,
                                f"the header row is row {head + 1}: the {head} row(s) above it "
                                "(titles) were skipped", severity="notice"))
    header = [_cell_text(v).strip() for v in rows[head]] + [""] * (width - len(rows[head]))
    body = [r + [None] * (width - len(r)) for r in rows[head + 1:]]
    frame = pd.DataFrame(body, columns=range(width), dtype=object)
    dates = [header[c] for c in range(width)
             if frame[c].map(lambda v: isinstance(v, (dt.date, dt.datetime))).any()]
    keep = []
    for c in range(width):
        empty = frame[c].isna().all() or frame[c].map(lambda v: v is None or v == "").all()
        if header[c]:
            keep.append(c)
        elif not empty:
            raise _Refused(f"the header cell of column {c + 1} is empty but the column holds "
                           "values: every column needs a name", row=head + 1)
    named = [header[c] for c in keep]
    if len(set(named)) != len(named):
        raise _Refused("the header names a column twice: " + ", ".join(
            sorted({n for n in named if named.count(n) > 1})), row=head + 1)
    frame = frame[keep]
    frame.columns = named
    text = _to_text_frame(frame)
    # rows of empty cells at the end are no data
    if len(text) and len(text.columns):
        empty = np.logical_and.reduce([(text[c] == "").to_numpy(dtype=bool) for c in text])
        if empty[-1]:
            last = len(empty) - int(np.argmin(empty[::-1])) if not empty.all() else 0
            text = text.iloc[:last].reset_index(drop=True)
    return text, problems, {"format": "Excel workbook", "sheet": ws.title if sheet else None,
                            "sheet_read": ws.title,
                            "header_row": head + 1, "date_cells": dates,
                            "data_row": head + 2}


def _read_sav(path: Path, expected: set[str] = frozenset(),
              sheet: str | None = None) -> tuple[pd.DataFrame, list[Problem], dict]:
    """SPSS: numbers stay numbers (user-missing 8 and 9 kept); the value labels are returned
    so that code columns (and the mapping's recodes) can use them."""
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True,
                                          apply_value_formats=False)
    except Exception as exc:  # noqa: BLE001  (pyreadstat raises many kinds)
        raise _Refused("cannot be read as an SPSS .sav file "
                       f"({type(exc).__name__}: {_library_message(str(exc))})") from None
    labels = {str(c): dict(v) for c, v in (meta.variable_value_labels or {}).items()}
    numeric = {str(c) for c in frame.columns if frame[c].dtype != object}
    text = _to_text_frame(frame)
    return text, [], {"format": "SPSS .sav", "labels": {c: v for c, v in labels.items()
                                                      if c in numeric}}


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
