"""Telling a CSV's dialect apart: encoding (UTF-8, with or without BOM, or Windows-1252; a
file mixing them refused), line endings, separator (',' or ';', told apart by the contract's
column names in the header, else by the rows; mixed separators refused) and the header row
(title rows above it named). Never silently: what was found is reported by the reader
(:mod:`pku_eval.io`), and a file that cannot be told apart is refused saying what was found."""

from __future__ import annotations

import io
import re
from pathlib import Path


class _Refused(Exception):
    """A file that cannot be read at all: the message (never a cell's text) and, when known,
    the row (as a spreadsheet numbers it)."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.row = row


_BOM = b"\xef\xbb\xbf"
#: Bytes Windows-1252 does not define: a file holding one is not Windows-1252.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
#: æøåÆØÅ (and é, ü, ö, ä) in UTF-8: in a file that is otherwise Windows-1252, a sign of two
#: encodings mixed in one file.
_UTF8_LETTERS = re.compile(rb"\xc3[\xa5\xa6\xb8\x85\x86\x98\xa9\xbc\xb6\xa4]")
_HIGH = re.compile(rb"[\x80-\xff]")
_SEPARATORS = (",", ";")
#: Rows looked at to find the separator and the header row.
_SNIFF_ROWS = 30


def _row_of(raw: bytes, pos: int) -> int:
    return raw[:pos].count(b"\n") + 1


def _encoding(path: Path, bom: bool) -> str:
    """``utf-8`` or ``cp1252`` (Windows-1252) for the whole file, or refused: a file in
    neither, or one that mixes them (UTF-8 letters and a byte UTF-8 cannot decode)."""
    import codecs

    dec = codecs.getincrementaldecoder("utf-8")()
    pos, high = 0, False
    bad = None
    with open(path, "rb") as fh:
        if bom:
            fh.read(3)
            pos = 3
        for block in iter(lambda: fh.read(1 << 20), b""):
            try:
                dec.decode(block)
            except UnicodeDecodeError as exc:
                bad = pos + exc.start
                break
            high = high or _HIGH.search(block) is not None
            pos += len(block)
        else:
            try:
                dec.decode(b"", final=True)
                return "utf-8" if high or bom else "ascii"
            except UnicodeDecodeError:
                bad = pos
    raw = path.read_bytes()
    row = _row_of(raw, bad)
    if bom or high or _UTF8_LETTERS.search(raw):
        raise _Refused(f"mixed encodings: the file holds UTF-8 letters and a byte UTF-8 cannot "
                       f"decode at row {row} (it looks like Windows-1252 there): save the "
                       "whole file again in one encoding (CSV UTF-8)", row=row)
    odd = _CP1252_UNDEFINED.search(raw)
    if odd:
        row = _row_of(raw, odd.start())
        raise _Refused(f"neither UTF-8 nor Windows-1252 (a byte at row {row} is undefined in "
                       "both): save the file as CSV UTF-8", row=row)
    return "cp1252"


def _newlines(text: str) -> str:
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    kinds = [k for k, n in (("CRLF", crlf), ("LF", lf), ("CR", cr)) if n]
    if len(kinds) > 1:
        return "mixed (" + "/".join(kinds) + ")"
    return kinds[0] if kinds else "no"


def _split_rows(sample: str, sep: str) -> list[list[str]]:
    import csv

    try:
        return [r for _, r in zip(range(_SNIFF_ROWS), csv.reader(io.StringIO(sample),
                                                                  delimiter=sep))]
    except csv.Error:
        return []


def _header_row(rows: list[list[str]], expected: set[str]) -> tuple[int, int]:
    """(index, names found) of the first row that holds at least two of the expected column
    names (all of them when fewer are expected); (0, names in row 1) when none does."""
    need = min(2, len(expected)) or 1
    best = (0, sum(c.strip() in expected for c in rows[0]) if rows else 0)
    for i, r in enumerate(rows):
        found = sum(str(c).strip() in expected for c in r)
        if found >= need:
            return i, found
    return best


def _sniff(text: str, expected: set[str]) -> tuple[str, int]:
    """(separator, header index) of a CSV sample; refused when the separator cannot be told
    apart or rows use different separators."""
    cut = text.rfind("\n")
    sample = text[: cut + 1] if cut > 0 else text
    rows = {sep: [r for r in _split_rows(sample, sep)] for sep in _SEPARATORS}
    found = {sep: _header_row(rows[sep], expected) for sep in _SEPARATORS}
    widths = {sep: len(rows[sep][found[sep][0]]) if rows[sep] else 0 for sep in _SEPARATORS}
    by_names = sorted(_SEPARATORS, key=lambda s: (found[s][1], widths[s]), reverse=True)
    sep, other = by_names
    if found[sep][1] == found[other][1] and widths[sep] > 1 and widths[other] > 1:
        # no contract name tells them apart: the rows must
        consistent = {s: all(len(r) == widths[s] for r in rows[s][found[s][0]:] if r)
                      for s in _SEPARATORS}
        if consistent[","] == consistent[";"]:
            raise _Refused("the separator cannot be told apart: the header splits into "
                           f"{widths[',']} columns at ',' and {widths[';']} at ';'"
                           " and no column of the contract is named: use one separator "
                           "(',' or ';') and the contract's column names")
        sep, other = ("," , ";") if consistent[","] else (";", ",")
    head = found[sep][0]
    width = widths[sep]
    mixed = [head + i + 1 for i, r in enumerate(rows[sep][head + 1:])
             if r and len(r) != width and i + head + 1 < len(rows[other])
             and len(rows[other][head + 1 + i]) == width]
    if mixed and width > 1:
        more = f" (and {len(mixed) - 1} more)" if len(mixed) > 1 else ""
        raise _Refused(f"mixed separators: the header is '{sep}'-separated but row "
                       f"{mixed[0] + 1}{more} is '{other}'-separated: save the file again "
                       "with one separator", row=mixed[0] + 1)
    return sep, head
