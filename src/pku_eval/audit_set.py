"""The disclosure audit of a report set: the reports that sit side by side — the whole report
and the reports of each project and each office built from the same data, at the same stage —
read together, as a reader holding all of them would.

Like the audit of one report (:mod:`pku_eval.audit`), it reads only what was published and is
not told how the reports relate. It finds out:

- the cells that are the same cell in several reports: a table is known by its caption (without
  its number), a cell by its row label (the text columns) and its column header;
- which reports add up to which. A report names the offices it covers (``pku-offices`` in its
  head, as its title and tables do in words), so a reader knows every cell of it is the sum of
  the same cell over those offices: each report's cell is a sum of unknown office cells, and
  the audit eliminates the unknowns (every combination of reports whose offices cancel, e.g.
  the whole minus the projects, a project minus its offices) — and also tries the offices that
  have no report of their own (a project's report minus two of its three offices' gives the
  third's). A column whose printed cells break such a sum is not a sum over offices (a count of
  coaches, say) and is left out. Reports without that record (an earlier version's) are
  related from the numbers instead: a report whose every printed count equals the sum of the
  same cells in a group of narrower reports, in at least three cells with a non-zero total and
  two non-zero parts, and nowhere not; or equals one narrower report's in every cell both
  print, in at least three non-zero cells;
- the sums inside each table, as for one report.

It then solves all of these together (each group of withheld cells linked by them at a time)
and reports every withheld count that comes out as one value below ``min_cell`` — the report,
the table and the cell, never the value. ``results.json``'s ``flow`` counts take part as a
table of their own.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np

from .audit import Finding, _count_grid, _solve_hidden, _table_equations, read_tables
from .disclosure import MARK

_LABEL = re.compile(r"^(Tabell|Table)\s+[0-9A-Z]+(\.[0-9]+)*\s*")
_WITNESSES = 3
_MAX_CANDIDATES = 14   # narrower reports tried as parts of a sum (2^14 subsets at most)


@dataclass
class _Report:
    name: str
    stage: str
    filter: str          # "" for the whole report, "project=klar", "office=moss"
    min_cell: int
    label: str
    cells: dict          # (table key, row label, column header) -> value or MARK
    equations: list      # sums inside tables, over the keys above
    where: dict          # key -> "Tabell 3.2, row 4, column 'Svar'"
    offices: frozenset | None = None   # the offices the report covers (None: not recorded)


def _meta(html: str) -> dict:
    out = {}
    for tag in re.findall(r"<meta\b[^>]*>", html[:20000]):
        name = re.search(r'name="([^"]*)"', tag)
        content = re.search(r'content="([^"]*)"', tag)
        if name and content:
            out[name.group(1)] = content.group(1)
    return out


def _flow_leaves(d, prefix="flow"):
    if isinstance(d, dict):
        for k, v in d.items():
            yield from _flow_leaves(v, f"{prefix}.{k}")
    else:
        yield prefix, d


def load_report(report_dir: Path) -> _Report:
    """One report folder as the set audit reads it."""
    report_dir = Path(report_dir)
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    meta = _meta(html)
    label = "Tabell" if 'lang="nb"' in html[:2000] else "Table"
    cells: dict = {}
    equations: list = []
    where: dict = {}
    for tab in read_tables(html):
        tkey = _LABEL.sub("", tab.caption).strip() or tab.number
        cols, grid = _count_grid(tab)
        text_cols = [j for j, k in enumerate(tab.kinds) if k == "text"]
        keys, seen = {}, {}
        for i, row in enumerate(tab.rows):
            label_i = " | ".join(row[j] for j in text_cols if j < len(row))
            occ = seen.get(label_i, 0)
            seen[label_i] = occ + 1
            for c, j in enumerate(cols):
                key = (tkey, f"{label_i}#{occ}", tab.headers[j])
                keys[(i, c)] = key
                if grid[i][c] is not None:
                    cells[key] = grid[i][c]
                    where[key] = f"{label} {tab.number}, row {i + 1}, column '{tab.headers[j]}'"
        inner, eqs = _table_equations(tab, every=True)
        equations += [[(coef, keys[k]) for coef, k in eq] for eq in eqs]
    res = report_dir / "results.json"
    if res.exists():
        results = json.loads(res.read_text(encoding="utf-8"))
        for path, value in _flow_leaves(results.get("flow", {})):
            key = ("results.json", path, "")
            if value is None:
                cells[key] = MARK
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                cells[key] = float(value)
            else:
                continue
            where[key] = f"results.json {path}"
    covers = meta.get("pku-offices")
    offices = frozenset(o for o in covers.split(",") if o) if covers is not None else None
    return _Report(report_dir.name, meta.get("pku-stage", ""), meta.get("pku-filter", ""),
                   int(meta.get("pku-min-cell", 5)), label, cells, equations, where, offices)


def _rank(report: _Report) -> int:
    """Narrowness: the whole report 0, a project 1, an office 2, anything else 3."""
    kind = report.filter.split("=", 1)[0]
    return {"": 0, "project": 1, "office": 2}.get(kind, 3)


def _sums(target: _Report, narrower: list[_Report]) -> list[tuple[_Report, ...]]:
    """Groups of narrower reports whose printed counts add up to the target's."""
    keys = sorted(target.cells, key=str)
    if not narrower or not keys:
        return []

    def row(rep):
        return np.array([rep.cells[k] if k in rep.cells and rep.cells[k] != MARK else np.nan
                         for k in keys], dtype=float)

    t = row(target)
    parts = np.vstack([row(r) for r in narrower])
    present = np.vstack([[k in r.cells for k in keys] for r in narrower])
    found = []
    idx = range(len(narrower))
    for size in range(1, len(narrower) + 1):   # 1: the same cells printed again
        for subset in combinations(idx, size):
            sub = parts[list(subset)]
            # every cell of the target must exist in the parts (a report that lacks a row
            # proves nothing about it), and be printed everywhere to witness
            has = present[list(subset)].all(axis=0)
            printed = has & ~np.isnan(t) & ~np.isnan(sub).any(axis=0)
            if not printed.any():
                continue
            total = sub[:, printed].sum(axis=0)
            if np.any(np.abs(total - t[printed]) > 1e-9):
                continue
            nonzero = (t[printed] > 0) & ((sub[:, printed] > 0).sum(axis=0) >= min(2, size))
            if nonzero.sum() >= _WITNESSES:
                found.append(tuple(narrower[i] for i in subset))
    return found


def _column(key) -> tuple:
    """The column a cell key belongs to (a results.json value is a column of its own)."""
    return (key[0], key[1]) if key[0] == "results.json" else (key[0], key[2])


def _coverage_equations(group: list[_Report], cells: dict, where: dict) -> list[list]:
    """The sums over offices among the reports of ``group`` (every one records its offices):
    for each cell key, the combinations of the reports printing it whose offices cancel, and
    for an office without a report of its own whose cell the reports determine, a cell of
    its own (added to ``cells`` withheld, and to ``where``). Columns whose printed cells break
    a sum are left out (not a sum over offices)."""
    from scipy.linalg import null_space

    covers = {r.name: r.offices for r in group}
    offices = sorted(set().union(*covers.values()))
    own = {next(iter(c)) for c in covers.values() if len(c) == 1}
    patterns: dict[tuple, list] = {}
    for r in group:
        for k in r.cells:
            patterns.setdefault(k, []).append(r.name)
    by_pattern: dict[tuple, list] = {}
    for k, names in patterns.items():
        by_pattern.setdefault(tuple(sorted(names)), []).append(k)
    found: list[tuple[tuple, list]] = []     # (key, equation)
    for names, keys in by_pattern.items():
        m = np.array([[1.0 if o in covers[n] else 0.0 for o in offices] for n in names])
        rels = [v for v in null_space(m.T).T]
        derived = []
        for j, office in enumerate(offices):
            if office in own or not m[:, j].any():
                continue
            e = np.zeros(len(offices))
            e[j] = 1.0
            w = np.linalg.lstsq(m.T, e, rcond=None)[0]
            if np.abs(m.T @ w - e).max() < 1e-9:
                derived.append((office, w))
        for k in keys:
            for v in rels:
                found.append((k, [(float(c), (n, *k)) for c, n in zip(v, names)
                                  if abs(c) > 1e-10]))
            for office, w in derived:
                vkey = (f"~{office}", *k)
                cells[vkey] = MARK
                where[vkey] = f"office {office} (no report of its own): {k[0]}, {k[1]}, {k[2]}"
                found.append((k, [(-1.0, vkey)] + [(float(c), (n, *k)) for c, n in
                                                   zip(w, names) if abs(c) > 1e-10]))
    broken = {_column(k) for k, eq in found
              if all(cells[c] != MARK for _, c in eq)
              and abs(sum(coef * cells[c] for coef, c in eq)) > 1e-6}
    return [eq for k, eq in found if _column(k) not in broken]


def _components(equations: list[list], cells: dict) -> list[list[list]]:
    """The equations grouped by the withheld cells that link them."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for eq in equations:
        hidden = [k for _, k in eq if cells[k] == MARK]
        for a, b in zip(hidden, hidden[1:]):
            parent[find(a)] = find(b)
    groups: dict = {}
    for eq in equations:
        hidden = [k for _, k in eq if cells[k] == MARK]
        if hidden:
            groups.setdefault(find(hidden[0]), []).append(eq)
    return list(groups.values())


def siblings(out: Path, results: dict) -> list[Path]:
    """The report folders beside ``out`` (not ``out`` itself) of the same stage built from the
    same data (the same file hashes in results.json): the set a new report joins."""
    out = Path(out)
    found = []
    if not out.parent.is_dir():
        return found
    for d in sorted(out.parent.iterdir()):
        if d.name == out.name or d.name.startswith(".") or not (d / "report.html").is_file():
            continue
        try:
            other = json.loads((d / "results.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if other.get("stage") == results.get("stage") and \
                other.get("data", {}).get("sha256") == results.get("data", {}).get("sha256"):
            found.append(d)
    return found


def audit_report_set(report_dirs: list[Path], min_cell: int | None = None,
                     names: dict | None = None) -> list[Finding]:
    """Every withheld count below min_cell that the reports of a set give back together
    (``names``: a folder's name in the findings, when it is not the folder's own)."""
    reports = [load_report(Path(d)) for d in report_dirs]
    for d, r in zip(report_dirs, reports):
        r.name = (names or {}).get(Path(d), r.name)
    found: list[Finding] = []
    for stage in sorted({r.stage for r in reports}):
        group = [r for r in reports if r.stage == stage]
        if len(group) < 2:
            continue
        limit = min_cell or min(r.min_cell for r in group)
        cells = {(r.name, *k): v for r in group for k, v in r.cells.items()}
        where = {(r.name, *k): w for r in group for k, w in r.where.items()}
        equations = [[(c, (r.name, *k)) for c, k in eq] for r in group for eq in r.equations]
        recorded = all(r.offices for r in group)   # every report names its offices
        if recorded:
            equations += _coverage_equations(group, cells, where)
        for target in ([] if recorded else group):
            narrower = [r for r in group if _rank(r) > _rank(target) and _rank(r) < 3]
            if len(narrower) > _MAX_CANDIDATES:
                # offices of the whole report: reached through the projects
                narrower = [r for r in narrower if _rank(r) == _rank(target) + 1]
            for parts in _sums(target, narrower[:_MAX_CANDIDATES]):
                for k in target.cells:
                    if all(k in p.cells for p in parts):
                        equations.append([(-1.0, (target.name, *k))]
                                         + [(1.0, (p.name, *k)) for p in parts])
        by_name = {r.name: r for r in group}
        for comp in _components(equations, cells):
            for key, value in sorted(_solve_hidden(cells, comp).items(), key=str):
                if 0 < round(value) < limit and abs(value - round(value)) < 1e-6:
                    rep = by_name.get(key[0])
                    found.append(Finding(
                        rep.name if rep else key[0], where.get(key, str(key[1:])),
                        "the reports of the set read together determine a withheld count"
                        if rep else "the reports of the set read together determine the "
                        "count of an office that has no report of its own"))
    return found


__all__ = ["audit_report_set", "load_report", "siblings"]
