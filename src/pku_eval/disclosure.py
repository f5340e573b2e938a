"""The suppression policy: the one place that decides what may be published.

Counts of 1 … ``min_cell`` − 1 people are withheld (zero is not disclosive); a statistic
(share, mean, estimate, a mark in a figure) is withheld when it rests on fewer than
``min_cell`` people; secondary suppression withholds further cells so that a withheld one
cannot be recovered from a margin. Chapters never compare a number with ``min_cell`` and
never write the marker themselves: they ask a :class:`Policy` (``ch.policy``), and the
publishing path (:mod:`pku_eval.publish`) renders what it decided.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .text import fmt_int, fmt_num
from .values import NO_DATA, SUPPRESSED, Value

#: What a withheld cell shows (REPORT_SPEC.md).
MARK = "*"


class _Hidden:
    """A cell withheld by a decision of the policy that is not a comparison of the cell itself
    with ``min_cell`` (e.g. secondary suppression); rendered like any suppressed cell."""

    def __repr__(self) -> str:
        return "HIDDEN"


HIDDEN = _Hidden()


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


@dataclass(frozen=True)
class Policy:
    """The disclosure rules of one report (``min_cell`` from its params).

    Examples
    --------
    >>> p = Policy(5)
    >>> [p.hides(n) for n in (0, 1, 4, 5)]
    [False, True, True, False]
    >>> [p.enough(n) for n in (0, 4, 5)]
    [False, False, True]
    >>> p.count(3)
    Value(estimate=None, n=3, reason='suppressed')
    """

    min_cell: int = 5

    # ---- single numbers
    def hides(self, n) -> bool:
        """Whether a count of ``n`` people is withheld (1 … min_cell − 1)."""
        if n is HIDDEN:
            return True
        return not _missing(n) and 0 < n < self.min_cell

    def enough(self, base) -> bool:
        """Whether a statistic (or a figure's mark) resting on ``base`` people may be shown."""
        return base is not HIDDEN and not _missing(base) and base >= self.min_cell

    def too_few(self, base) -> bool:
        """The opposite of :meth:`enough`: fewer than ``min_cell`` people (or none)."""
        return not self.enough(base)

    def count(self, n) -> Value:
        """A count as a published value (withheld when small, or :data:`HIDDEN` by a decision
        of the report's shared counts)."""
        if n is HIDDEN:
            return Value.null(SUPPRESSED)
        if _missing(n):
            return Value.null(NO_DATA)
        n = int(n)
        return Value.null(SUPPRESSED, n=n) if self.hides(n) else Value(n, n=n)

    def stat(self, estimate, base, reason: str | None = None, withheld: bool = False) -> Value:
        """A statistic resting on ``base`` people: withheld when the base is too small;
        ``reason`` when the estimate is missing for another cause. A withheld base
        (:data:`HIDDEN`, or ``withheld``: a count it rests on is withheld by another decision)
        withholds the statistic: at full precision it would give the count back."""
        if base is HIDDEN:
            return Value.null(SUPPRESSED)
        if withheld:
            return Value.null(SUPPRESSED, n=None if _missing(base) else int(base))
        base = None if _missing(base) else int(base)
        if base is not None and 0 < base < self.min_cell:
            return Value.null(SUPPRESSED, n=base)
        if _missing(estimate):
            return Value.null(reason or NO_DATA, n=base)
        return Value(estimate, n=base)

    def guard(self, sizes: Iterable) -> str | None:
        """:data:`SUPPRESSED` when any group of a comparison has fewer than ``min_cell``
        people (an estimate from it would describe too few), else ``None``."""
        sizes = list(sizes)
        return SUPPRESSED if not sizes or min(sizes) < self.min_cell else None

    # ---- text
    def shown_count(self, n):
        """A count for results.json: the value, or ``None`` when withheld."""
        if n is HIDDEN or _missing(n):
            return None
        return None if self.hides(n) else n

    def prose(self, n, language: str) -> str:
        """A count in a sentence: the number, or the marker when withheld."""
        return MARK if self.hides(n) else fmt_int(n, language)

    def cell(self, n, share=None, language: str = "nb", hidden: bool = False,
             decimals: int = 1) -> str:
        """'84 (46,7)': a count with its share in percent, or the marker when the count is
        withheld (or ``hidden`` by another decision of the policy)."""
        if _missing(n):
            return "–"
        if hidden or self.hides(n):
            return MARK
        if _missing(share):
            return fmt_int(n, language)
        return f"{fmt_int(n, language)} ({fmt_num(100 * share, decimals, language)})"

    def text_or_mark(self, text: str, base) -> str:
        """``text`` (a formatted statistic), or the marker when it rests on too few people."""
        return text if self.enough(base) or _missing(base) or base == 0 else MARK

    # ---- columns and tables
    def count_mask(self, values) -> pd.Series:
        """Boolean mask of the withheld counts of a column (the :data:`HIDDEN` cells too)."""
        return suppress_counts(values, self.min_cell)

    def base_mask(self, base) -> pd.Series:
        """Boolean mask of statistics resting on 1 … min_cell − 1 people."""
        return suppress_counts(base, self.min_cell)

    def line_mask(self, counts) -> pd.Series:
        """Withheld counts of one line whose total is known: the small ones, and when exactly
        one is small, the smallest other positive count with it."""
        counts = pd.Series(counts).reset_index(drop=True)
        primary = self.count_mask(counts).to_numpy()
        values = pd.to_numeric(counts.where(~primary, 0), errors="coerce").fillna(0).to_numpy()
        mask = secondary_suppression(values[None, :], primary[None, :])[0]
        return pd.Series(mask, index=counts.index)

    def grouped_mask(self, frame: pd.DataFrame, n_col: str, by: list[str]) -> pd.Series:
        """Withheld counts of ``frame[n_col]``: primary suppression, and within each group of
        ``by`` (e.g. one round), secondary suppression across its rows."""
        mask = pd.Series(False, index=frame.index)
        groups = frame.groupby(by, sort=False).groups.values() if by else [frame.index]
        for index in groups:
            mask[index] = self.line_mask(frame.loc[index, n_col]).to_numpy()
        return mask

    def withhold(self, frame: pd.DataFrame, columns, mask) -> pd.DataFrame:
        """A copy of ``frame`` whose ``columns`` are withheld in the rows of ``mask`` (a
        decision of this policy, e.g. :meth:`grouped_mask`): the publishing path renders
        them as the marker. ``frame`` is not changed."""
        out = frame.copy()
        mask = np.asarray(mask, dtype=bool)
        for col in [columns] if isinstance(columns, str) else columns:
            out[col] = out[col].astype(object)
            out.loc[mask, col] = HIDDEN
        return out

    def revealing_shares(self, shares, bases) -> pd.Series:
        """Shares that give away a withheld count: share × base is a count of 1 … min_cell − 1
        (e.g. 40 % of 5 answers = 2). A share is published only when the count it rests on
        may be.

        Examples
        --------
        >>> Policy(5).revealing_shares([0.4, 0.8, 0.0, 0.1], [5, 40, 12, 100]).tolist()
        [True, False, False, False]
        """
        s = pd.to_numeric(pd.Series(list(shares), dtype=object), errors="coerce")
        b = pd.to_numeric(pd.Series(list(bases), dtype=object), errors="coerce")
        implied = (s * b).round()
        out = ((implied > 0) & (implied < self.min_cell)).fillna(False).astype(bool)
        if isinstance(shares, pd.Series):
            out.index = shares.index
        return out

    def table_mask(self, counts, primary=None) -> np.ndarray:
        """Secondary suppression over a cross-table whose margins are known."""
        counts = np.asarray(counts, dtype=float)
        if primary is None:
            primary = (counts > 0) & (counts < self.min_cell)
        return secondary_suppression(counts, primary)


def km_steps(curve: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """The points of one Kaplan–Meier curve that may be drawn (``time``, ``survival``,
    ``ci_low``, ``ci_high``), starting at (0, 1): the curve stops at the last time with
    enough people at risk (the policy decides), and every step it draws carries enough events
    for the policy — smaller steps are merged into the next one that does, so no step shows
    a single event (or a few) of a small group; after its last step the curve runs flat to
    where it stops. ``curve``: a table of :func:`pku_eval.stats.kaplan_meier` (``time``,
    ``at_risk``, ``events``, ``survival``, ``ci_low``, ``ci_high``).

    Examples
    --------
    >>> c = pd.DataFrame({"time": [1., 2., 3., 4.], "at_risk": [20, 18, 12, 4],
    ...                   "events": [2, 4, 6, 1], "survival": [.9, .7, .35, .26],
    ...                   "ci_low": [.8, .5, .2, .1], "ci_high": [1., .9, .5, .4]})
    >>> km_steps(c, Policy(5))[["time", "survival"]].values.tolist()
    [[0.0, 1.0], [2.0, 0.7], [3.0, 0.35], [3.0, 0.35]]
    """
    eligible = curve[curve["at_risk"].map(policy.enough).astype(bool)]
    keep, pending = [], 0
    for i, events in zip(eligible.index, eligible["events"], strict=True):
        pending += int(events)
        if pending and policy.enough(pending):
            keep.append(i)
            pending = 0
    cols = ["time", "survival", "ci_low", "ci_high"]
    start = pd.DataFrame([{"time": 0.0, "survival": 1.0, "ci_low": 1.0, "ci_high": 1.0}])
    drawn = curve.loc[keep, cols]
    last = drawn.iloc[[-1]] if len(drawn) else start
    end = last.assign(time=float(eligible["time"].max()) if len(eligible) else 0.0)
    return pd.concat([start, drawn, end], ignore_index=True).astype(float)


def suppress_counts(values, min_cell: int) -> pd.Series:
    """Boolean mask: counts in 1 … ``min_cell`` − 1 (zero is not disclosive and is kept), and
    cells already :data:`HIDDEN`.

    Examples
    --------
    >>> import pandas as pd
    >>> suppress_counts(pd.Series([0, 1, 4, 5, 12]), 5).tolist()
    [False, True, True, False, False]
    """
    values = pd.Series(values) if not isinstance(values, pd.Series) else values
    hidden = pd.Series([x is HIDDEN for x in values], index=values.index)
    v = pd.to_numeric(values.where(~hidden.to_numpy(), np.nan), errors="coerce")
    return (((v > 0) & (v < min_cell)).fillna(False) | hidden.to_numpy()).astype(bool)


def secondary_suppression(counts: np.ndarray, primary: np.ndarray) -> np.ndarray:
    """Complementary suppression for a table of counts whose row and column totals are known.

    A suppressed cell that is the only one suppressed in its row (or column) could be recovered
    by subtracting the others from the total; so the smallest other positive cell of that row
    (or column) is suppressed too, until every row and column with a suppressed cell has at
    least two (the rule Statistics Norway and NAV apply to published tables).

    Examples
    --------
    >>> import numpy as np
    >>> c = np.array([[3, 10, 20], [12, 15, 30]])
    >>> secondary_suppression(c, c < 5).astype(int).tolist()
    [[1, 1, 0], [1, 1, 0]]
    """
    counts = np.asarray(counts, dtype=float)
    mask = np.asarray(primary, dtype=bool).copy()
    if counts.ndim != 2 or not mask.any():
        return mask
    changed = True
    while changed:
        changed = False
        for axis in (1, 0):
            c = counts if axis == 1 else counts.T
            m = mask if axis == 1 else mask.T
            if c.shape[1] < 2:
                continue
            for i in np.flatnonzero(m.sum(axis=1) == 1):
                free = np.flatnonzero(~m[i])
                if free.size == 0:
                    continue
                positive = free[c[i, free] > 0]
                pool = positive if positive.size else free
                j = pool[np.argmin(c[i, pool])]
                m[i, j] = True
                changed = True
    return mask


# ------------------------------------------------------------ linked tables: linear relations

def derivable(relations: np.ndarray, hidden: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """Which hidden cells a reader can compute exactly from the published ones.

    ``relations`` (m × n): every row ``r`` states ``r · x = 0`` for the true values ``x`` of
    the n published-or-hidden cells (a total minus its parts, the same quantity in two
    tables). With the published cells known, the hidden ones satisfy ``A_H x_H = b``; a hidden
    cell is determined exactly when every solution of ``A_H z = 0`` has ``z_h = 0``, i.e. when
    its row of a null-space basis of ``A_H`` is zero (Gaussian elimination in the sense of
    Statistics Norway's GaussSuppression; here through the singular value decomposition).

    Examples
    --------
    A total with three parts, one hidden: recoverable; two hidden: not.

    >>> import numpy as np
    >>> R = np.array([[1.0, 1, 1, -1]])       # a + b + c − total = 0
    >>> derivable(R, np.array([True, False, False, False])).tolist()
    [True, False, False, False]
    >>> derivable(R, np.array([True, True, False, False])).tolist()
    [False, False, False, False]
    """
    relations = np.atleast_2d(np.asarray(relations, dtype=float))
    hidden = np.asarray(hidden, dtype=bool)
    out = np.zeros(hidden.shape, dtype=bool)
    idx = np.flatnonzero(hidden)
    if idx.size == 0:
        return out
    a = relations[:, idx]
    a = a[np.any(np.abs(a) > tol, axis=1)]
    if a.shape[0] == 0:
        return out
    # the hidden cells fall apart into groups that share no relation; the null space is the
    # direct sum of the groups' null spaces, so each group is solved on its own (much smaller)
    for group in _components(np.abs(a) > tol):
        sub = a[np.any(np.abs(a[:, group]) > tol, axis=1)][:, group]
        if sub.shape[0] == 0:
            continue
        _, sv, vt = np.linalg.svd(sub)
        rank = int(np.sum(sv > tol * max(sub.shape) * (sv[0] if sv.size else 1)))
        null = vt[rank:].T  # columns: a basis of the null space of this group's A_H
        out[idx[group]] = (True if null.shape[1] == 0
                           else np.all(np.abs(null) < 1e-7, axis=1))
    return out


def protect(values, primary, relations, cost=None, tol: float = 1e-9,
            published=None) -> np.ndarray:
    """Secondary suppression over linked tables: starting from ``primary``, withhold further
    cells until no hidden cell can be derived by any linear combination of the published cells
    (:func:`derivable`). Each step withholds, among the published cells that share a relation
    with a derivable hidden cell, the one of least ``cost`` (default: its value, totals — cells
    with a negative coefficient in a relation — after every inner cell: the least information
    is lost). A zero is never withheld: it is not a count of anyone to protect, and a reader
    often knows it (no internal controls at a reference office).

    ``published`` (default: every cell) marks the cells a report prints; the others (people
    without register data, those who did not answer: quantities that only the relations
    mention) are never printed, so they count as withheld from the start, and one of them needs
    protecting only when it is itself a primary cell.

    Examples
    --------
    A 2 × 2 table with its margins (cells a b / c d, row totals, column totals, grand total):
    one small cell hides three more, the rectangle that keeps it underivable.

    >>> import numpy as np
    >>> v = np.array([3, 20, 15, 40, 23, 55, 18, 60, 78])  # a b c d | r1 r2 | k1 k2 | N
    >>> R = np.array([[1, 1, 0, 0, -1, 0, 0, 0, 0], [0, 0, 1, 1, 0, -1, 0, 0, 0],
    ...               [1, 0, 1, 0, 0, 0, -1, 0, 0], [0, 1, 0, 1, 0, 0, 0, -1, 0],
    ...               [0, 0, 0, 0, 1, 1, 0, 0, -1]])
    >>> protect(v, v < 5, R).astype(int).tolist()
    [1, 1, 1, 1, 0, 0, 0, 0, 0]
    """
    values = np.asarray(values, dtype=float)
    primary = np.asarray(primary, dtype=bool)
    shown = (np.ones(values.shape, dtype=bool) if published is None
             else np.asarray(published, dtype=bool))
    hidden = primary | ~shown
    relations = np.atleast_2d(np.asarray(relations, dtype=float))
    if relations.size == 0 or not primary.any():
        return hidden
    if cost is None:  # least information lost: small inner cells before totals
        total = np.any(relations < -tol, axis=0)
        cost = values + np.where(total, 1e9, 0.0)
    cost = np.asarray(cost, dtype=float)
    touches = np.abs(relations) > tol
    # cells linked by relations form independent systems: protect each on its own
    for cells in _components(touches):
        if primary[cells].any():
            rows = np.any(touches[:, cells], axis=1)
            hidden[cells] = _protect_one(values[cells], primary[cells], shown[cells],
                                         relations[np.ix_(rows, cells)], cost[cells], tol)
    return hidden


def _components(touches: np.ndarray) -> list[np.ndarray]:
    """The sets of cells connected through the relations (union–find over each relation)."""
    n = touches.shape[1]
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for row in touches:
        idx = np.flatnonzero(row)
        for j in idx[1:]:
            a, b = find(idx[0]), find(j)
            if a != b:
                parent[b] = a
    roots = np.array([find(i) for i in range(n)])
    return [np.flatnonzero(roots == r) for r in np.unique(roots)]


def _protect_one(values, primary, shown, relations, cost, tol) -> np.ndarray:
    """:func:`protect` on one connected system of cells.

    A zero is never withheld and needs no protection (it is known, e.g. the internal controls
    of a reference office). Each step takes the smallest exposed cell and, among the published
    cells of the relations of it and of the withheld cells linked to it, withholds the cheapest
    one that makes it underivable — or, when no single cell does, the cheapest one, and looks
    again."""
    hidden = primary | ~shown
    guarded = (primary | shown) & (values != 0)
    touches = np.abs(relations) > tol
    while True:
        exposed = derivable(relations, hidden, tol) & guarded
        if not exposed.any():
            return hidden
        e = np.flatnonzero(exposed)[np.argmin(values[exposed])]
        around = np.zeros(hidden.shape, dtype=bool)   # e and the withheld cells linked to it
        around[e] = True
        while True:
            near = np.any(touches[np.any(touches[:, around], axis=1)], axis=0)
            if not (near & hidden & ~around).any():
                break
            around |= near & hidden
        candidates = np.flatnonzero(near & ~hidden & (values != 0))
        if candidates.size == 0:
            candidates = np.flatnonzero(~hidden & (values != 0))
        if candidates.size == 0:
            return hidden
        candidates = candidates[np.argsort(cost[candidates], kind="stable")]
        choice = candidates[0]
        for c in candidates[:12]:
            trial = hidden.copy()
            trial[c] = True
            if not derivable(relations, trial, tol)[e]:
                choice = c
                break
        hidden[choice] = True


__all__ = [
    "km_steps",
    "HIDDEN",
    "MARK",
    "Policy",
    "derivable",
    "protect",
    "secondary_suppression",
    "suppress_counts",
]
