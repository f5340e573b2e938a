"""An independent disclosure audit of published reports: it reads only what a reader gets —
the tables of ``report.html`` (with the column kinds the publishing path writes into them) and
``results.json`` — and tries the attacks a reader with a pencil would, reporting every hidden
count it can recover (the table, row and column; never the value).

Attacks tried:

- **share × base**: a share (%) of people printed in a row whose base (its denominator) is
  printed too gives the count it was computed from; when that count is 1 … min_cell − 1 while
  the table hides small counts, a hidden count is recovered;
- **the share of a withheld count**: a share printed while the count it is the share of is
  withheld (with its base printed, the count follows);
- **a visible small count**: a count cell showing 1 … min_cell − 1;
- **results.json**: a count of the ``flow`` section published below min_cell;
- **totals and their parts** (:func:`audit_relations`): the auditor is not told which cells of a
  table add up to which; it finds out, as a reader would, from the fully printed rows and columns
  (a column that equals the sum of other count columns in every row where all of them are
  printed, in at least two rows with non-zero parts; likewise for rows), and then solves the
  system: a withheld cell that the printed cells and these sums determine exactly, and that
  comes out below min_cell, is recovered;
- **a report set** (:func:`pku_eval.audit_set.audit_report_set`): the reports of one stage
  that sit side by side (the whole report and the project and office reports built from the
  same data) read together — a count withheld in one report and derivable from the whole
  report minus the others, or from the same cell printed in another report.

``pku-eval disclosure-audit REPORT_DIR…`` runs it; every build runs it on the report it is
about to publish and refuses to publish on a finding.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .disclosure import MARK


@dataclass
class Table:
    number: str
    headers: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)      # text|count|pct|num|cell
    bases: list[int | None] = field(default_factory=list)  # column index of a share's base
    rows: list[list[str]] = field(default_factory=list)
    ofs: list[int | None] = field(default_factory=list)    # column index of a share's count
    caption: str = ""   # the caption as printed, with its label ("Tabell 3.2 …")
    source: str = ""    # the source line under the table (source, suppression note, note)


@dataclass(frozen=True)
class Finding:
    report: str
    where: str      # "Tabell 3.2, row 4, column 'Svar'"
    attack: str     # what recovers it

    def __str__(self) -> str:
        return f"{self.report}: {self.where}: {self.attack}"


class _Tables(HTMLParser):
    """The tables of a report page with the kinds the publishing path wrote into them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._table: Table | None = None
        self._in_label = False
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._head = False
        self._text: list[str] | None = None   # caption or source line being read
        self._text_tag = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "figure" and "pku-table" in (a.get("class") or ""):
            self._table = Table(number=a.get("id", "?").removeprefix("tab-").replace("-", "."))
        elif self._table is None:
            return
        elif tag == "figcaption" or (tag == "p" and "pku-source" in (a.get("class") or "")):
            self._text, self._text_tag = [], tag
        elif tag == "thead":
            self._head = True
        elif tag == "tbody":
            self._head = False
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell = []
            if self._head and tag == "th":
                self._table.kinds.append(a.get("data-kind", "text"))
                base = a.get("data-base")
                self._table.bases.append(int(base) if base not in (None, "") else None)
                of = a.get("data-of")
                self._table.ofs.append(int(of) if of not in (None, "") else None)

    def handle_endtag(self, tag):
        if self._table is None:
            return
        if tag == self._text_tag and self._text is not None:
            text = " ".join("".join(self._text).split())
            if tag == "figcaption":
                self._table.caption = text
            else:
                self._table.source = text
            self._text, self._text_tag = None, ""
        elif tag in ("th", "td") and self._cell is not None:
            text = "".join(self._cell).strip()
            if self._head:
                self._table.headers.append(text)
            elif self._row is not None:
                self._row.append(text)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if not self._head and self._row:
                self._table.rows.append(self._row)
            self._row = None
        elif tag == "figure":
            self.tables.append(self._table)
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._text is not None:
            self._text.append(data)


def read_tables(html: str) -> list[Table]:
    """Every table of a report page, as published."""
    p = _Tables()
    p.feed(html)
    return p.tables


_NUMBER = re.compile(r"^[−-]?[0-9][0-9\u202f\u00a0 .,]*")


def parse_number(text: str) -> float | None:
    """A number as the report prints it ('1 234', '46,7', '12.5', '84 (46,7)' → 84); ``None``
    for text, the marker or a dash."""
    text = text.strip()
    m = _NUMBER.match(text)
    if not m:
        return None
    s = m.group(0).strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    s = s.replace("−", "-")
    if "," in s and "." in s:       # 1,234.5 (en)
        s = s.replace(",", "")
    elif "," in s:                  # 46,7 (nb)
        s = s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


def _decimals(text: str) -> int:
    m = re.search(r"[.,]([0-9]+)\s*$", text.strip().split(" (")[0])
    return len(m.group(1)) if m else 0


def audit_tables(tables: list[Table], min_cell: int, report: str = "report",
                 label: str = "Table") -> list[Finding]:
    """The attacks on the tables of one report."""
    found: list[Finding] = []
    for tab in tables:
        for r, row in enumerate(tab.rows, 1):
            hidden_in_row = any(c == MARK for c in row)
            for j, (kind, text) in enumerate(zip(tab.kinds, row)):
                where = f"{label} {tab.number}, row {r}, column '{tab.headers[j]}'"
                if kind in ("count", "cell"):
                    n = parse_number(text)
                    if n is not None and 0 < n < min_cell and float(n).is_integer():
                        found.append(Finding(report, where, "a count below min_cell is shown"))
                of = tab.ofs[j] if j < len(tab.ofs) else None
                if kind == "pct" and of is not None and of < len(row) and row[of] == MARK \
                        and text != MARK:
                    found.append(Finding(report, where,
                                         "the share of a withheld count is printed"))
                    continue
                if kind != "pct" or not hidden_in_row:
                    continue
                b = tab.bases[j] if j < len(tab.bases) else None
                if b is None or b >= len(row) or of is None:  # a share of people only
                    continue
                share, base = parse_number(text), parse_number(row[b])
                if share is None or base is None:
                    continue
                # the count the share was computed from, within the share's rounding
                half = 0.5 * 10 ** (-_decimals(text))
                lo, hi = (share - half) / 100 * base, (share + half) / 100 * base
                ks = [k for k in range(math.ceil(lo - 1e-9), math.floor(hi + 1e-9) + 1)]
                if len(ks) == 1 and 0 < ks[0] < min_cell:
                    found.append(Finding(report, where,
                                         "the share times its printed base gives a hidden count"))
    return found


_MAX_COUNT_COLUMNS = 10
_MAX_SEARCH_ROWS = 16


def _count_grid(tab: Table) -> tuple[list[int], list[list[float | None | str]]]:
    """The count columns of a table and, per row, each count cell as a number, ``MARK`` when
    withheld, or ``None`` when it is empty or not a number."""
    cols = [j for j, k in enumerate(tab.kinds) if k in ("count", "cell")]
    grid = []
    for row in tab.rows:
        cells = []
        for j in cols:
            text = row[j] if j < len(row) else ""
            cells.append(MARK if text == MARK else parse_number(text))
        grid.append(cells)
    return cols, grid


def _sum_relations(lines: list[list], min_witnesses: int = 2,
                   max_parts: int | None = None) -> list[tuple[int, tuple[int, ...]]]:
    """Sums a reader can see: ``(t, parts)`` where line ``t`` equals the sum of ``parts`` at
    every position where all of them are printed, at least ``min_witnesses`` such positions
    with a non-zero total and at least two non-zero parts (so that ``x = x + 0`` and ``0 = 0``
    prove nothing), and no position where they are printed and disagree."""
    from itertools import combinations

    n = len(lines)
    width = len(lines[0]) if lines else 0
    found = []
    max_parts = max_parts or n - 1
    for t in range(n):
        others = [i for i in range(n) if i != t]
        for size in range(2, min(max_parts, len(others)) + 1):
            for parts in combinations(others, size):
                witnesses, ok = 0, True
                for k in range(width):
                    vals = [lines[i][k] for i in (t, *parts)]
                    if any(v is None or v == MARK for v in vals):
                        continue
                    if abs(vals[0] - sum(vals[1:])) > 1e-9:
                        ok = False
                        break
                    if vals[0] > 0 and sum(1 for v in vals[1:] if v > 0) >= 2:
                        witnesses += 1
                if ok and witnesses >= min_witnesses:
                    found.append((t, parts))
    return found


def _solve_hidden(cells: dict, equations: list[list]) -> dict:
    """The withheld cells that the equations determine exactly, with their values.

    ``cells`` maps a cell key to its printed value or ``MARK``; every equation is a list of
    ``(coefficient, key)`` summing to 0. Solved independently of the publishing path's engine
    (scipy's null space, then least squares)."""
    import numpy as np
    from scipy.linalg import null_space

    hidden = sorted({k for eq in equations for _, k in eq if cells[k] == MARK}, key=str)
    if not hidden:
        return {}
    pos = {k: i for i, k in enumerate(hidden)}
    a = np.zeros((len(equations), len(hidden)))
    b = np.zeros(len(equations))
    for r, eq in enumerate(equations):
        for coef, k in eq:
            if cells[k] == MARK:
                a[r, pos[k]] += coef
            else:
                b[r] -= coef * cells[k]
    keep = np.any(a != 0, axis=1)
    a, b = a[keep], b[keep]
    if a.shape[0] == 0:
        return {}
    null = null_space(a)
    x = np.linalg.lstsq(a, b, rcond=None)[0]
    return {k: float(x[i]) for k, i in pos.items()
            if null.shape[1] == 0 or np.all(np.abs(null[i]) < 1e-7)}


def _table_equations(tab: Table, every: bool = False) -> tuple[dict, list[list]]:
    """The count cells of one table, keyed ``(row, column)`` of its count grid, and the sums
    among them that a reader can see (equations touching a withheld cell; ``every``: all)."""
    cols, grid = _count_grid(tab)
    cells = {(i, c): v for i, r in enumerate(grid) for c, v in enumerate(r) if v is not None}
    equations: list[list] = []

    def add(keys):
        if all(k in cells for k in keys) and (every or any(cells[k] == MARK for k in keys)):
            equations.append([(-1.0, keys[0])] + [(1.0, k) for k in keys[1:]])

    if 3 <= len(cols) <= _MAX_COUNT_COLUMNS:      # a column that sums other columns
        by_col = [[r[c] for r in grid] for c in range(len(cols))]
        for t, parts in _sum_relations(by_col):
            for i in range(len(grid)):
                add([(i, c) for c in (t, *parts)])
    if 3 <= len(grid) <= _MAX_SEARCH_ROWS:         # a row that sums other rows
        for t, parts in _sum_relations(grid, max_parts=3):
            for c in range(len(cols)):
                add([(i, c) for i in (t, *parts)])
    return cells, equations


def audit_relations(tables: list[Table], min_cell: int, report: str = "report",
                    label: str = "Table") -> list[Finding]:
    """Totals and their parts, found from the printed cells and solved (see the module)."""
    found: list[Finding] = []
    for tab in tables:
        cols, grid = _count_grid(tab)
        if not any(MARK in r for r in grid):
            continue
        cells, equations = _table_equations(tab)
        if not equations:
            continue
        for (i, c), value in sorted(_solve_hidden(cells, equations).items()):
            if 0 < round(value) < min_cell and abs(value - round(value)) < 1e-6:
                found.append(Finding(
                    report, f"{label} {tab.number}, row {i + 1}, column "
                    f"'{tab.headers[cols[c]]}'",
                    "the printed cells and the sums among them determine a withheld count"))
    return found


def _leaves(d, prefix=""):
    if isinstance(d, dict):
        for k, v in d.items():
            yield from _leaves(v, f"{prefix}.{k}" if prefix else str(k))
    else:
        yield prefix, d


def audit_results(results: dict, min_cell: int, report: str = "results.json") -> list[Finding]:
    """Counts in results.json (the ``flow`` section): none published below min_cell."""
    found = []
    for path, value in _leaves({k: v for k, v in results.items() if k == "flow"}):
        if isinstance(value, (int, float)) and not isinstance(value, bool) \
                and 0 < value < min_cell:
            found.append(Finding(report, path, "a count below min_cell is published"))
    return found


def min_cell_of(report_dir: Path) -> int:
    """The report's min_cell as it states it (the meta tag the report writes)."""
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    for tag in re.findall(r"<meta\b[^>]*>", html[:20000]):
        if re.search(r'name="pku-min-cell"', tag):
            m = re.search(r'content="(\d+)"', tag)
            if m:
                return int(m.group(1))
    return 5


def audit_report(report_dir: Path, min_cell: int | None = None) -> list[Finding]:
    """Every finding for one report folder (``report.html`` and ``results.json``)."""
    report_dir = Path(report_dir)
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    min_cell = min_cell or min_cell_of(report_dir)
    label = "Tabell" if 'lang="nb"' in html[:2000] else "Table"
    tables = read_tables(html)
    found = audit_tables(tables, min_cell, report_dir.name, label)
    found += audit_relations(tables, min_cell, report_dir.name, label)
    res = report_dir / "results.json"
    if res.exists():
        found += audit_results(json.loads(res.read_text(encoding="utf-8")), min_cell,
                               f"{report_dir.name}/results.json")
    return found


def write_table_record(report_dir: Path) -> Path:
    """``tables.json`` beside the report: every published table, machine-readable (number,
    headers, column kinds, the base of each share, the cells as printed, caption, source
    line)."""
    report_dir = Path(report_dir)
    tables = read_tables((report_dir / "report.html").read_text(encoding="utf-8"))
    out = report_dir / "tables.json"
    out.write_text(json.dumps([t.__dict__ for t in tables], ensure_ascii=False, indent=1),
                   encoding="utf-8")
    return out


__all__ = [
    "Finding",
    "Table",
    "audit_relations",
    "audit_report",
    "audit_results",
    "audit_tables",
    "parse_number",
    "read_tables",
    "write_table_record",
]
